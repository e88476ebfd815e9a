/**
 * Engine speed, printed, never asserted: state transitions per second for long Pass/Choice/Assign chains
 * on one core, the engine's own time per blueprint-like execution with instant fake integrations
 * (so DynamoDB and Lambda time is excluded), and a JSONPath chain against aws-local-stepfunctions.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { StateMachine as AlsStateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { type IntegrationRegistry, StateMachine } from '../src/engine';

const ARNS = {
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench',
  stateMachineName: 'bench',
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:bench:run',
  name: 'run',
  roleArn: 'arn:aws:iam::123456789012:role/bench',
};

const none: IntegrationRegistry = { resolve: () => undefined };

/** 100 Pass/Choice pairs: each Choice tests the input, as the aws-local-stepfunctions comparison chain does. */
function passChoiceChain(pairs: number): object {
  const states: Record<string, object> = {};
  for (let i = 0; i < pairs; i++) {
    states[`P${i}`] = { Type: 'Pass', Next: `C${i}` };
    states[`C${i}`] = {
      Type: 'Choice',
      Choices: [{ Condition: '{% $states.input.n > 0 %}', Next: i + 1 < pairs ? `P${i + 1}` : 'End' }],
      Default: 'End',
    };
  }
  states.End = { Type: 'Succeed' };
  return { QueryLanguage: 'JSONata', StartAt: 'P0', States: states };
}

/**
 * The same chain in JSONPath, the default query language: each Pass copies a field with Parameters and
 * places it with ResultPath, each Choice compares a number. Run on this engine and on aws-local-stepfunctions.
 */
function jsonPathPassChoiceChain(pairs: number): object {
  const states: Record<string, object> = {};
  for (let i = 0; i < pairs; i++) {
    states[`P${i}`] = {
      Type: 'Pass',
      Parameters: { 'n.$': '$.n', step: i },
      ResultPath: '$.last',
      Next: `C${i}`,
    };
    states[`C${i}`] = {
      Type: 'Choice',
      Choices: [{ Variable: '$.n', NumericGreaterThan: 0, Next: i + 1 < pairs ? `P${i + 1}` : 'End' }],
      Default: 'End',
    };
  }
  states.End = { Type: 'Succeed' };
  return { StartAt: 'P0', States: states };
}

function assignChain(length: number): object {
  const states: Record<string, object> = {};
  for (let i = 0; i < length; i++) {
    states[`A${i}`] = {
      Type: 'Pass',
      Assign: { count: i === 0 ? 0 : '{% $count + 1 %}', last: `{% $states.input.id & '-${i}' %}` },
      Next: i + 1 < length ? `A${i + 1}` : 'End',
    };
  }
  states.End = { Type: 'Succeed', Output: '{% {"count": $count} %}' };
  return { QueryLanguage: 'JSONata', StartAt: 'A0', States: states };
}

/** Shaped like the blueprint: claim (conditional put), business call, record completion, with the catchers. */
function blueprintLike(): object {
  return {
    QueryLanguage: 'JSONata',
    StartAt: 'ExtractKey',
    States: {
      ExtractKey: {
        Type: 'Pass',
        Assign: { key: "{% 'orders#' & $hash($string($states.input), 'SHA-256') %}", now: '{% $millis() %}' },
        Next: 'CheckKey',
      },
      CheckKey: {
        Type: 'Choice',
        Choices: [{ Condition: '{% $exists($key) and $length($key) > 0 %}', Next: 'ClaimIdempotencyKey' }],
        Default: 'InvalidEvent',
      },
      ClaimIdempotencyKey: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:putItem',
        Arguments: {
          TableName: 'idempotency',
          Item: {
            id: { S: '{% $key %}' },
            status: { S: 'INPROGRESS' },
            in_progress_expiration: { N: '{% $string($now + 60000) %}' },
            execution: { S: '{% $states.context.Execution.Id %}' },
          },
          ConditionExpression: 'attribute_not_exists(id) OR in_progress_expiration < :now',
          ExpressionAttributeValues: { ':now': { N: '{% $string($now) %}' } },
        },
        Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], Next: 'AlreadyProcessed' }],
        Output: '{% $states.input %}',
        Next: 'RunBusinessLogic',
      },
      RunBusinessLogic: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: 'business', Payload: '{% $states.input %}' },
        Output: '{% $states.result.Payload %}',
        Catch: [
          {
            ErrorEquals: ['States.ALL'],
            Assign: { failure: '{% $states.errorOutput %}' },
            Next: 'ReleaseIdempotencyKey',
          },
        ],
        Next: 'RecordCompletion',
      },
      RecordCompletion: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:updateItem',
        Arguments: {
          TableName: 'idempotency',
          Key: { id: { S: '{% $key %}' } },
          UpdateExpression: 'SET #s = :done, #d = :data',
          ExpressionAttributeNames: { '#s': 'status', '#d': 'data' },
          ExpressionAttributeValues: {
            ':done': { S: 'COMPLETED' },
            ':data': { S: '{% $string($states.input) %}' },
          },
        },
        Output: '{% $states.input %}',
        End: true,
      },
      ReleaseIdempotencyKey: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:deleteItem',
        Arguments: { TableName: 'idempotency', Key: { id: { S: '{% $key %}' } } },
        Next: 'BusinessLogicFailed',
      },
      BusinessLogicFailed: { Type: 'Fail', Error: '{% $failure.Error %}', Cause: '{% $failure.Cause %}' },
      AlreadyProcessed: { Type: 'Succeed' },
      InvalidEvent: { Type: 'Fail', Error: 'Idempotency.KeyMissing' },
    },
  };
}

