// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} are CloudFormation placeholders (Fn::Sub, DefinitionSubstitutions), not template literals
/**
 * Each resource mapping on the fixture app's real templates, without starting a service: what the
 * deployer would create, and the named error for what it cannot.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readCloudAssembly } from '../../src/cloud-assembly/assembly';
import {
  AssetNotFoundError,
  DefinitionNotFoundError,
  HandlerNotFoundError,
  InvalidStateMachineDefinitionError,
  LayersNotSupportedError,
  UnresolvableIntrinsicError,
  UnsupportedEventTargetError,
  UnsupportedFeatureError,
  UnsupportedIntegrationError,
  UnsupportedRuntimeError,
} from '../../src/cloud-assembly/errors';
import { functionFrom, splitHandler } from '../../src/cloud-assembly/functions';
import { AssemblyModel } from '../../src/cloud-assembly/model';
import { type NotEmulated, notEmulatedLines } from '../../src/cloud-assembly/report';
import { notEmulatedReason, notEmulatedRole } from '../../src/cloud-assembly/resource-types';
import { ruleFrom } from '../../src/cloud-assembly/rules';
import { definitionProblem, stateMachineFrom } from '../../src/cloud-assembly/state-machines';
import { tableOptionsFrom } from '../../src/cloud-assembly/tables';
import { createIntegrations } from '../../src/integrations';
import { fixtureModel, logicalId, synthesizeFixture } from './fixture';

const ACCOUNT = 'us-east-1:123456789012';

describe('tables', () => {
  it('AWS::DynamoDB::Table: hash and range key with their types, the GSI, the TTL attribute', async () => {
    const { stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    expect(tableOptionsFrom(fixture, logicalId(fixture, 'Orders'))).toEqual({
      hashKey: 'pk',
      hashKeyType: 'S',
      rangeKey: { name: 'sk', type: 'S' },
      globalSecondaryIndexes: [
        {
          indexName: 'byStatus',
          hashKey: { name: 'status', type: 'S' },
          rangeKey: { name: 'pk', type: 'S' },
          projection: { ProjectionType: 'ALL' },
        },
      ],
      timeToLiveAttribute: 'expiresAt',
    });
  });

  it('AWS::DynamoDB::GlobalTable: the same, a number key, and its explicit name', async () => {
    const { stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const audit = logicalId(fixture, 'Audit');
    expect(fixture.resource(audit).Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(tableOptionsFrom(fixture, audit)).toMatchObject({
      hashKey: 'id',
      hashKeyType: 'N',
      globalSecondaryIndexes: [{ indexName: 'byKind', hashKey: { name: 'kind', type: 'S' } }],
      timeToLiveAttribute: 'ttl',
    });
    expect(fixture.ref(audit, fixture.at(audit))).toBe('fixture-audit');
    expect(fixture.getAtt(audit, 'Arn', fixture.at(audit))).toBe(
      `arn:aws:dynamodb:${ACCOUNT}:table/fixture-audit`,
    );
  });
});

describe('functions', () => {
  it('reads Handler as the Node.js runtime does: module up to the first dot after the last slash', () => {
    expect(splitHandler('index.handler')).toEqual({ module: 'index', exportName: 'handler' });
    expect(splitHandler('src/app.handler')).toEqual({ module: 'src/app', exportName: 'handler' });
    expect(splitHandler('lib/v1.2/app.main')).toEqual({ module: 'lib/v1.2/app', exportName: 'main' });
    expect(splitHandler('index')).toBeUndefined();
  });

  it('an asset function: its folder in the assembly, index.js#handler, Timeout, MemorySize, resolved environment', async () => {
    const { model, stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const plan = functionFrom(fixture, logicalId(fixture, 'Greeter'), model.assembly, {
      FROM_DEPLOYER: 'yes',
    });
    const table = fixture.physicalName(logicalId(fixture, 'Orders'));
    expect(plan.name).toMatch(/^FixtureStack-GreeterA41DC22A-[0-9A-Za-z]{12}$/);
    expect(plan.runtime).toBe('nodejs20.x');
    expect(plan.config.handler).toMatch(
      new RegExp(`^${model.assembly.dir}/asset\\.[0-9a-f]{64}/index\\.js#handler$`),
    );
    expect(plan.config).toMatchObject({
      timeoutSeconds: 5,
      memorySize: 256,
      environment: { TABLE_NAME: table, GREETING: 'Hello', STACK: 'FixtureStack', FROM_DEPLOYER: 'yes' },
    });
  });

  it('an ES module in a nested folder (src/app.handler → src/app.mjs), AWS defaults for timeout and memory', async () => {
    const { model, stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const plan = functionFrom(fixture, logicalId(fixture, 'Echo'), model.assembly);
    expect(plan.config.handler).toMatch(/\/asset\.[0-9a-f]{64}\/src\/app\.mjs#handler$/);
    expect(plan.config).toMatchObject({ timeoutSeconds: 3, memorySize: 128 });
  });

  it('inline code (Code.ZipFile) is written to a folder as index.js; Fn::ImportValue across stacks resolves', async () => {
    const { model, stack } = await fixtureModel();
    const consumer = stack('FixtureConsumer');
    const plan = functionFrom(consumer, logicalId(consumer, 'Reader'), model.assembly);
    expect(plan.config.handler).toMatch(/\/index\.js#handler$/);
    const fixture = stack('FixtureStack');
    expect(plan.config.environment).toEqual({
      TABLE_NAME: fixture.physicalName(logicalId(fixture, 'Orders')),
      QUEUE_URL: `https://sqs.us-east-1.amazonaws.com/123456789012/${fixture.physicalName(logicalId(fixture, 'DeadLetters'))}`,
    });
  });

  it('UnsupportedRuntimeError for a Python function, saying what happens to its invocations', async () => {
    const { model, stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    expect(() => functionFrom(fixture, logicalId(fixture, 'PythonFn'), model.assembly)).toThrow(
      UnsupportedRuntimeError,
    );
    expect(() => functionFrom(fixture, logicalId(fixture, 'PythonFn'), model.assembly)).toThrow(
      /^FixtureStack\/PythonFnE8666D2F \(AWS::Lambda::Function\), property Runtime: runtime python3\.12 cannot run locally: .*ResourceNotFoundException/,
    );
  });

  it('a variable without a local value (an SSM parameter) is left out with a warning naming it; the function keeps the others', async () => {
    const { model, stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const plan = functionFrom(fixture, logicalId(fixture, 'Inline'), model.assembly, {
      FROM_DEPLOYER: 'yes',
    });
    expect(plan.config.environment).toEqual({ FROM_DEPLOYER: 'yes', MODE: 'inline' });
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toBeInstanceOf(UnresolvableIntrinsicError);
    expect(plan.warnings[0]?.location?.property).toBe('Environment.Variables.API_KEY');
    expect(plan.warnings[0]?.message).toMatch(
      /^FixtureStack\/Inline6CF80F9D \(AWS::Lambda::Function\), property Environment\.Variables\.API_KEY: FixtureStack-Inline6CF80F9D-\w+ is deployed without the variable API_KEY \(its handler reads undefined there\): parameter SsmParameterValuefixtureapikey\w+ takes its value from SSM Parameter Store \(\/fixture\/api-key\)/,
    );
  });

  it('a function with a layer is deployed, with LayersNotSupportedError naming the layer', async () => {
    const { model, stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const plan = functionFrom(fixture, logicalId(fixture, 'Layered'), model.assembly);
    expect(plan.config.handler).toMatch(/\/index\.js#handler$/);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toBeInstanceOf(LayersNotSupportedError);
    expect(plan.warnings[0]?.message).toMatch(
      new RegExp(
        `property Layers: its layer \\(${logicalId(fixture, 'Shared')}\\) is not loaded by the local Lambda: FixtureStack-Layered\\w+-\\w+ is deployed and runs without it`,
      ),
    );
  });

  it('AssetNotFoundError, "run cdk synth again", when the asset folder is gone from the assembly', async () => {
    const { assemblyDir } = await synthesizeFixture();
    const copy = mkdtempSync(path.join(tmpdir(), 'assembly-copy-'));
    try {
      cpSync(assemblyDir, copy, { recursive: true });
      const model = new AssemblyModel(readCloudAssembly(copy), {
        region: 'us-east-1',
        accountId: '123456789012',
      });
      const fixture = model.stacks.find((stack) => stack.stackName === 'FixtureStack');
      if (!fixture) throw new Error('no stack');
      const greeter = logicalId(fixture, 'Greeter');
      rmSync(path.join(copy, String(fixture.resource(greeter).Metadata?.['aws:asset:path'])), {
        recursive: true,
      });
      expect(() => functionFrom(fixture, greeter, model.assembly)).toThrow(AssetNotFoundError);
      expect(() => functionFrom(fixture, greeter, model.assembly)).toThrow(
        /does not exist: run cdk synth again/,
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('named errors of hand-made templates', () => {
  const model = (resources: Record<string, unknown>, dir = tmpdir()) =>
    new AssemblyModel(
      {
        dir,
        version: '55.0.0',
        assets: new Map(),
        stacks: [
          {
            artifactId: 'Hand',
            stackName: 'Hand',
            displayName: 'Hand',
            assemblyDir: dir,
            templateFile: path.join(dir, 'Hand.template.json'),
            template: { Resources: resources } as never,
            dependencies: [],
          },
        ],
      },
      { region: 'us-east-1', accountId: '123456789012' },
    );

  it('HandlerNotFoundError when Handler names a module the code does not have, or is no module.export', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'code-'));
    const fn = (handler: string) => ({
      Type: 'AWS::Lambda::Function',
      Properties: { Runtime: 'nodejs20.x', Handler: handler, Code: { S3Key: 'x' } },
      Metadata: { 'aws:asset:path': folder },
    });
    const m = model({ Missing: fn('main.handler'), Bare: fn('handler') });
    const stack = m.stacks[0];
    if (!stack) throw new Error('no stack');
    expect(() => functionFrom(stack, 'Missing', m.assembly)).toThrow(HandlerNotFoundError);
    expect(() => functionFrom(stack, 'Missing', m.assembly)).toThrow(
      /Handler main\.handler: no main\.js, \.mjs or \.cjs in /,
    );
    expect(() => functionFrom(stack, 'Bare', m.assembly)).toThrow(/is not of the form module\.export/);
    rmSync(folder, { recursive: true, force: true });
  });

  it('AssetNotFoundError for code only in S3, DefinitionNotFoundError for a definition that is nowhere', () => {
    const m = model({
      FromS3: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Code: { S3Bucket: 'b', S3Key: 'code.zip' },
        },
      },
      NoDefinition: { Type: 'AWS::StepFunctions::StateMachine', Properties: { RoleArn: 'r' } },
    });
    const stack = m.stacks[0];
    if (!stack) throw new Error('no stack');
    expect(() => functionFrom(stack, 'FromS3', m.assembly)).toThrow(AssetNotFoundError);
    expect(() => functionFrom(stack, 'FromS3', m.assembly)).toThrow(
      /S3 object code\.zip, which no asset manifest/,
    );
    expect(() => stateMachineFrom(stack, 'NoDefinition', m.assembly)).toThrow(DefinitionNotFoundError);
  });
});

describe('state machines', () => {
  it('a DefinitionString built with Fn::Join: the function ARN and table name are the local ones', async () => {
    const { model, stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const workflow = logicalId(fixture, 'Workflow');
    expect(fixture.resource(workflow).Properties?.DefinitionString).toHaveProperty(['Fn::Join']);
    const plan = stateMachineFrom(fixture, workflow, model.assembly);
    const definition = JSON.parse(plan.definition);
    expect(definition.QueryLanguage).toBe('JSONata');
    expect(definition.States.Greet.Arguments.FunctionName).toBe(
      `arn:aws:lambda:${ACCOUNT}:function:${fixture.physicalName(logicalId(fixture, 'Greeter'))}`,
    );
    expect(definition.States.Greet.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(definition.States.Save.Arguments.TableName).toBe(
      fixture.physicalName(logicalId(fixture, 'Orders')),
    );
    expect(plan).toMatchObject({ type: 'STANDARD', name: fixture.physicalName(workflow) });
    expect(plan.substitutions).toBeUndefined();
  });

  it('DefinitionSubstitutions with intrinsic values, StateMachineType and StateMachineName', async () => {
    const { model, stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const plan = stateMachineFrom(fixture, logicalId(fixture, 'Substituted'), model.assembly);
    expect(plan).toMatchObject({
      name: 'fixture-express',
      type: 'EXPRESS',
      substitutions: {
        EchoArn: `arn:aws:lambda:${ACCOUNT}:function:${fixture.physicalName(logicalId(fixture, 'Echo'))}`,
        AuditTable: 'fixture-audit',
      },
    });
    expect(plan.definition).toContain('${EchoArn}');
    expect(fixture.getAtt(logicalId(fixture, 'Substituted'), 'Name', fixture.at('x'))).toBe(
      'fixture-express',
    );
  });
});

describe('rules', () => {
  it('a custom pattern on the default bus, targeting a state machine with InputPath', async () => {
    const { stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const plan = ruleFrom(fixture, logicalId(fixture, 'OrderPlaced'));
    expect(plan).toMatchObject({
      eventBusName: 'default',
      pattern: { source: ['fixture.orders'], 'detail-type': ['OrderPlaced'] },
      enabled: true,
      targets: [
        {
          id: 'Target0',
          stateMachineArn: fixture.ref(logicalId(fixture, 'Workflow'), fixture.at('x')),
          inputPath: '$.detail',
        },
      ],
      undeliverable: [],
    });
  });

  it('a rule on a custom bus (Ref to the bus) with a constant Input; its Ref is <bus>|<name>', async () => {
    const { stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const audited = logicalId(fixture, 'Audited');
    const plan = ruleFrom(fixture, audited);
    expect(plan.eventBusName).toBe('fixture-bus');
    expect(plan.targets).toEqual([
      {
        id: 'Target0',
        stateMachineArn: `arn:aws:states:${ACCOUNT}:stateMachine:fixture-express`,
        input: '{"id":7,"kind":"audit"}',
      },
    ]);
    expect(fixture.ref(audited, fixture.at(audited))).toBe(`fixture-bus|${plan.name}`);
    expect(fixture.getAtt(audited, 'Arn', fixture.at(audited))).toBe(
      `arn:aws:events:${ACCOUNT}:rule/fixture-bus/${plan.name}`,
    );
  });

  it('a status-change pattern with the state machine ARN resolved', async () => {
    const { stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const plan = ruleFrom(fixture, logicalId(fixture, 'WorkflowFailed'));
    expect(plan.pattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: ['FAILED'],
        stateMachineArn: [fixture.ref(logicalId(fixture, 'Workflow'), fixture.at('x'))],
      },
    });
  });

  it('UnsupportedEventTargetError for a Lambda target; a schedule has no pattern', async () => {
    const { stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const toLambda = ruleFrom(fixture, logicalId(fixture, 'ToLambda'));
    expect(toLambda.targets).toEqual([]);
    expect(toLambda.undeliverable[0]).toBeInstanceOf(UnsupportedEventTargetError);
    expect(toLambda.undeliverable[0]?.message).toMatch(
      /target Target0 \(lambda: arn:aws:lambda:.*\) is not delivered locally/,
    );
    const nightly = ruleFrom(fixture, logicalId(fixture, 'Nightly'));
    expect(nightly).toMatchObject({ schedule: 'rate(1 day)' });
    expect(nightly.pattern).toBeUndefined();
  });

  it('State ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS is enabled', async () => {
    const { stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const trail = logicalId(fixture, 'Trail');
    expect(fixture.resource(trail).Properties?.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    expect(ruleFrom(fixture, trail)).toMatchObject({ enabled: true, pattern: { source: ['fixture.trail'] } });
  });
});

describe('a definition the local Step Functions rejects', () => {
  const integrations = createIntegrations({
    dynamodb: { region: 'us-east-1', endpoint: 'http://127.0.0.1:9' },
    lambda: { region: 'us-east-1', endpoint: 'http://127.0.0.1:9' },
  });
  afterAll(() => integrations.destroy());
  /** What CreateStateMachine answers, as the SDK raises it. */
  const rejected = (message: string) => Object.assign(new Error(message), { name: 'InvalidDefinition' });

  it('UnsupportedIntegrationError for integrations only AWS runs (SNS, an AWS SDK call), naming each Task and what runs locally', async () => {
    const { model, stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const notifier = logicalId(fixture, 'Notifier');
    const plan = stateMachineFrom(fixture, notifier, model.assembly);
    const error = definitionProblem(
      rejected("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The resource provided ...'"),
      fixture,
      notifier,
      plan,
      integrations,
    );
    expect(error).toBeInstanceOf(UnsupportedIntegrationError);
    expect((error as UnsupportedIntegrationError).tasks).toEqual([
      { state: 'Alert', resource: 'arn:aws:states:::sns:publish' },
      { state: 'ListBuckets', resource: 'arn:aws:states:::aws-sdk:s3:listBuckets' },
    ]);
    expect((error as Error).message).toBe(
      `FixtureStack/${notifier} (AWS::StepFunctions::StateMachine): \`arn:aws:states:::sns:publish\` in state \`Alert\`, \`arn:aws:states:::aws-sdk:s3:listBuckets\` in state \`ListBuckets\` of \`${plan.name}\` run on AWS only: ` +
        'the local runtime supports arn:aws:states:::lambda:invoke, arn:aws:states:::lambda:invoke.waitForTaskToken, arn:aws:states:::dynamodb:putItem, :getItem, :updateItem and :deleteItem, a Lambda function ARN as the Resource. ' +
        'The state machine is not created locally; test it on AWS, or replace those Tasks with a Lambda the local runtime can run (arn:aws:states:::lambda:invoke)',
    );
  });

  it('InvalidStateMachineDefinitionError for an invalid one: the message AWS gives, the engine code, and the file to run', async () => {
    const { model, stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const plan = stateMachineFrom(fixture, 'Broken', model.assembly);
    const message =
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: State Only is not reachable; Missing 'StartAt'|'Next'|'Default' target: Missing'";
    const error = definitionProblem(rejected(message), fixture, 'Broken', plan, integrations);
    expect(error).toBeInstanceOf(InvalidStateMachineDefinitionError);
    expect(error).toMatchObject({ code: 'MISSING_TRANSITION_TARGET' });
    const file = /`npm run local -- run (\S+)` shows the engine's full message$/.exec(
      (error as Error).message,
    )?.[1];
    expect((error as Error).message).toContain(`${message}. Fix the definition; `);
    expect(file && existsSync(file) && JSON.parse(readFileSync(file, 'utf8'))).toEqual(
      JSON.parse(plan.definition),
    );
  });

  it('names a .waitForTaskToken pattern of a supported integration, and a Distributed Map as a feature AWS runs', () => {
    const m = new AssemblyModel(
      {
        dir: tmpdir(),
        version: '55.0.0',
        assets: new Map(),
        stacks: [
          {
            artifactId: 'Hand',
            stackName: 'Hand',
            displayName: 'Hand',
            assemblyDir: tmpdir(),
            templateFile: path.join(tmpdir(), 'Hand.template.json'),
            template: { Resources: {} },
            dependencies: [],
          },
        ],
      },
      { region: 'us-east-1', accountId: '123456789012' },
    );
    const stack = m.stacks[0];
    if (!stack) throw new Error('no stack');
    const plan = (definition: object) => ({
      name: 'Hand-M',
      type: 'STANDARD' as const,
      definition: JSON.stringify(definition),
    });
    const callback = definitionProblem(
      rejected('Invalid State Machine Definition'),
      stack,
      'M',
      plan({
        StartAt: 'Wait',
        States: {
          Wait: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem.waitForTaskToken',
            Parameters: { TableName: 't', Item: { id: { S: '1' } } },
            End: true,
          },
        },
      }),
      integrations,
    );
    expect(callback).toBeInstanceOf(UnsupportedIntegrationError);
    expect((callback as Error).message).toMatch(
      /`arn:aws:states:::dynamodb:putItem\.waitForTaskToken` in state `Wait` of `Hand-M` runs on AWS only \(arn:aws:states:::dynamodb:putItem runs locally, but not its \.waitForTaskToken pattern\)/,
    );
    const distributed = definitionProblem(
      rejected('Invalid State Machine Definition'),
      stack,
      'M',
      plan({
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } },
            ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      }),
      integrations,
    );
    expect(distributed).toBeInstanceOf(UnsupportedFeatureError);
    expect((distributed as Error).message).toMatch(/valid on AWS, but the local engine does not run it/);
  });
});

