import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { type DefinitionOptions, IdempotencyConfigError } from '../../lib/definition';
import { IdempotentWorkflow, type IdempotentWorkflowProps } from '../../lib/idempotent-workflow';
import { planWorkflow } from '../../lib/plan';
import { StateName } from '../../lib/state-machines/names';

function newStack(): { stack: Stack; fn: lambda.Function } {
  const stack = new Stack(new App(), 'Test');
  const fn = new lambda.Function(stack, 'Business', {
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    timeout: Duration.seconds(30),
  });
  return { stack, fn };
}

function synth(props: Partial<IdempotentWorkflowProps> = {}): {
  template: Template;
  workflow: IdempotentWorkflow;
} {
  const { stack, fn } = newStack();
  const workflow = new IdempotentWorkflow(stack, 'Orders', { businessFunction: fn, ...props });
  return { template: Template.fromStack(stack), workflow };
}

/** The idempotency state machine (the stack may hold others, e.g. the orphaned-lease release). */
const MAIN_MACHINE = /^OrdersStateMachine[0-9A-F]{8}$/;

function stateMachineProps(template: Template): Record<string, unknown> {
  const machines = template.findResources('AWS::StepFunctions::StateMachine');
  const [id] = Object.keys(machines).filter((logicalId) => MAIN_MACHINE.test(logicalId));
  if (id === undefined) throw new Error('no idempotency state machine in the template');
  return machines[id]?.Properties as Record<string, unknown>;
}

function policyStatements(template: Template): unknown[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('OrdersStateMachineRole') }] },
  });
  const [policy] = Object.values(policies);
  if (!policy) throw new Error('the state machine role has no policy');
  return (policy.Properties as { PolicyDocument: { Statement: unknown[] } }).PolicyDocument.Statement;
}

/** The definition the construct should ship for these options (its function times out after 30 s). */
function planned(options: Partial<DefinitionOptions> = {}): string {
  return planWorkflow({
    tableName: 'any',
    businessFunctionArn: 'any',
    keyPrefix: 'Orders',
    businessTimeoutSeconds: 30,
    ...options,
  }).definition;
}

interface Definition {
  States: Record<string, { TimeoutSeconds?: number; Output?: string; Assign?: Record<string, string> }>;
}

function definitionOf(template: Template): Definition {
  return JSON.parse(stateMachineProps(template).DefinitionString as string);
}

describe('IdempotentWorkflow with default settings', () => {
  const { template, workflow } = synth();

  it('creates an on-demand table keyed on id, with TTL on expiration and point-in-time recovery, retained', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        Replicas: [
          Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
        ],
      },
    });
  });

  it('creates a STANDARD state machine from the planned definition; CloudFormation fills in only the table and the function', () => {
    const props = stateMachineProps(template);
    expect(props.StateMachineType).toBe('STANDARD');
    expect(props.DefinitionString).toBe(planned());
    expect(props.DefinitionSubstitutions).toEqual({
      TableName: { Ref: expect.stringMatching(/^OrdersTable/) },
      BusinessFunctionArn: { 'Fn::GetAtt': [expect.stringMatching(/^Business/), 'Arn'] },
    });
    expect(definitionOf(template).States[StateName.RunBusinessLogic]?.TimeoutSeconds).toBe(45);
    expect(props.DefinitionString).toContain(
      `'in_progress_expiration': {'N': $string($now + ${(3 * 45 + 3 + 20) * 1000})}`,
    );
  });

  it('logs ALL events without execution data to a vended-logs group, and traces with X-Ray', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [
          {
            CloudWatchLogsLogGroup: {
              LogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersLogs'), 'Arn'] },
            },
          },
        ],
      },
      TracingConfiguration: { Enabled: true },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/'),
      RetentionInDays: 30,
    });
  });

  it('grants exactly the actions the definition calls, plus CDK’s log delivery and X-Ray', () => {
    expect(policyStatements(template)).toEqual([
      {
        Action: [
          'logs:CreateLogDelivery',
          'logs:GetLogDelivery',
          'logs:UpdateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
        ],
        Effect: 'Allow',
        Resource: '*',
      },
      {
        Action: [
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
        ],
        Effect: 'Allow',
        Resource: '*',
      },
      {
        Sid: 'IdempotencyRecords',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^OrdersTable/), 'Arn'] },
      },
      {
        Sid: 'InvokeBusinessFunction',
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [
          { 'Fn::GetAtt': [expect.stringMatching(/^Business/), 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Business/), 'Arn'] }, ':*']] },
        ],
      },
    ]);
  });

  it('exposes the table, the state machine and the log group', () => {
    expect(workflow.table).toBeDefined();
    expect(workflow.stateMachine.stateMachineArn).toBeDefined();
    expect(workflow.logGroup.logGroupArn).toBeDefined();
  });
});

