import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:111111111111:stateMachine:idempotent-workflow';

/** A stack holding a stand-in for the idempotent workflow. */
export function stackWithWorkflow(app: Construct): { stack: Stack; stateMachine: sfn.IStateMachine } {
  const stack = new Stack(app, 'Sources', { env: { account: '111111111111', region: 'us-east-1' } });
  const stateMachine = sfn.StateMachine.fromStateMachineArn(stack, 'Workflow', STATE_MACHINE_ARN);
  return { stack, stateMachine };
}
