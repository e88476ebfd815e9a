import { createHash } from 'node:crypto';
import jsonata from 'jsonata';
import { businessTaskTimeoutSeconds, DEFINITION_DEFAULTS, defaultKeyExpression } from '../../lib/definition';
import {
  ReleaseDefinitionError,
  releaseDefinitionTemplate,
  releaseSubstitutions,
  renderReleaseDefinition,
  workflowIdExpression,
} from '../../lib/release/release-definition';

// asl-validator ships no type declarations.
const aslValidator = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: () => string;
};

interface AslState {
  Type?: string;
  Next?: string;
  Seconds?: string;
  Retry?: { ErrorEquals: string[] }[];
  Output?: string;
  Assign?: Record<string, string>;
  Arguments?: { Key: { id: { S: string } }; ExpressionAttributeValues: Record<string, { S: string }> };
  Choices?: { Condition: string; Next: string }[];
}

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

/** Evaluates a `{% %}` string the way Step Functions does, with its $parse and $hash extensions. */
async function evaluate(template: string, bindings: Record<string, unknown>): Promise<unknown> {
  const body = /^\{%(.*)%\}$/s.exec(template)?.[1];
  if (body === undefined) throw new Error(`not a JSONata template: ${template}`);
  const expression = jsonata(body);
  expression.registerFunction('parse', (text: string) => JSON.parse(text), '<s:x>');
  expression.registerFunction('hash', (text: string, algorithm: string) =>
    createHash(algorithm.replace('-', '').toLowerCase()).update(text).digest('hex'),
  );
  return expression.evaluate({}, bindings);
}

/** Runs the release definition's expressions on an event, as the engine would: the id it deletes, or undefined. */
async function releasedId(states: Record<string, AslState>, event: unknown): Promise<unknown> {
  const restored = await evaluate(states.RestoreFailedExecutionInput?.Output ?? '', {
    states: { input: event },
  });
  const found = await evaluate(states.FindLeasedKey?.Choices?.[0]?.Condition ?? '', {
    states: { input: restored },
  });
  if (found !== true) return undefined;
  return evaluate(states.ReleaseOrphanedLease?.Arguments?.Key.id.S ?? '', { states: { input: restored } });
}

function definitionFor(keyExpression: string, keyPrefix: string): Record<string, AslState> {
  const idExpression = workflowIdExpression(keyExpression, keyPrefix);
  return JSON.parse(renderReleaseDefinition({ tableName: 'idempotency', idExpression })).States;
}

