// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} are CloudFormation placeholders (Fn::Sub, DefinitionSubstitutions), not template literals
/**
 * Each resource mapping on the fixture app's real templates, without starting a service: what the
 * deployer would create, and the named error for what it cannot.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readCloudAssembly } from '../../src/cloud-assembly/assembly';
import {
  AssetNotFoundError,
  DefinitionNotFoundError,
  HandlerNotFoundError,
  UnresolvableIntrinsicError,
  UnsupportedEventTargetError,
  UnsupportedRuntimeError,
} from '../../src/cloud-assembly/errors';
import { functionFrom, splitHandler } from '../../src/cloud-assembly/functions';
import { AssemblyModel } from '../../src/cloud-assembly/model';
import { notEmulatedReason } from '../../src/cloud-assembly/resource-types';
import { ruleFrom } from '../../src/cloud-assembly/rules';
import { stateMachineFrom } from '../../src/cloud-assembly/state-machines';
import { tableOptionsFrom } from '../../src/cloud-assembly/tables';
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

  it('AssetNotFoundError, "run cdk synth again", when the asset folder is gone from the assembly', async () => {
    const { assemblyDir } = await synthesizeFixture();
    const copy = mkdtempSync(path.join(tmpdir(), 'assembly-copy-'));
    try {
      cpSync(assemblyDir, copy, { recursive: true });
      const model = new AssemblyModel(readCloudAssembly(copy), {
        region: 'us-east-1',
        accountId: '123456789012',
      });
      const fixture = model.stacks[0];
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
});

describe('what is not emulated', () => {
  it('has a reason per type', () => {
    expect(notEmulatedReason('AWS::IAM::Role')).toBe('permissions are not checked locally');
    expect(notEmulatedReason('AWS::CloudWatch::Alarm')).toMatch(/no local metrics/);
    expect(notEmulatedReason('AWS::SQS::Queue')).toMatch(/no local SQS/);
    expect(notEmulatedReason('AWS::Logs::LogGroup')).toMatch(/no CloudWatch Logs locally/);
    expect(notEmulatedReason('Custom::Anything')).toMatch(/custom resources are not run locally/);
    expect(notEmulatedReason('AWS::Glue::Job')).toBe('no local emulator for this type');
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
