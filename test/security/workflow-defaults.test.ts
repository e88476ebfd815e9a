import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type IdempotencyTableProps, IdempotentWorkflow } from '../../lib/idempotent-workflow';

function workflowTemplate(tableProps?: IdempotencyTableProps): Template {
  const stack = new Stack(new App(), 'Defaults');
  const businessFunction = new lambda.Function(stack, 'Business', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  new IdempotentWorkflow(stack, 'Workflow', { businessFunction, tableProps });
  return Template.fromStack(stack);
}

describe('IdempotentWorkflow security defaults', () => {
  const template = workflowTemplate();

  test('then the table is retained on stack deletion and protected against deletion', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })],
      }),
    });
  });

  test('then the table has point-in-time recovery and the AWS-owned encryption key', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
      SSESpecification: Match.absent(),
    });
  });

  test('then execution logs leave out execution data (inputs, outputs, results)', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ IncludeExecutionData: false }),
    });
  });
});

describe('IdempotentWorkflow with a customer managed key', () => {
  const stack = new Stack(new App(), 'Cmk', { env: { account: '111111111111', region: 'us-east-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const businessFunction = new lambda.Function(stack, 'Business', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  new IdempotentWorkflow(stack, 'Workflow', {
    businessFunction,
    tableProps: { encryption: dynamodb.TableEncryptionV2.customerManagedKey(key) },
  });
  const template = Template.fromStack(stack);

  test('then the table is encrypted with that key', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: [
        Match.objectLike({
          SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } },
        }),
      ],
    });
  });

  test('then the workflow role may use the key for the table', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['kms:Decrypt', 'kms:Encrypt']), Effect: 'Allow' }),
        ]),
      },
    });
  });
});
