/**
 * What the Step Functions service's retention costs, printed, never asserted: the heap one
 * finished execution holds (measured after a full GC, and as the store estimates it against its
 * budget), how many fit the default budget, and the time packing adds per execution.
 *
 * The executions are shaped like the idempotency blueprint's, without its services: a JSONata
 * machine whose tasks answer like DynamoDB PutItem / UpdateItem (with the SDK metadata Step Functions
 * adds) and Lambda Invoke, 70 % new events (19 history events) and 30 % duplicates (a
 * ConditionalCheckFailedException caught, 9 events). They run in process through the API object,
 * without HTTP, so the figures are the store's alone.
 *
 *   npm run bench:retention                      (in packages/local-runtime)
 *   EXECUTIONS=100000 npm run bench:retention    (the default is 20,000)
 */
import { randomUUID } from 'node:crypto';
import { StateMachine } from '../src/engine';
import { StatesError } from '../src/engine/errors';
import type { Integration, IntegrationRegistry, TaskCall } from '../src/engine/types';
import { sdkMetadata } from '../src/integrations/aws-metadata';
import { DEFAULT_RETENTION_MEGABYTES, StepFunctionsApi } from '../src/sfn';

const EXECUTIONS = Number(process.env.EXECUTIONS ?? 20_000);
const ROLE = 'arn:aws:iam::123456789012:role/payments-role';
const TABLE = 'payments-idempotency';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:payments-business';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc (npm run bench:retention does)');
  process.exit(2);
}

const HEADERS = [
  'Server',
  'Connection',
  'x-amzn-RequestId',
  'x-amz-crc32',
  'Content-Length',
  'Date',
  'Content-Type',
];
const dynamoDbResult = () => ({
  ...sdkMetadata(
    HEADERS,
    {
      Server: 'Server',
      Connection: 'keep-alive',
      'x-amz-crc32': String(Math.floor(Math.random() * 2 ** 32)),
      'Content-Length': '2',
      Date: new Date().toUTCString(),
      'Content-Type': 'application/x-amz-json-1.0',
    },
    {},
    randomUUID(),
  ),
});

const task = (resourceType: string, resource: string, invoke: (call: TaskCall) => unknown): Integration => ({
  resourceType,
  resource,
  invoke: async (call) => invoke(call),
});

const integrations: IntegrationRegistry = {
  resolve: (arn) =>
    ({
      'arn:aws:states:::dynamodb:putItem': task('dynamodb', 'putItem', (call) => {
        const item = (call.parameters as { Item: { duplicate?: { BOOL: boolean } } }).Item;
        if (item.duplicate?.BOOL) {
          throw new StatesError(
            'DynamoDB.ConditionalCheckFailedException',
            `The conditional request failed (Service: DynamoDb, Status Code: 400, Request ID: ${randomUUID()})`,
          );
        }
        return dynamoDbResult();
      }),
      'arn:aws:states:::dynamodb:updateItem': task('dynamodb', 'updateItem', () => dynamoDbResult()),
      'arn:aws:states:::lambda:invoke': task('lambda', 'invoke', (call) => ({
        ExecutedVersion: '$LATEST',
        Payload: {
          charged: true,
          receipt: randomUUID(),
          event: (call.parameters as { Payload: unknown }).Payload,
        },
        SdkHttpMetadata: dynamoDbResult().SdkHttpMetadata,
        SdkResponseMetadata: { RequestId: randomUUID() },
        StatusCode: 200,
      })),
    })[arn],
};