describe('IdempotentWorkflow options', () => {
  it('runs as an EXPRESS workflow', () => {
    const { template } = synth({ workflowType: sfn.StateMachineType.EXPRESS });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'EXPRESS' });
  });

  it('passes key expression, prefix, TTL, lease and payload shape to the definition', () => {
    const { template } = synth({
      idempotencyKey: '$states.input.detail.orderId',
      keyPrefix: 'orders-v2',
      recordTtl: Duration.days(1),
      lease: Duration.minutes(5),
      payloadShape: 'ENVELOPE',
      stateMachineName: 'orders-idempotent',
    });
    expect(stateMachineProps(template).StateMachineName).toBe('orders-idempotent');
    expect(stateMachineProps(template).DefinitionString).toBe(
      planned({
        keyExpression: '$states.input.detail.orderId',
        keyPrefix: 'orders-v2',
        recordTtlSeconds: 86_400,
        leaseSeconds: 300,
        payloadShape: 'ENVELOPE',
      }),
    );
  });

  it('derives the task timeout and lease from businessTimeout when given', () => {
    const { template } = synth({ businessTimeout: Duration.seconds(10) });
    expect(stateMachineProps(template).DefinitionString).toBe(planned({ businessTimeoutSeconds: 10 }));
    expect(definitionOf(template).States[StateName.RunBusinessLogic]?.TimeoutSeconds).toBe(25);
    expect(stateMachineProps(template).DefinitionString).toContain(`its lease (${3 * 25 + 3 + 20} s)`);
  });

  it('reads the event as the first element of the input with an SQS source (Pipes deliver [body])', () => {
    const { template } = synth({ sqsSource: {} });
    const claim = definitionOf(template).States[StateName.ClaimIdempotencyKey];
    expect(claim?.Output).toBe('{% $states.input[0] %}');
    expect(claim?.Assign?.idempotencyKey).toContain("$hash($string($states.input[0]), 'SHA-256')");
  });

  it('reads the input as the event without an SQS source', () => {
    const { template } = synth({ eventBridgeSource: { eventPattern: { source: ['orders'] } } });
    expect(definitionOf(template).States[StateName.ClaimIdempotencyKey]?.Output).toBe('{% $states.input %}');
  });

  it('uses Lambda’s 3-second default when the function sets no timeout', () => {
    const stack = new Stack(new App(), 'Test');
    const fn = new lambda.Function(stack, 'Business', {
      code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
    });
    new IdempotentWorkflow(stack, 'Orders', { businessFunction: fn });
    expect(definitionOf(Template.fromStack(stack)).States[StateName.RunBusinessLogic]?.TimeoutSeconds).toBe(
      18,
    );
  });

  it.each<[string, Partial<IdempotentWorkflowProps>, Partial<DefinitionOptions>]>([
    [
      'returning the stored result',
      { duplicateResponse: 'RETURN_STORED_RESULT', maxStoredResultBytes: 1000 },
      { duplicateResponse: 'RETURN_STORED_RESULT', maxStoredResultBytes: 1000 },
    ],
    ['failing in-progress duplicates', { inProgressPolicy: 'FAIL' }, { inProgressPolicy: 'FAIL' }],
    [
      'payload validation',
      { payloadValidation: '$states.input.detail.amount' },
      { payloadValidationExpression: '$states.input.detail.amount' },
    ],
  ])('reads the record on duplicates (GetItem granted) when %s', (_name, props, options) => {
    const { template } = synth(props);
    expect(Object.keys(definitionOf(template).States)).toContain(StateName.LoadExistingRecord);
    expect(stateMachineProps(template).DefinitionString).toBe(planned(options));
    expect(policyStatements(template)).toContainEqual({
      Sid: 'IdempotencyRecords',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^OrdersTable/), 'Arn'] },
    });
  });

  it('sets the log level, execution data and tracing', () => {
    const { template } = synth({ logLevel: sfn.LogLevel.ERROR, includeExecutionData: true, tracing: false });
    const props = stateMachineProps(template);
    expect(props.LoggingConfiguration).toMatchObject({ Level: 'ERROR', IncludeExecutionData: true });
    expect(props.TracingConfiguration).toEqual({ Enabled: false });
    expect(JSON.stringify(policyStatements(template))).not.toContain('xray:');
  });

  it('forwards tableProps to the table it creates', () => {
    const { template } = synth({
      tableProps: { removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false },
    });
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] }),
    });
  });

  it('uses an existing table and grants on it (and on its KMS key)', () => {
    const { stack, fn } = newStack();
    const key = new kms.Key(stack, 'Key');
    const table = dynamodb.Table.fromTableAttributes(stack, 'Existing', {
      tableName: 'shared-records',
      encryptionKey: key,
    });
    new IdempotentWorkflow(stack, 'Orders', { businessFunction: fn, table });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionSubstitutions: Match.objectLike({ TableName: 'shared-records' }),
    });
    const statements = JSON.stringify(policyStatements(template));
    expect(statements).toContain(':table/shared-records');
    expect(statements).toContain('kms:Decrypt');
  });

  it('lets several workflows share one table with different key prefixes', () => {
    const { stack, fn } = newStack();
    const first = new IdempotentWorkflow(stack, 'Orders', { businessFunction: fn, keyPrefix: 'orders' });
    new IdempotentWorkflow(stack, 'Refunds', {
      businessFunction: fn,
      table: first.table,
      keyPrefix: 'refunds',
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    const prefixes = Object.values(template.findResources('AWS::StepFunctions::StateMachine')).flatMap(
      (machine) => /'([^']+)#' & \$hash/.exec(machine.Properties.DefinitionString)?.[1] ?? [],
    );
    expect([...new Set(prefixes)]).toEqual(['orders', 'refunds']);
  });

  it('grants StartExecution and StartSyncExecution on the state machine only', () => {
    const { stack, fn } = newStack();
    const workflow = new IdempotentWorkflow(stack, 'Orders', {
      businessFunction: fn,
      workflowType: sfn.StateMachineType.EXPRESS,
    });
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    workflow.grantStartExecution(caller);
    workflow.grantStartSyncExecution(caller);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Caller') }],
      PolicyDocument: {
        Statement: [
          {
            Action: 'states:StartExecution',
            Effect: 'Allow',
            Resource: { Ref: Match.stringLikeRegexp('^OrdersStateMachine') },
          },
          {
            Action: 'states:StartSyncExecution',
            Effect: 'Allow',
            Resource: { Ref: Match.stringLikeRegexp('^OrdersStateMachine') },
          },
        ],
      },
    });
  });
});

