import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { DefinitionOptions } from '../../lib/definition';
import { IdempotentWorkflow, type IdempotentWorkflowProps } from '../../lib/idempotent-workflow';
import { planWorkflow } from '../../lib/plan';

function build(props: Partial<IdempotentWorkflowProps> = {}): { stack: Stack; workflow: IdempotentWorkflow } {
  const stack = new Stack(new App(), 'Release');
  const businessFunction = new lambda.Function(stack, 'Business', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  const workflow = new IdempotentWorkflow(stack, 'Orders', { businessFunction, ...props });
  return { stack, workflow };
}

/** The release definition the workflow Orders should ship for these options (a 3 s function). */
function plannedRelease(options: Partial<DefinitionOptions> = {}): string | undefined {
  return planWorkflow({ tableName: 'any', businessFunctionArn: 'any', keyPrefix: 'Orders', ...options })
    .release?.definition;
}

/** The DefinitionString of the release workflow in the stack. */
function releaseDefinitionOf(workflow: IdempotentWorkflow): unknown {
  const machine = workflow.orphanedLeaseRelease?.stateMachine.node.defaultChild as sfn.CfnStateMachine;
  return Template.fromStack(Stack.of(workflow)).toJSON().Resources[Stack.of(workflow).getLogicalId(machine)]
    .Properties.DefinitionString;
}

describe('IdempotentWorkflow (STANDARD) releases orphaned leases by default', () => {
  const { stack, workflow } = build({ idempotencyKey: '$states.input.detail.orderId', keyPrefix: 'orders' });
  const template = Template.fromStack(stack);
  const workflowLogicalId = stack.getLogicalId(
    workflow.stateMachine.node.defaultChild as sfn.CfnStateMachine,
  );

  test('then a rule on this workflow failed, timed-out and aborted executions starts the release workflow', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: workflowLogicalId }] },
      }),
    });
    expect(workflow.orphanedLeaseRelease).toBeDefined();
  });

  test('then the release workflow computes the record id with the same key expression and prefix', () => {
    expect(releaseDefinitionOf(workflow)).toBe(
      plannedRelease({ keyExpression: '$states.input.detail.orderId', keyPrefix: 'orders' }),
    );
    expect(releaseDefinitionOf(workflow)).toContain("'orders#' & $keyText");
  });
});

describe('IdempotentWorkflow (STANDARD) release timing and key', () => {
  test('then the release workflow waits out the business task timeout of this workflow', () => {
    const { workflow } = build({ businessTimeout: Duration.seconds(40) });
    expect(releaseDefinitionOf(workflow)).toBe(plannedRelease({ businessTimeoutSeconds: 40 }));
    expect(releaseDefinitionOf(workflow)).toContain(`$stoppedAt + ${(40 + 10 + 5) * 1000} - $millis()`);
  });

  test('given an SQS source and the default key, then the release computes the key from the unwrapped event, like the workflow', () => {
    const { workflow } = build({ sqsSource: {} });
    expect(releaseDefinitionOf(workflow)).toBe(plannedRelease({ inputShape: 'BATCH_OF_ONE' }));
    expect(releaseDefinitionOf(workflow)).toContain("$hash($string($states.input[0]), 'SHA-256')");
  });
});

describe('IdempotentWorkflow (EXPRESS)', () => {
  test('given defaults, then no release workflow is created (EXPRESS emits no status-change events)', () => {
    const { stack, workflow } = build({ workflowType: sfn.StateMachineType.EXPRESS });
    Template.fromStack(stack).resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    expect(workflow.orphanedLeaseRelease).toBeUndefined();
  });

  test('fails when releaseOrphanedLeases is asked for', () => {
    expect(() => build({ workflowType: sfn.StateMachineType.EXPRESS, releaseOrphanedLeases: true })).toThrow(
      /releaseOrphanedLeases needs a STANDARD workflow/,
    );
  });
});

describe('IdempotentWorkflow with releaseOrphanedLeases false', () => {
  test('then no rule and no release workflow are created', () => {
    const { stack } = build({ releaseOrphanedLeases: false });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });
});
