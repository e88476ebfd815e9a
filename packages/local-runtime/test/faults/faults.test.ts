/**
 * The fault kinds of src/faults on a running runtime: each is seen by a definition the way the
 * real service's fault would be (the error name Step Functions reports, the call applied or not),
 * and each crash window stops the execution where it says.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient, ServiceException } from '@aws-sdk/client-lambda';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { LOCAL_AWS_CONFIG } from '../../src/dynamodb-local';
import { executionHistory, waitForExecution } from '../../src/executions';
import { INJECTED_BUSINESS_ERROR, injectCrashes, installLambdaFaults, lambdaFaults } from '../../src/faults';
import { type LocalRuntime, startLocalRuntime } from '../../src/runtime';

const TABLE = 'faults';
let runtime: LocalRuntime;
let callsDir: string;
let callsFile: string;
let lambda: LambdaClient;

const definition = (states: object) =>
  JSON.stringify({ QueryLanguage: 'JSONata', StartAt: Object.keys(states)[0], States: states });

/** Put, then the function, then Update: the shape of an idempotent workflow without its rules. */
const PUT_INVOKE_UPDATE = definition({
  Put: {
    Type: 'Task',
    Resource: 'arn:aws:states:::dynamodb:putItem',
    Arguments: { TableName: TABLE, Item: { id: { S: '{% $states.input.id %}' }, status: { S: 'CLAIMED' } } },
    Output: '{% $states.input %}',
    Next: 'Work',
  },
  Work: {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a DefinitionSubstitutions placeholder, not a template literal
    Arguments: { FunctionName: '${Fn}', Payload: '{% $states.input %}' },
    Output: '{% $states.input %}',
    Next: 'Complete',
  },
  Complete: {
    Type: 'Task',
    Resource: 'arn:aws:states:::dynamodb:updateItem',
    Arguments: {
      TableName: TABLE,
      Key: { id: { S: '{% $states.input.id %}' } },
      UpdateExpression: 'SET #s = :done',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':done': { S: 'DONE' } },
    },
    End: true,
  },
});

let machineArn: string;

beforeAll(async () => {
  callsDir = mkdtempSync(path.join(tmpdir(), 'faults-'));
  callsFile = path.join(callsDir, 'calls.jsonl');
  runtime = await startLocalRuntime({
    baseDir: path.join(__dirname, 'fixtures'),
    dynamoDbFaults: {},
    onLambdaLog: () => {},
  });
  await runtime.createTable(TABLE);
  runtime.registerFunction('record', {
    handler: 'handlers.ts#record',
    timeoutSeconds: 3,
    environment: { CALLS_FILE: callsFile },
  });
  machineArn = await runtime.deployStateMachine({
    name: 'put-invoke-update',
    definition: PUT_INVOKE_UPDATE,
    substitutions: { Fn: runtime.lambda.functionArn('record') },
  });
  lambda = new LambdaClient({
    endpoint: runtime.lambda.endpoint,
    region: runtime.region,
    credentials: LOCAL_AWS_CONFIG.credentials,
    maxAttempts: 1,
  });
}, 60_000);

afterAll(async () => {
  lambda?.destroy();
  await runtime?.stop();
  rmSync(callsDir, { recursive: true, force: true });
});

const calls = (): { id?: string }[] => {
  try {
    return readFileSync(callsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  } catch {
    return [];
  }
};

async function run(id: string, extra: object = {}) {
  const { executionArn } = await runtime.clients.sfn.send(
    new StartExecutionCommand({ stateMachineArn: machineArn, input: JSON.stringify({ id, ...extra }) }),
  );
  const described = await waitForExecution(runtime.clients.sfn, executionArn as string, 20);
  const events = await executionHistory(runtime.clients.sfn, executionArn as string);
  return { described, events };
}

const statusOf = async (id: string) =>
  (
    await runtime.clients.dynamodb.send(
      new GetItemCommand({ TableName: TABLE, Key: { id: { S: id } }, ConsistentRead: true }),
    )
  ).Item?.status?.S;

const failures = (events: readonly { type?: string; taskFailedEventDetails?: { error?: string } }[]) =>
  events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error);

describe('the DynamoDB fault proxy, between the engine and DynamoDB Local', () => {
  afterEach(() => runtime.dynamoDbFaults?.configure({}));

  test('Given every call throttled, When a task writes, Then Step Functions sees DynamoDB.ProvisionedThroughputExceededException and nothing is written', async () => {
    runtime.dynamoDbFaults?.configure({ throttle: 1 });
    const before = runtime.dynamoDbFaults?.counts().throttle ?? 0;

    const { described, events } = await run('throttled');

    expect(described.error).toBe('DynamoDB.ProvisionedThroughputExceededException');
    expect(described.cause).toMatch(/Status Code: 400; Error Code: ProvisionedThroughputExceededException/);
    expect(failures(events)).toEqual(['DynamoDB.ProvisionedThroughputExceededException']);
    expect((runtime.dynamoDbFaults?.counts().throttle ?? 0) - before).toBe(1);
    expect(await statusOf('throttled')).toBeUndefined();
  });

  test('Given every call failing with a 5xx, Then the error is DynamoDB.InternalServerErrorException (the Java SDK class Step Functions names) and nothing is written', async () => {
    runtime.dynamoDbFaults?.configure({ serverError: 1 });

    const { described } = await run('failed');

    expect(described.error).toBe('DynamoDB.InternalServerErrorException');
    expect(described.cause).toMatch(/Status Code: 500; Error Code: InternalServerError/);
    expect(await statusOf('failed')).toBeUndefined();
  });

  test('Given a 5xx after the write, Then the task fails the same way but the write was applied', async () => {
    runtime.dynamoDbFaults?.configure({ serverErrorAfterWrite: 1 });

    const { described } = await run('applied');

    expect(described.error).toBe('DynamoDB.InternalServerErrorException');
    expect(await statusOf('applied')).toBe('CLAIMED');
  });

  test('Given slow calls, Then each call waits and still succeeds; functions and clients reach DynamoDB Local directly', async () => {
    runtime.dynamoDbFaults?.configure({ slow: 1, slowMs: 150 });
    const calls = runtime.dynamoDbFaults?.calls ?? 0;
    const started = Date.now();

    const { described } = await run('slow');

    expect(described.status).toBe('SUCCEEDED');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    // Two engine calls went through the proxy; the test's own GetItem does not.
    await statusOf('slow');
    expect((runtime.dynamoDbFaults?.calls ?? 0) - calls).toBe(2);
  });
});

