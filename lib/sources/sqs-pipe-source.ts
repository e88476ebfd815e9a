import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { throwIfProblems } from '../errors';
import { newDeadLetterQueue } from './eventbridge-source';

/** Props of {@link SqsPipeSource}. */
export interface SqsPipeSourceProps {
  /** The idempotent workflow each message starts. */
  readonly stateMachine: sfn.IStateMachine;
  /**
   * The workflow's type. STANDARD is started with StartExecution (FIRE_AND_FORGET): the message is
   * deleted once the execution has started, so a failed execution is not redelivered by SQS, and
   * the dead-letter queue only receives messages whose StartExecution kept failing. EXPRESS is
   * started with StartSyncExecution (REQUEST_RESPONSE), so a failed execution returns the message
   * to the queue.
   * @default sfn.StateMachineType.STANDARD
   */
  readonly workflowType?: sfn.StateMachineType;
  /**
   * How many failed receives move a message to the source queue's dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * How long a received message stays invisible to other consumers.
   * @default Duration.minutes(5)
   */
  readonly visibilityTimeout?: Duration;
}

/** Defaults as data. */
export const SQS_PIPE_SOURCE_DEFAULTS = {
  maxReceiveCount: 5,
  visibilityTimeout: Duration.minutes(5),
} as const;

/** SQS's limits: a redrive policy's maxReceiveCount, and a queue's visibility timeout (12 hours). */
const MAX_RECEIVE_COUNT = 1000;
const MAX_VISIBILITY_TIMEOUT_SECONDS = 12 * 3600;

/**
 * Every problem of the props, one line each, showing the bad value and the fix ([] when they work).
 * Pure: IdempotentWorkflow calls it before it creates anything, and so does the constructor.
 */
export function sqsPipeSourceProblems(props: Omit<SqsPipeSourceProps, 'stateMachine'>): string[] {
  const problems: string[] = [];
  const maxReceiveCount = props.maxReceiveCount ?? SQS_PIPE_SOURCE_DEFAULTS.maxReceiveCount;
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > MAX_RECEIVE_COUNT) {
    problems.push(
      `maxReceiveCount must be a positive integer, got ${maxReceiveCount}: use 1 to ${MAX_RECEIVE_COUNT} (SQS's limit)`,
    );
  }
  const visibilityTimeout = props.visibilityTimeout;
  if (visibilityTimeout !== undefined) {
    const seconds = visibilityTimeout.isUnresolved()
      ? Number.NaN
      : visibilityTimeout.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_TIMEOUT_SECONDS) {
      problems.push(
        `visibilityTimeout must be whole seconds from 0 to 12 hours, got ${visibilityTimeout.toString()}: SQS accepts no other timeout; omit it for 5 minutes`,
      );
    }
  }
  return problems;
}

/**
 * An SQS queue whose messages start the idempotent workflow through an EventBridge Pipe: one
 * message per execution (batch size 1) and a dead-letter queue on the source queue. Pipes send
 * Step Functions a JSON array even for a batch of one, so the execution input is `[body]`: the
 * workflow must read its event as `$states.input[0]` (IdempotentWorkflow's `sqsSource` does).
 *
 * Pipes cannot name executions; SQS delivers at least once, and the workflow's record is the guard.
 */
export class SqsPipeSource extends Construct {
  /** Send events here. */
  public readonly queue: sqs.Queue;
  /** Messages that failed `maxReceiveCount` times. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The pipe. */
  public readonly pipe: pipes.CfnPipe;

  constructor(scope: Construct, id: string, props: SqsPipeSourceProps) {
    throwIfProblems('SqsPipeSource', id, sqsPipeSourceProblems(props));
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? SQS_PIPE_SOURCE_DEFAULTS.maxReceiveCount;
    const express = props.workflowType === sfn.StateMachineType.EXPRESS;

    this.deadLetterQueue = newDeadLetterQueue(this, 'DeadLetterQueue');
    this.queue = new sqs.Queue(this, 'Queue', {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      visibilityTimeout: props.visibilityTimeout ?? SQS_PIPE_SOURCE_DEFAULTS.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com'),
      description: 'Reads the source queue and starts the idempotent workflow',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [this.queue.queueArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [express ? 'states:StartSyncExecution' : 'states:StartExecution'],
        resources: [props.stateMachine.stateMachineArn],
      }),
    );

    this.pipe = new pipes.CfnPipe(this, 'Pipe', {
      roleArn: role.roleArn,
      source: this.queue.queueArn,
      sourceParameters: { sqsQueueParameters: { batchSize: 1 } },
      target: props.stateMachine.stateMachineArn,
      targetParameters: {
        inputTemplate: '<$.body>',
        stepFunctionStateMachineParameters: {
          invocationType: express ? 'REQUEST_RESPONSE' : 'FIRE_AND_FORGET',
        },
      },
      description: 'One SQS message, one idempotent workflow execution; the body is the input',
    });
    this.pipe.node.addDependency(role);
  }
}
