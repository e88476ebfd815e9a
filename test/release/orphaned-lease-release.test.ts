import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { planWorkflow } from '../../lib/plan';
import { OrphanedLeaseRelease } from '../../lib/release/orphaned-lease-release';
import { nagApp, nagFindings, removeOutput } from '../security/nag';
import { STATE_MACHINE_ARN, stackWithWorkflow } from '../sources/fixtures';

describe('OrphanedLeaseRelease', () => {
  const app = nagApp();
  const { stack, stateMachine } = stackWithWorkflow(app);
  const table = dynamodb.Table.fromTableName(stack, 'Table', 'idempotency');
  const { release } = planWorkflow({
    tableName: table.tableName,
    businessFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:orders',
    keyExpression: '$states.input.orderId',
    keyPrefix: 'orders',
    businessTimeoutSeconds: 60,
  });
  if (release === undefined) throw new Error('a STANDARD workflow plans its release');
  new OrphanedLeaseRelease(stack, 'Release', { workflow: stateMachine, table, release });
  const findings = nagFindings(app);
  const template = Template.fromStack(stack);
  afterAll(() => removeOutput(app));

  test('then a rule matches FAILED, TIMED_OUT and ABORTED executions of the workflow only', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [STATE_MACHINE_ARN] },
      },
      Targets: [
        Match.objectLike({
          Arn: { Ref: Match.stringLikeRegexp('Release') },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
  });

  test('then the release workflow is STANDARD, traced, logs without execution data, runs the planned definition and substitutes the table only', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ IncludeExecutionData: false, Level: 'ALL' }),
      DefinitionString: release.definition,
      DefinitionSubstitutions: { TableName: 'idempotency' },
    });
  });

  test('then the release workflow runs long enough to wait out the longest business task timeout', () => {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const definition = JSON.parse(
      (machine as { Properties: { DefinitionString: string } }).Properties.DefinitionString,
    ) as { TimeoutSeconds: number };
    // Lambda's 900 s limit plus 10 s Init and 5 s margin, then the delete with its retries.
    expect(definition.TimeoutSeconds).toBeGreaterThanOrEqual(900 + 15 + 15);
  });

  test('then its role may only DeleteItem on the table (plus the log delivery and X-Ray actions AWS requires)', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ReleaseRole') }] },
    });
    const statements = Object.values(policies).flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: { Action: unknown }[] } } }).Properties
          .PolicyDocument.Statement,
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'dynamodb:DeleteItem', Resource: expect.anything() }),
    );
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action) => String(action).startsWith('dynamodb:'))).toEqual([
      'dynamodb:DeleteItem',
    ]);
  });

  test('then cdk-nag AwsSolutions reports nothing', () => {
    expect(findings).toEqual([]);
  });
});