const instant: IntegrationRegistry = {
  resolve: (resource) => {
    const [service, action] = resource.replace('arn:aws:states:::', '').split(':') as [string, string];
    return {
      resourceType: service,
      resource: action,
      invoke: async (call) =>
        service === 'lambda'
          ? {
              ExecutedVersion: '$LATEST',
              Payload: (call.parameters as { Payload: unknown }).Payload,
              StatusCode: 200,
            }
          : { SdkHttpMetadata: { HttpStatusCode: 200 }, SdkResponseMetadata: { RequestId: 'r' } },
    };
  },
};

interface Row {
  readonly label: string;
  readonly runs: number;
  readonly transitions: number;
  readonly perSecond: number;
  readonly msPerRun: number;
}

function row(label: string, runs: number, transitions: number, seconds: number): Row {
  return { label, runs, transitions, perSecond: transitions / seconds, msPerRun: (seconds * 1000) / runs };
}

function printRows(firstColumn: string, rows: readonly Row[]): void {
  console.log(`| ${firstColumn} | runs | transitions | transitions/s | ms per execution |`);
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.runs} | ${r.transitions} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${r.msPerRun.toFixed(3)} |`,
    );
  }
}

async function measure(
  label: string,
  sm: StateMachine,
  input: unknown,
  runs: number,
  recordHistory: boolean,
): Promise<Row> {
  for (let i = 0; i < Math.min(20, runs); i++) await sm.start(input, { ...ARNS, recordHistory }).done;
  let transitions = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) {
    const result = await sm.start(input, { ...ARNS, recordHistory }).done;
    if (result.status !== 'SUCCEEDED') throw new Error(`${label}: ${result.error} ${result.cause}`);
    transitions += result.stateTransitions;
  }
  return row(label, runs, transitions, Number(process.hrtime.bigint() - start) / 1e9);
}

/** The same figures for aws-local-stepfunctions, which reports no transition count: `statesPerRun` is known from the chain. */
async function measureAls(
  label: string,
  definition: object,
  input: Record<string, unknown>,
  runs: number,
  statesPerRun: number,
  expectedOutput: string | undefined,
): Promise<Row> {
  const sm = new AlsStateMachine(definition as StateMachineDefinition);
  const once = async () => {
    const output = await sm.run(input as never).result;
    if (JSON.stringify(output) !== expectedOutput)
      throw new Error(`${label}: unexpected output ${JSON.stringify(output)}`);
  };
  for (let i = 0; i < Math.min(20, runs); i++) await once();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await once();
  return row(label, runs, runs * statesPerRun, Number(process.hrtime.bigint() - start) / 1e9);
}

async function jsonPathComparison(): Promise<void> {
  const pairs = 100;
  const runs = 400;
  const input = { n: 1 };
  const definition = jsonPathPassChoiceChain(pairs);
  const engine = StateMachine.create(definition, { integrations: none });
  const expected = (await engine.start(input, ARNS).done).output;
  const ours = await measure(
    `JSONPath Pass/Choice chain (${pairs} pairs), this engine, history kept`,
    engine,
    input,
    runs,
    true,
  );
  const oursBare = await measure(
    `JSONPath Pass/Choice chain (${pairs} pairs), this engine, no history`,
    engine,
    input,
    runs,
    false,
  );
  const statesPerRun = ours.transitions / ours.runs;
  const als = await measureAls(
    `JSONPath Pass/Choice chain (${pairs} pairs), aws-local-stepfunctions 3.0.0`,
    definition,
    input,
    runs,
    statesPerRun,
    expected,
  );
  console.log('\nJSONPath: the same definition on this engine and on aws-local-stepfunctions (same process)');
  printRows('engine', [ours, oursBare, als]);
  console.log(
    `ratio (this engine with history / aws-local-stepfunctions, transitions/s): ${(ours.perSecond / als.perSecond).toFixed(1)}x`,
  );
}

async function main(): Promise<void> {
  const rows = [
    await measure(
      'Pass/Choice chain, history kept',
      StateMachine.create(passChoiceChain(100), { integrations: none }),
      { n: 1 },
      200,
      true,
    ),
    await measure(
      'Pass/Choice chain, no history',
      StateMachine.create(passChoiceChain(100), { integrations: none }),
      { n: 1 },
      200,
      false,
    ),
    await measure(
      'Assign chain, history kept',
      StateMachine.create(assignChain(200), { integrations: none }),
      { id: 'x' },
      100,
      true,
    ),
    await measure(
      'Blueprint-like, instant integrations',
      StateMachine.create(blueprintLike(), { integrations: instant }),
      { orderId: 'o-1', amount: 12 },
      2000,
      true,
    ),
  ];
  console.log('engine benchmark (one process, one core)');
  printRows('scenario', rows);
}

main()
  .then(jsonPathComparison)
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
