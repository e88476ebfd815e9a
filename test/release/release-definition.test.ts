/**
 * The orphaned-lease release workflow's definition, executed on the local engine with a stub
 * DynamoDB: the record it deletes, the condition of the delete, and how long it waits first.
 */
import { createHash } from 'node:crypto';
import {
  businessTaskTimeoutSeconds,
  type DefinitionOptions,
  defaultKeyExpression,
} from '../../lib/definition';
import { planWorkflow, type ReleasePlan } from '../../lib/plan';
import type { ChoiceState, PassState, StateMachineDefinition, WaitState } from '../../lib/state-machines/asl';
import { ReleaseStateName } from '../../lib/state-machines/names';
import { placeholder } from '../../lib/state-machines/placeholders';
import {
  type Answers,
  compile,
  conditionFailed,
  failing,
  firstTimes,
  run,
  SAMPLE,
  unmodeled,
} from '../support/engine';

const FAILED_ARN = 'arn:aws:states:us-east-1:111111111111:execution:idempotent-workflow:run-1';

/** The EventBridge event for an execution that ended FAILED; `input` is left out when null. */
function statusChangeEvent(input: string | null, stopDate?: number): unknown {
  return {
    version: '0',
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    detail: {
      executionArn: FAILED_ARN,
      stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:idempotent-workflow',
      status: 'FAILED',
      ...(stopDate === undefined ? {} : { stopDate }),
      input,
      inputDetails: { included: input !== null },
    },
  };
}

function releaseFor(options: Partial<DefinitionOptions> = {}): ReleasePlan {
  const { release } = planWorkflow({ ...SAMPLE, ...options });
  if (release === undefined) throw new Error('a STANDARD workflow plans its release');
  return release;
}

const ORDERS = releaseFor({ keyExpression: '$states.input.detail.orderId', keyPrefix: 'orders' });

/** Runs the release on the event of an execution that stopped long ago (so it does not wait). */
function release(input: unknown, plan = ORDERS, answers: Answers = {}) {
  return run(plan.definition, statusChangeEvent(JSON.stringify(input), Date.now() - 3_600_000), answers);
}

/** The id the release deletes for the failed execution's input, or undefined when it deletes nothing. */
async function releasedId(input: unknown, plan = ORDERS): Promise<unknown> {
  const { parametersOf } = await release(input, plan);
  return (parametersOf('deleteItem')[0]?.Key as { id?: { S?: string } } | undefined)?.id?.S;
}

describe('the release definition', () => {
  test('then it compiles on the engine and leaves only the table to CloudFormation', () => {
    expect(() => compile(ORDERS.definition)).not.toThrow();
    expect(ORDERS.definition.match(/\$\{\w+\}/g)).toEqual([placeholder('TableName')]);
  });

  test('given a failed execution event, when its input is restored, then the id is the one the workflow claimed', async () => {
    expect(await releasedId({ detail: { orderId: 42 } })).toBe('orders#42');
  });

  test('given the default key (SHA-256 of the whole event), then the same hash is recomputed', async () => {
    const event = { detail: { orderId: 'a-1', amount: 5 } };
    const expected = createHash('sha256').update(JSON.stringify(event)).digest('hex');
    expect(await releasedId(event, releaseFor())).toBe(`idempotency#${expected}`);
  });

  test('then the delete is conditional on the lease and on the failed execution owning it', async () => {
    const released = await release({ detail: { orderId: 'o-1' } });
    expect(released.entered.at(-1)).toBe(ReleaseStateName.LeaseReleased);
    expect(released.parametersOf('deleteItem')).toEqual([
      {
        TableName: SAMPLE.tableName,
        Key: { id: { S: 'orders#o-1' } },
        ConditionExpression: '#status = :inprogress AND #execution = :execution',
        ExpressionAttributeNames: { '#status': 'status', '#execution': 'execution' },
        ExpressionAttributeValues: { ':inprogress': { S: 'INPROGRESS' }, ':execution': { S: FAILED_ARN } },
      },
    ]);
  });

  test('given a record that is not the failed execution’s lease, then nothing is released', async () => {
    const kept = await release({ detail: { orderId: 'o-1' } }, ORDERS, { deleteItem: conditionFailed });
    expect(kept.result.status).toBe('SUCCEEDED');
    expect(kept.entered.at(-1)).toBe(ReleaseStateName.NoLeaseHeld);
  });

  test('given an event without input (over the event size limit), then nothing is released', async () => {
    const skipped = await run(ORDERS.definition, statusChangeEvent(null, 0));
    expect(skipped.entered.at(-1)).toBe(ReleaseStateName.NoKeyToRelease);
    expect(skipped.parametersOf('deleteItem')).toHaveLength(0);
  });

  test('given an input without the key, then nothing is released', async () => {
    expect(await releasedId({ detail: {} })).toBeUndefined();
  });

  test('given the default key, then it checks only that the input is there: every input has a key', async () => {
    const defaults = releaseFor();
    const found = JSON.parse(defaults.definition).States[ReleaseStateName.FindLeasedKey] as ChoiceState;
    expect(found.Choices.map((rule) => rule.Condition)).toEqual(['{% $states.input != null %}']);
    expect(defaults.definition).not.toContain('$keyText');
    const skipped = await run(defaults.definition, statusChangeEvent(null, 0));
    expect(skipped.entered.at(-1)).toBe(ReleaseStateName.NoKeyToRelease);
    expect(skipped.parametersOf('deleteItem')).toHaveLength(0);
  });

  test('then the delete retries unmodeled DynamoDB errors such as throttling', async () => {
    const throttledOnce = firstTimes(1, failing(unmodeled('ThrottlingException')), () => ({}));
    const retried = await release({ detail: { orderId: 'o-1' } }, ORDERS, { deleteItem: throttledOnce });
    expect(retried.parametersOf('deleteItem')).toHaveLength(2);
    expect(retried.entered.at(-1)).toBe(ReleaseStateName.LeaseReleased);
  });
});