const DEFINITION = JSON.stringify({
  QueryLanguage: 'JSONata',
  StartAt: 'ClaimIdempotencyKey',
  States: {
    ClaimIdempotencyKey: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:putItem',
      Arguments: {
        TableName: TABLE,
        Item: {
          id: { S: "{% 'payments#' & $states.input.orderId %}" },
          status: { S: 'INPROGRESS' },
          expiration: { N: '{% $string($floor($millis() / 1000) + 3600) %}' },
          in_progress_expiration: { N: '{% $string($millis() + 77000) %}' },
          execution: { S: '{% $states.context.Execution.Id %}' },
          duplicate: { BOOL: '{% $states.input.duplicate = true %}' },
        },
        ConditionExpression:
          'attribute_not_exists(#id) OR #expiration < :now OR (#status = :inprogress AND #in_progress_expiration < :now_ms)',
        ExpressionAttributeNames: {
          '#id': 'id',
          '#expiration': 'expiration',
          '#status': 'status',
          '#in_progress_expiration': 'in_progress_expiration',
        },
        ExpressionAttributeValues: {
          ':now': { N: '{% $string($floor($millis() / 1000)) %}' },
          ':now_ms': { N: '{% $string($millis()) %}' },
          ':inprogress': { S: 'INPROGRESS' },
        },
      },
      Output: '{% $states.input %}',
      Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], Next: 'AlreadyProcessed' }],
      Next: 'RunBusinessLogic',
    },
    RunBusinessLogic: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Arguments: { FunctionName: FUNCTION_ARN, Payload: '{% $states.input %}' },
      Output: '{% $states.result.Payload %}',
      Next: 'RecordCompletion',
    },
    RecordCompletion: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:updateItem',
      Arguments: {
        TableName: TABLE,
        Key: { id: { S: "{% 'payments#' & $states.input.event.orderId %}" } },
        UpdateExpression: 'SET #status = :completed',
        ConditionExpression: '#execution = :me',
        ExpressionAttributeNames: { '#status': 'status', '#execution': 'execution' },
        ExpressionAttributeValues: {
          ':completed': { S: 'COMPLETED' },
          ':me': { S: '{% $states.context.Execution.Id %}' },
        },
      },
      Output: '{% $states.input %}',
      Next: 'Processed',
    },
    Processed: { Type: 'Succeed' },
    AlreadyProcessed: { Type: 'Succeed', Output: "{% {'duplicate': true} %}" },
  },
});

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const heap = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};

async function main(): Promise<void> {
  const api = new StepFunctionsApi({
    integrations,
    createStateMachine: (definition, options) => StateMachine.create(definition, options),
    log: (line) => console.log(`  (log) ${line}`),
  });
  const { stateMachineArn } = api.createStateMachine({
    name: 'payments',
    definition: DEFINITION,
    roleArn: ROLE,
  });
  const before = heap();
  let events = 0;
  const started = performance.now();
  const batch = 500;
  for (let i = 0; i < EXECUTIONS; i += batch) {
    const runs = [];
    for (let j = i; j < Math.min(i + batch, EXECUTIONS); j++) {
      const input = JSON.stringify({
        orderId: `ord-${j}`,
        amount: 100 + (j % 900),
        currency: 'EUR',
        customer: `c-${j % 977}`,
        duplicate: j % 10 < 3,
      });
      const { executionArn } = api.startExecution({ stateMachineArn, input }) as { executionArn: string };
      runs.push(api.execution(executionArn)?.execution.done);
    }
    await Promise.all(runs);
    await new Promise(setImmediate);
  }
  const elapsed = performance.now() - started;
  for (const record of api.allExecutions()) events += record.execution.events.length;
  const after = heap();
  const state = api.retention();
  const perExecution = (after - before) / state.executions;

  // The same executions unpacked: what the engine's records would have held had nothing been packed.
  let jsonBytes = 0;
  for (const record of api.allExecutions()) jsonBytes += JSON.stringify(record.execution.events).length;

  const readStart = performance.now();
  for (const record of api.allExecutions().slice(0, 1000)) {
    api.describeExecution({ executionArn: record.executionArn });
    api.getExecutionHistory({ executionArn: record.executionArn });
  }
  const readMs = (performance.now() - readStart) / 1000;

  console.log(
    `executions run and kept        ${state.executions} (${(events / state.executions).toFixed(1)} history events each)`,
  );
  console.log(
    `heap growth                    ${mb(after - before)}: ${perExecution.toFixed(0)} bytes per execution`,
  );
  console.log(
    `store's estimate               ${mb(state.bytes)}: ${(state.bytes / state.executions).toFixed(0)} bytes per execution`,
  );
  console.log(
    `history JSON, unpacked         ${(jsonBytes / state.executions).toFixed(0)} bytes per execution`,
  );
  console.log(
    `default budget                 ${DEFAULT_RETENTION_MEGABYTES} MB: about ${Math.floor((DEFAULT_RETENTION_MEGABYTES * 1024 * 1024) / (state.bytes / state.executions)).toLocaleString('en')} executions by the estimate`,
  );
  console.log(
    `run, pack and keep             ${((elapsed * 1000) / EXECUTIONS).toFixed(0)} µs per execution (engine included)`,
  );
  console.log(
    `DescribeExecution + history    ${(readMs * 1000).toFixed(0)} µs per execution (unpacked twice)`,
  );
}

void main();
