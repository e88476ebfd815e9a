import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS_CONFIG, StateMachine, useLocalServices } from '@sfn-idempotency/local-runtime';
import { planWorkflow } from '../../lib/plan';
import { ReleaseStateName, StateName } from '../../lib/state-machines/names';
import { renderedDefinition } from '../support/render';

const TABLE = 'idempotency';
const WORKFLOW_ARN = 'arn:aws:states:us-east-1:111111111111:stateMachine:payments';
const FAILED_ARN = 'arn:aws:states:us-east-1:111111111111:execution:payments:run-1';
const OTHER_ARN = 'arn:aws:states:us-east-1:111111111111:execution:payments:run-2';
const RELEASE_ARN = 'arn:aws:states:us-east-1:111111111111:stateMachine:release';

/** How long after a stop the release waits in these tests (the workflow's business task timeout). */
const TASK_TIMEOUT_SECONDS = 18;
/** A stop long enough ago that the invocation cannot be running any more: the release does not wait. */
const longAgo = () => Date.now() - (TASK_TIMEOUT_SECONDS + 60) * 1000;

/** The EventBridge "Step Functions Execution Status Change" event AWS sends for a failed execution. */
function statusChangeEvent(
  status: string,
  input: unknown,
  executionArn = FAILED_ARN,
  stopDate = longAgo(),
): unknown {
  return {
    version: '0',
    id: 'b0a3c1f2-0000-4000-8000-000000000001',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '111111111111',
    time: '2026-11-26T10:00:00Z',
    region: 'us-east-1',
    resources: [executionArn],
    detail: {
      executionArn,
      stateMachineArn: WORKFLOW_ARN,
      name: 'run-1',
      status,
      startDate: stopDate - 60_000,
      stopDate,
      input: input === undefined ? null : JSON.stringify(input),
      output: null,
      inputDetails: { included: input !== undefined },
      outputDetails: null,
    },
  };
}