describe('waiting for the invocation the stopped execution may have left running', () => {
  const plan = releaseFor({ businessTimeoutSeconds: 60 });
  const taskTimeout = businessTaskTimeoutSeconds(60);
  const definition: StateMachineDefinition = JSON.parse(plan.definition);
  const restore = definition.States[ReleaseStateName.RestoreFailedExecutionInput] as PassState;
  const wait = definition.States[ReleaseStateName.WaitForInvocationToEnd] as WaitState;

  /** The Wait's Seconds for an event: the release's first state, then the Wait's expression, on the engine. */
  async function waitSeconds(event: unknown): Promise<number> {
    const probe: StateMachineDefinition = {
      ...definition,
      StartAt: 'Restore',
      States: {
        Restore: { ...restore, Next: 'Seconds' },
        Seconds: { Type: 'Pass', Output: wait.Seconds, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    const { output } = await run(JSON.stringify(probe), event);
    return output as number;
  }

  test('then a key that was found is deleted only after the Wait', () => {
    const found = definition.States[ReleaseStateName.FindLeasedKey] as ChoiceState;
    expect(found.Choices[0]?.Next).toBe(ReleaseStateName.WaitForInvocationToEnd);
    expect(wait.Type).toBe('Wait');
    expect(wait.Next).toBe(ReleaseStateName.ReleaseOrphanedLease);
  });

  test('given an execution that just stopped, then it waits the business task timeout', async () => {
    const seconds = await waitSeconds(statusChangeEvent('{}', Date.now()));
    expect(seconds).toBeLessThanOrEqual(taskTimeout);
    expect(seconds).toBeGreaterThanOrEqual(taskTimeout - 1);
  });

  test('given an execution that stopped 30 s ago, then it waits the rest of the task timeout', async () => {
    const seconds = await waitSeconds(statusChangeEvent('{}', Date.now() - 30_000));
    expect(seconds).toBeLessThanOrEqual(taskTimeout - 30);
    expect(seconds).toBeGreaterThanOrEqual(taskTimeout - 31);
  });

  test('given an event delivered after the task timeout had passed, then it does not wait', async () => {
    expect(await waitSeconds(statusChangeEvent('{}', Date.now() - (taskTimeout + 60) * 1000))).toBe(0);
  });

  test('given an event without a stop date, then it waits the whole task timeout', async () => {
    const seconds = await waitSeconds(statusChangeEvent('{}'));
    expect(seconds).toBeGreaterThanOrEqual(taskTimeout - 1);
    expect(seconds).toBeLessThanOrEqual(taskTimeout);
  });

  test('then the release workflow may run longer than the longest wait plus the delete', () => {
    expect(definition.TimeoutSeconds).toBeGreaterThanOrEqual(businessTaskTimeoutSeconds(900) + 15);
  });
});

describe('the default key of a workflow fed by EventBridge Pipes ([event])', () => {
  test('then the release finds the key the workflow claimed: the hash of the event', async () => {
    const event = { detail: { orderId: 'a-1' } };
    const expected = createHash('sha256').update(JSON.stringify(event)).digest('hex');
    expect(defaultKeyExpression('BATCH_OF_ONE')).toContain('$states.input[0]');
    expect(await releasedId([event], releaseFor({ inputShape: 'BATCH_OF_ONE' }))).toBe(
      `idempotency#${expected}`,
    );
  });
});