describe('renderReleaseDefinition', () => {
  const states = definitionFor('$states.input.detail.orderId', 'orders');

  test('then no placeholder is left and the definition is valid ASL', () => {
    const definition = JSON.parse(renderReleaseDefinition({ tableName: 't', idExpression: "'x'" }));
    const result = aslValidator(definition);
    expect(JSON.stringify(definition)).not.toMatch(/\$\{\w+\}/);
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  test('given a failed execution event, when its input is restored, then the id is the one the workflow claimed', async () => {
    const id = await releasedId(states, statusChangeEvent(JSON.stringify({ detail: { orderId: 42 } })));
    expect(id).toBe('orders#42');
  });

  test('given the default key (SHA-256 of the whole event), then the same hash is recomputed', async () => {
    const event = { detail: { orderId: 'a-1', amount: 5 } };
    const id = await releasedId(
      definitionFor(DEFINITION_DEFAULTS.keyExpression, 'idempotency'),
      statusChangeEvent(JSON.stringify(event)),
    );
    const expected = createHash('sha256').update(JSON.stringify(event)).digest('hex');
    expect(id).toBe(`idempotency#${expected}`);
  });

  test('then the delete is fenced on the failed execution', async () => {
    const owner = await evaluate(states.RestoreFailedExecutionInput?.Assign?.failedExecutionArn ?? '', {
      states: { input: statusChangeEvent('{}') },
    });
    const execution = await evaluate(
      states.ReleaseOrphanedLease?.Arguments?.ExpressionAttributeValues[':execution']?.S ?? '',
      {
        failedExecutionArn: owner,
      },
    );
    expect(execution).toBe(FAILED_ARN);
  });

  test('given an event without input (over the event size limit), then nothing is released', async () => {
    expect(await releasedId(states, statusChangeEvent(null))).toBeUndefined();
  });

  test('given an input without the key, then nothing is released', async () => {
    expect(await releasedId(states, statusChangeEvent(JSON.stringify({ detail: {} })))).toBeUndefined();
  });

  test('then the delete is conditional on the lease and its owner', () => {
    const definition = JSON.parse(renderReleaseDefinition({ tableName: 't', idExpression: "'x'" }));
    expect(definition.States.ReleaseOrphanedLease.Arguments.ConditionExpression).toBe(
      '#status = :inprogress AND #execution = :execution',
    );
  });
});

describe('waiting for the invocation the stopped execution may have left running', () => {
  const TASK_TIMEOUT = 75;
  const definition = JSON.parse(
    renderReleaseDefinition({
      tableName: 't',
      idExpression: "'x'",
      businessTaskTimeoutSeconds: TASK_TIMEOUT,
    }),
  ) as { TimeoutSeconds: number; States: Record<string, AslState> };
  const states = definition.States;

  /** The Wait's Seconds for an event, as Step Functions evaluates it. */
  async function waitSeconds(event: unknown): Promise<unknown> {
    const stoppedAt = await evaluate(states.RestoreFailedExecutionInput?.Assign?.stoppedAt ?? '', {
      states: { input: event },
    });
    return evaluate(states.WaitForInvocationToEnd?.Seconds ?? '', { stoppedAt });
  }

  test('then a key that was found is deleted only after the Wait', () => {
    expect(states.FindLeasedKey?.Choices?.[0]?.Next).toBe('WaitForInvocationToEnd');
    expect(states.WaitForInvocationToEnd?.Type).toBe('Wait');
    expect(states.WaitForInvocationToEnd?.Next).toBe('ReleaseOrphanedLease');
  });

  test('given an execution that just stopped, then it waits the business task timeout', async () => {
    const seconds = (await waitSeconds(statusChangeEvent('{}', Date.now()))) as number;
    expect(seconds).toBeLessThanOrEqual(TASK_TIMEOUT);
    expect(seconds).toBeGreaterThanOrEqual(TASK_TIMEOUT - 1);
  });

  test('given an execution that stopped 30 s ago, then it waits the rest of the task timeout', async () => {
    const seconds = (await waitSeconds(statusChangeEvent('{}', Date.now() - 30_000))) as number;
    expect(seconds).toBeLessThanOrEqual(TASK_TIMEOUT - 30);
    expect(seconds).toBeGreaterThanOrEqual(TASK_TIMEOUT - 31);
  });

  test('given an event delivered after the task timeout had passed, then it does not wait', async () => {
    expect(await waitSeconds(statusChangeEvent('{}', Date.now() - (TASK_TIMEOUT + 60) * 1000))).toBe(0);
  });

  test('given an event without a stop date, then it waits the whole task timeout', async () => {
    const seconds = (await waitSeconds(statusChangeEvent('{}'))) as number;
    expect(seconds).toBeGreaterThanOrEqual(TASK_TIMEOUT - 1);
    expect(seconds).toBeLessThanOrEqual(TASK_TIMEOUT);
  });

  test('then the release workflow may run longer than the longest wait plus the delete', () => {
    expect(definition.TimeoutSeconds).toBeGreaterThanOrEqual(businessTaskTimeoutSeconds(900) + 15);
  });

  test('then the delete retries unmodeled DynamoDB errors such as throttling', () => {
    expect(states.ReleaseOrphanedLease?.Retry?.[0]?.ErrorEquals).toContain(
      'DynamoDB.AmazonDynamoDBException',
    );
  });
});

describe('the default key of a workflow fed by EventBridge Pipes ([event])', () => {
  test('then the release finds the key the workflow claimed: the hash of the event', async () => {
    const event = { detail: { orderId: 'a-1' } };
    const id = await releasedId(
      definitionFor(defaultKeyExpression('BATCH_OF_ONE'), 'idempotency'),
      statusChangeEvent(JSON.stringify([event])),
    );
    const expected = createHash('sha256').update(JSON.stringify(event)).digest('hex');
    expect(id).toBe(`idempotency#${expected}`);
  });
});

describe('releaseSubstitutions', () => {
  test('given no task timeout, then the one of Lambda’s default 3 s function timeout is used', () => {
    expect(releaseSubstitutions({ tableName: 't', idExpression: 'x' }).BusinessTaskTimeoutSeconds).toBe(
      String(businessTaskTimeoutSeconds(DEFINITION_DEFAULTS.businessTimeoutSeconds)),
    );
  });

  test.each([0, 1.5])('fails when the task timeout is %s', (seconds) => {
    expect(() =>
      releaseSubstitutions({ tableName: 't', idExpression: 'x', businessTaskTimeoutSeconds: seconds }),
    ).toThrow(ReleaseDefinitionError);
  });

  test('given an expression with quotes, then it is JSON-escaped so the definition stays valid JSON', () => {
    const values = releaseSubstitutions({ tableName: 't', idExpression: `"a" & $states.input.id` });
    expect(values.IdempotencyIdExpression).toBe('\\"a\\" & $states.input.id');
    expect(() =>
      JSON.parse(renderReleaseDefinition({ tableName: 't', idExpression: `"a" & $x` })),
    ).not.toThrow();
  });

  test('then the file uses exactly the placeholders the substitutions supply', () => {
    const used = new Set([...releaseDefinitionTemplate().matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));
    expect([...used].sort()).toEqual(
      Object.keys(releaseSubstitutions({ tableName: 't', idExpression: 'x' })).sort(),
    );
  });

  test('fails when the id expression is empty', () => {
    expect(() => releaseSubstitutions({ tableName: 't', idExpression: ' ' })).toThrow(ReleaseDefinitionError);
  });
});