describe('IdempotentWorkflow validation', () => {
  function build(props: Partial<IdempotentWorkflowProps>, imported = false): () => void {
    return () => {
      const { stack, fn } = newStack();
      const businessFunction = imported
        ? lambda.Function.fromFunctionArn(
            stack,
            'Imported',
            'arn:aws:lambda:us-east-1:123456789012:function:pay',
          )
        : fn;
      new IdempotentWorkflow(stack, 'Orders', { businessFunction, ...props });
    };
  }

  it.each<[string, Partial<IdempotentWorkflowProps>, string]>([
    [
      'the key expression does not parse: JSONata’s message and where it fails',
      { idempotencyKey: '$states.input.detail.(' },
      'idempotencyKey "$states.input.detail.(" is not valid JSONata: Expected ")" before end of expression (at character 22)',
    ],
    ['the key expression is empty', { idempotencyKey: ' ' }, 'idempotencyKey must not be empty'],
    [
      'the key expression reads the input implicitly',
      { idempotencyKey: 'detail.orderId' },
      'start from $states.input',
    ],
    [
      'the payload validation does not parse',
      { payloadValidation: '$states.input[' },
      'payloadValidation "$states.input[" is not valid JSONata: Expected "]" before end of expression (at character 14)',
    ],
    [
      'both table and tableProps are given',
      { table: dynamodb.Table.fromTableName(new Stack(), 'T', 'x'), tableProps: {} },
      'not both',
    ],
    [
      'the lease is shorter than the business timeout plus margins',
      { lease: Duration.seconds(40) },
      'lease (40 s) must be at least 65 s',
    ],
    [
      'the lease is not whole seconds',
      { lease: Duration.millis(60_500) },
      'lease must be a whole number of seconds',
    ],
    ['the record TTL is zero', { recordTtl: Duration.seconds(0) }, 'recordTtl must be'],
    [
      'the business timeout is over Lambda’s 900 s',
      { businessTimeout: Duration.seconds(901) },
      'businessTimeout must be a whole number of seconds between 1 and 900, got 901',
    ],
    ['the key prefix has a #', { keyPrefix: 'orders#1' }, 'keyPrefix must be'],
    ['the stored-result cap is over the limit', { maxStoredResultBytes: 500_000 }, 'maxStoredResultBytes'],
    [
      'an EXPRESS workflow cannot fit the business timeout',
      { workflowType: sfn.StateMachineType.EXPRESS, businessTimeout: Duration.seconds(120) },
      'EXPRESS workflow runs at most 300 s',
    ],
    [
      'an EXPRESS workflow fits the invoke attempts but not the DynamoDB retries on top',
      { workflowType: sfn.StateMachineType.EXPRESS, businessTimeout: Duration.seconds(70) },
      'a business timeout of 70 s needs up to 311 s with Lambda',
    ],
  ])('fails when %s', (_why, props, message) => {
    expect(build(props)).toThrow(IdempotencyConfigError);
    expect(build(props)).toThrow(message);
  });

  it('fails naming the props the user wrote, never the options they become', () => {
    let error: unknown;
    try {
      build({
        idempotencyKey: '$states.input.(',
        payloadValidation: '{',
        recordTtl: Duration.seconds(0),
        businessTimeout: Duration.seconds(901),
        lease: Duration.seconds(40),
      })();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(IdempotencyConfigError);
    const { problems, message } = error as IdempotencyConfigError;
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual([
      'recordTtl',
      'businessTimeout',
      'lease',
      'idempotencyKey',
      'payloadValidation',
    ]);
    expect(message).not.toMatch(
      /keyExpression|payloadValidationExpression|recordTtlSeconds|businessTimeoutSeconds|leaseSeconds|\[object Object\]/,
    );
  });

  it('fails when an imported function has no businessTimeout', () => {
    expect(build({}, true)).toThrow('businessTimeout is required for an imported business function');
    expect(build({ businessTimeout: Duration.seconds(5) }, true)).not.toThrow();
  });

  it('fails when two workflows use the same key prefix on one table', () => {
    const { stack, fn } = newStack();
    const first = new IdempotentWorkflow(stack, 'Orders', { businessFunction: fn, keyPrefix: 'orders' });
    expect(
      () =>
        new IdempotentWorkflow(stack, 'Again', {
          businessFunction: fn,
          table: first.table,
          keyPrefix: 'orders',
        }),
    ).toThrow('keyPrefix "orders" is already used by Test/Orders');
  });

  it('reports every problem at once', () => {
    expect(build({ keyPrefix: '', recordTtl: Duration.seconds(0) })).toThrow(
      /keyPrefix must be[\s\S]*recordTtl must be/,
    );
  });
});