describe('what is not emulated', () => {
  it('has a reason per type', () => {
    expect(notEmulatedReason('AWS::IAM::Role')).toBe('permissions are not checked locally');
    expect(notEmulatedReason('AWS::CloudWatch::Alarm')).toMatch(/no local metrics/);
    expect(notEmulatedReason('AWS::SQS::Queue')).toBe('no local SQS');
    expect(notEmulatedReason('AWS::Lambda::LayerVersion')).toMatch(/does not load layers/);
    expect(notEmulatedReason('AWS::Logs::LogGroup')).toMatch(/no CloudWatch Logs locally/);
    expect(notEmulatedReason('Custom::Anything')).toMatch(/custom resources are not run locally/);
    expect(notEmulatedReason('AWS::Glue::Job')).toBe('no local emulator for this type');
  });

  it("has a reason per role where the template tells it: a Pipe's source queue, a dead-letter queue", async () => {
    const { stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const role = (id: string) =>
      notEmulatedRole('AWS::SQS::Queue', fixture.referrers(logicalId(fixture, id)));
    expect(fixture.referrers(logicalId(fixture, 'DeadLetters'))).toContainEqual({
      logicalId: logicalId(fixture, 'Echo'),
      type: 'AWS::Lambda::Function',
      path: 'DeadLetterConfig.TargetArn',
    });
    expect(role('DeadLetters')).toEqual({
      role: 'dead-letter queue',
      reason: 'no local SQS: a dead-letter queue never receives anything here',
    });
    expect(role('Incoming')).toEqual({
      role: 'source',
      reason: expect.stringMatching(
        /^no local SQS: nothing reads this queue here, so the Pipe or event source mapping/,
      ),
    });
    expect(notEmulatedRole('AWS::SQS::Queue', [])).toBeUndefined();
    expect(
      notEmulatedRole('AWS::SQS::Queue', [{ type: 'AWS::Events::Rule', path: 'Targets.0.Arn' }])?.role,
    ).toBe('target');
  });

  it('prints the types of API Gateway as one line; the report keeps one entry per type', () => {
    const entry = (type: string, count: number, role?: string): NotEmulated => ({
      type,
      ...(role ? { role } : {}),
      count,
      reason: role ? `as ${role}` : notEmulatedReason(type),
      resources: [],
    });
    expect(
      notEmulatedLines([
        entry('AWS::IAM::Role', 9),
        entry('AWS::ApiGateway::RestApi', 1),
        entry('AWS::ApiGateway::Method', 3),
        entry('AWS::ApiGateway::Resource', 3),
        entry('AWS::ApiGatewayV2::Api', 1),
        entry('AWS::SQS::Queue', 1, 'source'),
        entry('AWS::SQS::Queue', 1, 'dead-letter queue'),
      ]),
    ).toEqual([
      { label: 'AWS::IAM::Role', count: 9, reason: 'permissions are not checked locally' },
      { label: 'AWS::ApiGateway::*', count: 7, reason: notEmulatedReason('AWS::ApiGateway::RestApi') },
      { label: 'AWS::ApiGatewayV2::Api', count: 1, reason: notEmulatedReason('AWS::ApiGatewayV2::Api') },
      { label: 'AWS::SQS::Queue (dead-letter queue)', count: 1, reason: 'as dead-letter queue' },
      { label: 'AWS::SQS::Queue (source)', count: 1, reason: 'as source' },
    ]);
  });

  it('a reference to a type the runtime cannot name is a named error only when something needs it', async () => {
    const { stack } = await fixtureModel();
    const fixture = stack('FixtureStack');
    const alarm = logicalId(fixture, 'GreeterErrors');
    expect(() => fixture.ref(alarm, fixture.at('Somewhere', 'Environment'))).toThrow(
      UnresolvableIntrinsicError,
    );
    expect(() => fixture.ref(alarm, fixture.at('Somewhere', 'Environment'))).toThrow(
      /Somewhere, property Environment: Ref of GreeterErrors.* \(AWS::CloudWatch::Alarm\): the local runtime has no value for this type/,
    );
  });
});