describe('the release workflow on the local runtime', () => {
  const services = useLocalServices({ dynamodb: { tables: { [TABLE]: {} } } });
  let client: DynamoDBClient;
  let machine: StateMachine;
  let runs = 0;

  beforeAll(() => {
    client = new DynamoDBClient({ ...LOCAL_AWS_CONFIG, endpoint: services().dynamodb?.endpoint });
    // The default 3 s function: a business task timeout of TASK_TIMEOUT_SECONDS.
    const { release } = planWorkflow({
      tableName: TABLE,
      businessFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:payments',
      keyExpression: '$states.input.detail.orderId',
      keyPrefix: 'payments',
    });
    if (release === undefined) throw new Error('a STANDARD workflow plans its release');
    const definition = renderedDefinition(release);
    machine = StateMachine.create(definition, { integrations: services().integrations });
  });
  afterAll(() => client.destroy());

  async function putRecord(id: string, status: string, execution: string): Promise<void> {
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          id: { S: id },
          status: { S: status },
          execution: { S: execution },
          expiration: { N: String(Math.floor(Date.now() / 1000) + 3600) },
          in_progress_expiration: { N: String(Date.now() + 60_000) },
        },
      }),
    );
  }

  async function recordExists(id: string): Promise<boolean> {
    const found = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { id: { S: id } }, ConsistentRead: true }),
    );
    return found.Item !== undefined;
  }

  /** Runs the release workflow on the event; returns its status, the Succeed state it ended in and the states it entered. */
  async function release(
    event: unknown,
    timeScale?: number,
    whileWaiting?: () => Promise<void>,
  ): Promise<{ status: string; endState?: string; waited: number }> {
    runs += 1;
    const execution = machine.start(event, {
      ...(timeScale === undefined ? {} : { timeScale }),
      executionArn: `arn:aws:states:us-east-1:111111111111:execution:release:r-${runs}`,
      name: `r-${runs}`,
      stateMachineArn: RELEASE_ARN,
      stateMachineName: 'release',
      roleArn: 'arn:aws:iam::111111111111:role/release',
    });
    if (whileWaiting) {
      while (!execution.events.some((e) => e.type === 'WaitStateEntered') && execution.status === 'RUNNING')
        await new Promise((resolve) => setTimeout(resolve, 5));
      await whileWaiting();
    }
    const result = await execution.done;
    const entered = execution.events.filter((event) => event.type === 'SucceedStateEntered');
    const waits = execution.events.filter((event) => event.type === 'WaitStateEntered');
    return {
      status: result.status,
      endState: (entered.at(-1)?.stateEnteredEventDetails as { name?: string } | undefined)?.name,
      waited: waits.length,
    };
  }

  afterEach(async () => {
    for (const order of ['o-1', 'o-2', 'o-3']) {
      await client.send(new DeleteItemCommand({ TableName: TABLE, Key: { id: { S: `payments#${order}` } } }));
    }
  });

  test.each(['FAILED', 'TIMED_OUT', 'ABORTED'])(
    'given a lease held by an execution that ended %s, when the status change arrives, then the key is released',
    async (status) => {
      await putRecord('payments#o-1', 'INPROGRESS', FAILED_ARN);

      const outcome = await release(statusChangeEvent(status, { detail: { orderId: 'o-1' } }));

      expect(outcome).toEqual({ status: 'SUCCEEDED', endState: ReleaseStateName.LeaseReleased, waited: 1 });
      expect(await recordExists('payments#o-1')).toBe(false);
    },
  );

  test.each(['FAILED', 'TIMED_OUT', 'ABORTED'])(
    'given an execution that ended %s just now, when the status change arrives, then the key is kept until the business task timeout has passed',
    async (status) => {
      await putRecord('payments#o-1', 'INPROGRESS', FAILED_ARN);
      let heldDuringWait: boolean | undefined;

      // The Wait runs at a twentieth of its length: 18 s become 0.9 s.
      const outcome = await release(
        statusChangeEvent(status, { detail: { orderId: 'o-1' } }, FAILED_ARN, Date.now()),
        0.05,
        async () => {
          heldDuringWait = await recordExists('payments#o-1');
        },
      );

      expect(heldDuringWait).toBe(true);
      expect(outcome).toEqual({ status: 'SUCCEEDED', endState: ReleaseStateName.LeaseReleased, waited: 1 });
      expect(await recordExists('payments#o-1')).toBe(false);
    },
  );

  test('given the lease was taken over by another execution, then the record is left alone', async () => {
    await putRecord('payments#o-2', 'INPROGRESS', OTHER_ARN);

    const outcome = await release(statusChangeEvent('FAILED', { detail: { orderId: 'o-2' } }));

    expect(outcome).toEqual({ status: 'SUCCEEDED', endState: ReleaseStateName.NoLeaseHeld, waited: 1 });
    expect(await recordExists('payments#o-2')).toBe(true);
  });

  test('given the failed execution had completed the record, then the record is left alone', async () => {
    await putRecord('payments#o-3', 'COMPLETED', FAILED_ARN);

    const outcome = await release(statusChangeEvent('ABORTED', { detail: { orderId: 'o-3' } }));

    expect(outcome).toEqual({ status: 'SUCCEEDED', endState: ReleaseStateName.NoLeaseHeld, waited: 1 });
    expect(await recordExists('payments#o-3')).toBe(true);
  });

  test('given no record (the workflow released it itself), then nothing happens', async () => {
    const outcome = await release(statusChangeEvent('FAILED', { detail: { orderId: 'o-1' } }));
    expect(outcome).toEqual({ status: 'SUCCEEDED', endState: ReleaseStateName.NoLeaseHeld, waited: 1 });
  });

  test('given an event without the input (too large for EventBridge), then it ends in NoKeyToRelease', async () => {
    await putRecord('payments#o-1', 'INPROGRESS', FAILED_ARN);

    const outcome = await release(statusChangeEvent('FAILED', undefined));

    expect(outcome).toEqual({ status: 'SUCCEEDED', endState: ReleaseStateName.NoKeyToRelease, waited: 0 });
    expect(await recordExists('payments#o-1')).toBe(true);
  });

  test('given an input without the key, then it ends in NoKeyToRelease', async () => {
    const outcome = await release(statusChangeEvent('FAILED', { detail: {} }));
    expect(outcome).toEqual({ status: 'SUCCEEDED', endState: ReleaseStateName.NoKeyToRelease, waited: 0 });
  });

  test('given the workflow aborted while running the business logic, when released, then the next delivery runs it again', async () => {
    // GIVEN the real idempotency workflow, its business call never answering until released
    let businessCalled!: () => void;
    const called = new Promise<void>((resolve) => {
      businessCalled = resolve;
    });
    let answer: ((payload: unknown) => void) | undefined;
    const local = services().integrations;
    const registry = {
      resolve(resource: string) {
        if (resource !== 'arn:aws:states:::lambda:invoke') return local.resolve(resource);
        return {
          resourceType: 'lambda',
          resource: 'invoke',
          invoke: (call: { signal: AbortSignal }) =>
            new Promise((resolve, reject) => {
              answer = (payload) => resolve({ Payload: payload, StatusCode: 200 });
              call.signal.addEventListener('abort', () => reject(new Error('aborted')));
              businessCalled();
            }),
        };
      },
    };
    const workflow = StateMachine.create(
      renderedDefinition(
        planWorkflow({
          tableName: TABLE,
          businessFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:payments',
          keyExpression: '$states.input.detail.orderId',
          keyPrefix: 'payments',
        }),
      ),
      { integrations: registry },
    );
    const start = (name: string) =>
      workflow.start(event, {
        executionArn: `arn:aws:states:us-east-1:111111111111:execution:payments:${name}`,
        name,
        stateMachineArn: WORKFLOW_ARN,
        stateMachineName: 'payments',
        roleArn: 'arn:aws:iam::111111111111:role/payments',
      });
    const event = { detail: { orderId: 'o-1' } };
    const first = start('first');
    await called;
    first.stop();
    expect((await first.done).status).toBe('ABORTED');
    expect(await recordExists('payments#o-1')).toBe(true);

    // WHEN the status change of the aborted execution reaches the release workflow, once the
    // business task timeout has passed since the abort (the invocation cannot be running any more)
    const outcome = await release(statusChangeEvent('ABORTED', event, first.executionArn, longAgo()));

    // THEN the key is free, and a redelivery runs the business logic instead of ending as a duplicate
    expect(outcome.endState).toBe(ReleaseStateName.LeaseReleased);
    expect(await recordExists('payments#o-1')).toBe(false);
    answer = undefined;
    const second = start('second');
    while (answer === undefined && second.status === 'RUNNING')
      await new Promise((resolve) => setTimeout(resolve, 5));
    (answer as ((payload: unknown) => void) | undefined)?.({ ok: true });
    const result = await second.done;
    expect(result.status).toBe('SUCCEEDED');
    expect(
      second.events.some(
        (e) =>
          e.type === 'SucceedStateEntered' &&
          (e.stateEnteredEventDetails as { name?: string } | undefined)?.name === StateName.Processed,
      ),
    ).toBe(true);
  });
});
