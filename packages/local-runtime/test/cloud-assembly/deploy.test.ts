/**
 * The fixture CDK app, synthesized and deployed into a started runtime, checked through the AWS SDK
 * as a user would: executions, PutEvents that start executions, the tables, the functions.
 * Needs Java 17+ (DynamoDB Local).
 */
import { DescribeTableCommand, DescribeTimeToLiveCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListExecutionsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { deployCloudAssembly } from '../../src/cloud-assembly/deploy';
import type { CloudAssemblyDeployment } from '../../src/cloud-assembly/report';
import { formatDeployment } from '../../src/cloud-assembly/report';
import { LOCAL_AWS_CONFIG } from '../../src/dynamodb-local';
import { waitForExecution } from '../../src/executions';
import { type LocalRuntime, startLocalRuntime } from '../../src/runtime';
import { synthesizeFixture } from './fixture';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` returns something, or fails after `ms`. */
async function eventually<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

describe('a CDK app deployed into the local runtime', () => {
  let runtime: LocalRuntime;
  let deployment: CloudAssemblyDeployment;
  let lambda: LambdaClient;
  const logs: string[] = [];

  const machine = (logicalPrefix: string) => {
    const found = deployment.stateMachines.find((m) => m.logicalId.startsWith(logicalPrefix));
    if (!found) throw new Error(`no state machine ${logicalPrefix}`);
    return found;
  };
  const table = (logicalPrefix: string) => {
    const found = deployment.tables.find((t) => t.logicalId.startsWith(logicalPrefix));
    if (!found) throw new Error(`no table ${logicalPrefix}`);
    return found;
  };
  const run = async (arn: string, input: unknown) => {
    const { executionArn } = await runtime.clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify(input) }),
    );
    return waitForExecution(runtime.clients.sfn, executionArn ?? '');
  };
  const scan = async (tableName: string) =>
    (await runtime.clients.dynamodb.send(new ScanCommand({ TableName: tableName }))).Items ?? [];

  beforeAll(async () => {
    const [synthesized, started] = await Promise.all([
      synthesizeFixture(),
      startLocalRuntime({ onLambdaLog: (name, text) => logs.push(`${name}: ${text}`) }),
    ]);
    runtime = started;
    deployment = await deployCloudAssembly(runtime, synthesized.assemblyDir);
    lambda = new LambdaClient({
      endpoint: runtime.lambda.endpoint,
      region: runtime.region,
      credentials: LOCAL_AWS_CONFIG.credentials,
    });
  }, 120_000);
  afterAll(async () => {
    lambda?.destroy();
    await runtime?.stop();
  });

  it('reports what runs: every stack, the state machines with type and ARN, tables, functions, the bus, the rules', () => {
    const storage = deployment.nestedStacks[0]?.name ?? '';
    expect(storage).toMatch(
      /^FixtureStack-StorageNestedStackStorageNestedStackResource[0-9A-F]{8}-[0-9A-Z]{12,13}$/,
    );
    expect(deployment.stacks).toEqual([
      storage,
      'FixtureStack',
      'FixtureConsumer',
      'FixtureEu',
      'Staging-Store',
    ]);
    expect(deployment.nestedStacks).toEqual([
      {
        stackName: 'FixtureStack',
        logicalId: expect.stringMatching(/^StorageNestedStackStorageNestedStackResource[0-9A-F]{8}$/),
        name: storage,
        templateFile: expect.stringMatching(/\/FixtureStackStorage[0-9A-F]{8}\.nested\.template\.json$/),
      },
    ]);
    expect(
      deployment.stateMachines.map((m) => [m.logicalId.replace(/[0-9A-F]{8}$/, ''), m.type, m.queryLanguage]),
    ).toEqual([
      ['Archive', 'STANDARD', 'JSONata'],
      ['Workflow', 'STANDARD', 'JSONata'],
      ['Substituted', 'EXPRESS', 'JSONata'],
      ['CallsPython', 'STANDARD', 'JSONata'],
      ['OnFailure', 'STANDARD', 'JSONPath'],
    ]);
    expect(machine('Substituted').arn).toBe(
      'arn:aws:states:us-east-1:123456789012:stateMachine:fixture-express',
    );
    expect(deployment.tables.map((t) => t.name)).toEqual([
      expect.stringMatching(new RegExp(`^${storage}-Notes[0-9A-F]{8}-[0-9A-Z]{12,13}$`)),
      expect.stringMatching(/^FixtureStack-OrdersA9B65338-/),
      'fixture-audit',
      expect.stringMatching(/^Staging-Store-Items[0-9A-F]{8}-/),
    ]);
    expect(deployment.functions.map((f) => f.logicalId.replace(/[0-9A-F]{8}$/, ''))).toEqual([
      'Greeter',
      'Echo',
      'Inline',
      'Layered',
      'Reader',
    ]);
    expect(deployment.eventBuses.map((b) => b.name)).toEqual(['fixture-bus']);
    expect(
      deployment.rules.map((r) => [
        r.logicalId.replace(/[0-9A-F]{8}$/, ''),
        r.eventBusName,
        r.kind,
        r.targets.length,
        r.enabled,
      ]),
    ).toEqual([
      ['OrderPlaced', 'default', 'custom', 1, true],
      ['Audited', 'fixture-bus', 'custom', 1, true],
      ['WorkflowFailed', 'default', 'status-change', 1, true],
      ['ToLambda', 'default', 'custom', 0, true],
      ['Trail', 'default', 'custom', 1, true], // State ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
      ['Archived', 'default', 'custom', 1, true], // targets the nested stack's state machine
      ['ToAudit', 'default', 'custom', 1, true], // FixtureEu's
    ]);
  });

  it('says once, per type and role, what is not emulated and why, and names each problem; the rest runs', () => {
    const lines = deployment.notEmulated.map((n) => [n.role ? `${n.type} (${n.role})` : n.type, n.count]);
    expect(Object.fromEntries(lines)).toEqual({
      'AWS::IAM::Role': 19,
      'AWS::IAM::Policy': 11,
      'AWS::CDK::Metadata': 5,
      'AWS::ApiGateway::Deployment': 1,
      'AWS::ApiGateway::Method': 1,
      'AWS::ApiGateway::RestApi': 1,
      'AWS::ApiGateway::Stage': 1,
      'AWS::CloudWatch::Alarm': 1,
      'AWS::Events::Rule (schedule)': 1,
      'AWS::Lambda::LayerVersion': 1,
      'AWS::Lambda::Permission': 1,
      'AWS::Pipes::Pipe': 1,
      'AWS::SNS::Topic': 1,
      'AWS::SQS::Queue (dead-letter queue)': 1,
      'AWS::SQS::Queue (source)': 1,
    });
    expect(lines).toHaveLength(15); // the nested stack is deployed, not "not emulated"
    expect(
      deployment.problems.map((p) => [p.logicalId.replace(/[0-9A-F]{8}$/, ''), p.error.name, p.severity]),
    ).toEqual([
      ['Inline', 'UnresolvableIntrinsicError', 'warning'],
      ['Layered', 'LayersNotSupportedError', 'warning'],
      ['PythonFn', 'UnsupportedRuntimeError', 'error'],
      ['Broken', 'InvalidStateMachineDefinitionError', 'error'],
      ['Notifier', 'UnsupportedIntegrationError', 'error'],
      ['ToLambda', 'UnsupportedEventTargetError', 'error'],
      ['', 'PinnedEnvironmentWarning', 'warning'],
    ]);
    const message = (name: string) => deployment.problems.find((p) => p.error.name === name)?.error.message;
    expect(message('InvalidStateMachineDefinitionError')).toMatch(
      /^FixtureStack\/Broken \(AWS::StepFunctions::StateMachine\): Invalid State Machine Definition: .*MISSING_TRANSITION_TARGET.*\. Fix the definition; `npm run local -- run \S+\/FixtureStack-Broken\.asl\.json` shows the engine's full message$/,
    );
    expect(message('UnsupportedIntegrationError')).toMatch(
      /^FixtureStack\/Notifier\w+ \(AWS::StepFunctions::StateMachine\): `arn:aws:states:::sns:publish` in state `Alert`, `arn:aws:states:::aws-sdk:s3:listBuckets` in state `ListBuckets` of `Notifier\w+-\w+` run on AWS only: the local runtime supports arn:aws:states:::lambda:invoke, /,
    );
    expect(message('PinnedEnvironmentWarning')).toMatch(
      /^FixtureEu: the stack is pinned to account 111111111111 and region eu-west-1 \(its env: aws:\/\/111111111111\/eu-west-1\), but the local services answer for region us-east-1 and account 123456789012 only/,
    );
    const text = formatDeployment(deployment);
    expect(text).toMatch(
      /^Deployed 4 stacks \(FixtureStack, FixtureConsumer, FixtureEu, Staging-Store; 1 nested stack\) in \d+\.\d s/,
    );
    expect(text).toMatch(
      /\nNested stacks \(1\)\n {2}name +in\n {2}FixtureStack-StorageNestedStack\S+ +FixtureStack\/StorageNestedStack/,
    );
    expect(text).toMatch(
      /\n {2}AWS::CloudWatch::Alarm ×1 \(no local metrics, so alarms and dashboards have nothing to show\)\n/,
    );
    expect(text).toMatch(/\n {2}AWS::IAM::Role ×19 \(permissions are not checked locally\)\n/);
    expect(text).toMatch(
      /\n {2}AWS::ApiGateway::\* ×4 \(no local API Gateway: call what it fronts with the SDK instead/,
    );
    expect(text).not.toMatch(/\n {2}(AWS::ApiGateway::RestApi|AWS::CloudFormation::Stack) ×/);
    expect(text).toMatch(
      /\n {2}AWS::SQS::Queue \(dead-letter queue\) ×1 \(no local SQS: a dead-letter queue never receives anything here\)\n/,
    );
    expect(text).toMatch(/\n {2}AWS::SQS::Queue \(source\) ×1 \(no local SQS: nothing reads this queue here/);
    expect(text).toMatch(/\nProblems \(4\): these resources do not run locally, the rest does\n/);
    expect(text).toMatch(
      /\nWarnings \(3\): these run locally, with a difference\n {2}UnresolvableIntrinsicError: FixtureStack\/Inline/,
    );
    expect(text).toMatch(
      /\n {2}fixture-express +EXPRESS +arn:aws:states:us-east-1:123456789012:stateMachine:fixture-express\n/,
    );
    expect(text).toMatch(/UnsupportedRuntimeError: FixtureStack\/PythonFnE8666D2F/);
    expect(text).toMatch(/FixtureStack\.TableName +FixtureStack-OrdersA9B65338-/);
    expect(text).toMatch(new RegExp(`FixtureStack\\.NotesTable +${deployment.nestedStacks[0]?.name}-Notes`));
    expect(text).toMatch(
      /FixtureEu\.AuditArn +arn:aws:states:us-east-1:123456789012:stateMachine:fixture-express\n/,
    );
  });

  it('creates the tables with their key schema, GSI and TTL in DynamoDB Local', async () => {
    const orders = table('Orders');
    const described = await runtime.clients.dynamodb.send(
      new DescribeTableCommand({ TableName: orders.name }),
    );
    expect(described.Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byStatus']);
    const ttl = await runtime.clients.dynamodb.send(
      new DescribeTimeToLiveCommand({ TableName: orders.name }),
    );
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('runs the JSONata state machine: the asset function with its resolved environment, then the table write', async () => {
    const result = await run(machine('Workflow').arn, { name: 'Ada' });

    expect(result.status).toBe('SUCCEEDED');
    const output = JSON.parse(result.output ?? '{}');
    expect(output).toEqual({
      name: 'Ada',
      message: 'Hello, Ada',
      table: table('Orders').name,
      stack: 'FixtureStack',
      dynamodbEndpoint: runtime.dynamodb.endpoint,
    });
    expect(await scan(table('Orders').name)).toContainEqual({
      pk: { S: 'Ada' },
      sk: { S: 'greeting' },
      status: { S: 'DONE' },
      message: { S: 'Hello, Ada' },
    });
  });

  it('starts the state machine for an event sent with PutEvents (the rule target InputPath $.detail applied)', async () => {
    const answer = await runtime.clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'fixture.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ name: 'Grace' }) },
        ],
      }),
    );
    expect(answer.FailedEntryCount).toBe(0);

    const item = await eventually(async () =>
      (await scan(table('Orders').name)).find((entry) => entry.pk?.S === 'Grace'),
    );
    expect(item.message).toEqual({ S: 'Hello, Grace' });
    // The rule with a Lambda target was reported, not delivered: the event started only the workflow.
    expect(runtime.events.deliveries.get(deployment.rules[0]?.name ?? '')).toEqual({ invoked: 1, failed: 0 });
  });

  it('delivers an event on the custom bus with the target constant Input to the EXPRESS machine (substitutions resolved)', async () => {
    await runtime.clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'fixture.audit', DetailType: 'Anything', Detail: '{}', EventBusName: 'fixture-bus' },
        ],
      }),
    );
    const item = await eventually(async () =>
      (await scan('fixture-audit')).find((entry) => entry.id?.N === '7'),
    );
    expect(item).toEqual({ id: { N: '7' }, kind: { S: 'audit' } });
  });

  it('starts the status-change rule target when the workflow fails', async () => {
    const failed = await run(machine('Workflow').arn, {});
    expect(failed.status).toBe('FAILED');

    const onFailure = machine('OnFailure').arn;
    const execution = await eventually(async () => {
      const { executions } = await runtime.clients.sfn.send(
        new ListExecutionsCommand({ stateMachineArn: onFailure }),
      );
      return executions?.[0];
    });
    const result = await waitForExecution(runtime.clients.sfn, execution.executionArn ?? '');
    expect(JSON.parse(result.output ?? '{}')).toEqual({ failed: failed.executionArn });
  });

  it('deploys a state machine whose function could not be deployed: its invocation fails with ResourceNotFoundException, as on AWS', async () => {
    const result = await run(machine('CallsPython').arn, {});
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Lambda.ResourceNotFoundException');
    expect(result.cause).toMatch(
      /Function not found: arn:aws:lambda:us-east-1:123456789012:function:FixtureStack-PythonFn/,
    );
  });

  it('serves the ES module function, and the inline function with values imported from the other stack', async () => {
    const invoke = async (logicalPrefix: string, payload: unknown) => {
      const fn = deployment.functions.find((f) => f.logicalId.startsWith(logicalPrefix));
      const answer = await lambda.send(
        new InvokeCommand({ FunctionName: fn?.name, Payload: Buffer.from(JSON.stringify(payload)) }),
      );
      expect(answer.FunctionError).toBeUndefined();
      return JSON.parse(Buffer.from(answer.Payload ?? []).toString());
    };
    const echo = await invoke('Echo', { hi: 1 });
    expect(echo).toEqual({ echoed: { hi: 1 }, by: expect.stringMatching(/^FixtureStack-Echo11F3FB29-/) });
    const reader = await invoke('Reader', {});
    expect(reader).toEqual({
      table: table('Orders').name,
      queue: expect.stringMatching(
        /^https:\/\/sqs\.us-east-1\.amazonaws\.com\/123456789012\/FixtureStack-DeadLetters/,
      ),
    });
  });

  it("runs the nested stack's state machine from the parent's rule: the parent's function (a parameter), the nested table (an output)", async () => {
    await runtime.clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'fixture.archive', DetailType: 'Archive', Detail: JSON.stringify({ name: 'Nested' }) },
        ],
      }),
    );
    const notes = table('Notes').name;
    const item = await eventually(async () => (await scan(notes)).find((entry) => entry.id?.S === 'Nested'));
    expect(item).toEqual({ id: { S: 'Nested' }, message: { S: 'Hello, Nested' } });
    expect(deployment.outputs.find((o) => o.key === 'NotesTable')?.value).toBe(notes);
  });

  it('delivers to a rule whose State is ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', async () => {
    await runtime.clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'fixture.trail', DetailType: 'Trail', Detail: JSON.stringify({ name: 'Trail' }) },
        ],
      }),
    );
    const item = await eventually(async () =>
      (await scan(table('Orders').name)).find((entry) => entry.pk?.S === 'Trail'),
    );
    expect(item.message).toEqual({ S: 'Hello, Trail' });
  });

  it("delivers the pinned stack's rule to the local machine its literal ARN names", async () => {
    await runtime.clients.eventBridge.send(
      new PutEventsCommand({ Entries: [{ Source: 'fixture.eu', DetailType: 'Eu', Detail: '{}' }] }),
    );
    const item = await eventually(async () =>
      (await scan('fixture-audit')).find((entry) => entry.id?.N === '8'),
    );
    expect(item).toEqual({ id: { N: '8' }, kind: { S: 'eu' } });
  });

  it('runs a function without the variable that has no local value, and one without its layer (it fails at import, as reported)', async () => {
    const invoke = async (logicalPrefix: string) => {
      const fn = deployment.functions.find((f) => f.logicalId.startsWith(logicalPrefix));
      const answer = await lambda.send(
        new InvokeCommand({ FunctionName: fn?.name, Payload: Buffer.from('{}') }),
      );
      return {
        error: answer.FunctionError,
        payload: JSON.parse(Buffer.from(answer.Payload ?? []).toString()),
      };
    };
    expect(await invoke('Inline')).toEqual({
      error: undefined,
      payload: { inline: true, mode: 'inline', apiKey: null, event: {} },
    });
    const layered = await invoke('Layered');
    expect(layered.error).toBe('Unhandled');
    expect(JSON.stringify(layered.payload)).toMatch(/Cannot find module '\/opt\/nodejs\/shared\.js'/);
  });
});