describe('the Lambda fault hooks', () => {
  const faults = lambdaFaults();
  let uninstall: () => void;
  beforeAll(() => {
    uninstall = installLambdaFaults(runtime.lambda, faults);
  });
  afterAll(() => uninstall());
  afterEach(() => faults.configure({}));

  test('Given a business error before the run, Then the execution fails with the injected error and the handler never ran', async () => {
    faults.configure({ businessErrorBefore: 1 });

    const { described } = await run('before');

    expect(described.error).toBe(INJECTED_BUSINESS_ERROR);
    expect(calls().filter((c) => c.id === 'before')).toHaveLength(0);
    expect(faults.counts().businessErrorBefore).toBe(1);
  });

  test('Given a business error after the run, Then the execution fails with the injected error although the side effect happened', async () => {
    faults.configure({ businessErrorAfter: 1 });

    const { described } = await run('after');

    expect(described.error).toBe(INJECTED_BUSINESS_ERROR);
    expect(calls().filter((c) => c.id === 'after')).toHaveLength(1);
  });

  test('Given a Lambda 5xx after the run, Then the SDK gets a 500 ServiceException, Step Functions Lambda.ServiceException, and the side effect happened', async () => {
    faults.configure({ serviceErrorAfterRun: 1 });

    const direct = lambda.send(
      new InvokeCommand({ FunctionName: 'record', Payload: Buffer.from('{"id":"direct-5xx"}') }),
    );
    await expect(direct).rejects.toBeInstanceOf(ServiceException);
    await expect(direct).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    const { described } = await run('5xx');

    expect(described.error).toBe('Lambda.ServiceException');
    expect(calls().filter((c) => c.id === '5xx' || c.id === 'direct-5xx')).toHaveLength(2);
  });

  test('Given a held answer, Then a caller with a shorter timeout gives up (States.Timeout) though the work was done', async () => {
    faults.configure({ timeout: 1, timeoutHoldMs: 5_000 });
    const arn = await runtime.deployStateMachine({
      name: 'short-timeout',
      definition: definition({
        Work: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: runtime.lambda.functionArn('record'), Payload: '{% $states.input %}' },
          TimeoutSeconds: 1,
          End: true,
        },
      }),
    });
    const { executionArn } = await runtime.clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, input: '{"id":"held"}' }),
    );

    const described = await waitForExecution(runtime.clients.sfn, executionArn as string, 10);
    faults.releaseHeld();

    expect(described.error).toBe('States.Timeout');
    expect(calls().filter((c) => c.id === 'held')).toHaveLength(1);
  });
});

describe('crashes staged with StopExecution from the history feed', () => {
  test('Given a crash after the task succeeded, Then the execution is ABORTED before the next state: its DynamoDB call never happens', async () => {
    const crashes = injectCrashes(runtime.stepFunctions.api, {
      stateName: 'Work',
      rates: { afterSuccess: 1 },
    });
    const proxyCalls = runtime.dynamoDbFaults?.calls ?? 0;
    try {
      const { described, events } = await run('crash-after');

      expect(described.status).toBe('ABORTED');
      const types = events.map((e) => e.type);
      expect(types.slice(-2)).toEqual(['TaskSucceeded', 'ExecutionAborted']);
      expect(events.some((e) => e.stateEnteredEventDetails?.name === 'Complete')).toBe(false);
      // Only the Put went through the proxy: Complete's UpdateItem was never sent.
      expect((runtime.dynamoDbFaults?.calls ?? 0) - proxyCalls).toBe(1);
      expect(await statusOf('crash-after')).toBe('CLAIMED');
      expect(calls().filter((c) => c.id === 'crash-after')).toHaveLength(1);
      expect(crashes.counts()).toEqual({ whileRunning: 0, afterSuccess: 1 });
    } finally {
      crashes.stop();
    }
  });

  test('Given a crash while the task runs, Then the execution is ABORTED while the call is in flight, and the call still completes its work', async () => {
    const crashes = injectCrashes(runtime.stepFunctions.api, {
      stateName: 'Work',
      rates: { whileRunning: 1, whileRunningMaxDelayMs: 1 },
    });
    try {
      const { described, events } = await run('crash-during', { workMs: 300 });

      expect(described.status).toBe('ABORTED');
      expect(events.map((e) => e.type).slice(-2)).toEqual(['TaskStarted', 'ExecutionAborted']);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(calls().filter((c) => c.id === 'crash-during')).toHaveLength(1);
      expect(crashes.counts()).toEqual({ whileRunning: 1, afterSuccess: 0 });
    } finally {
      crashes.stop();
    }
  });
});
