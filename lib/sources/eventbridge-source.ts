import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** Props of {@link EventBridgeSource}. */
export interface EventBridgeSourceProps {
  /** The idempotent workflow the events start. */
  readonly stateMachine: sfn.IStateMachine;
  /** Which events start the workflow. */
  readonly eventPattern: events.EventPattern;
  /**
   * The bus the rule listens on.
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * What the workflow receives.
   * @default - the whole EventBridge event, whose `id` stays the same across EventBridge's own retries
   */
  readonly input?: events.RuleTargetInput;
  /**
   * Where events go that could not start the workflow after all retries.
   * @default - a new SQS queue, SSL only, SQS-managed encryption, 14 days retention
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * How many times EventBridge retries a failed StartExecution.
   * @default 185 (EventBridge's own maximum)
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge keeps retrying an event.
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
}

/**
 * Starts the idempotent workflow from an EventBridge rule, with a retry policy and a dead-letter
 * queue on the target.
 *
 * EventBridge cannot name executions: the workflow's DynamoDB record is the only guard against
 * EventBridge's at-least-once delivery, which is what the workflow is for.
 */
export class EventBridgeSource extends Construct {
  /** The rule. */
  public readonly rule: events.Rule;
  /** Where undeliverable events end up. */
  public readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: EventBridgeSourceProps) {
    super(scope, id);
    const retryAttempts = props.retryAttempts ?? 185;
    if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 185) {
      throw new Error(
        `retryAttempts must be an integer from 0 to 185, got ${retryAttempts}: pick a value in range`,
      );
    }
    this.deadLetterQueue = props.deadLetterQueue ?? newDeadLetterQueue(this, 'DeadLetterQueue');
    this.rule = new events.Rule(this, 'Rule', {
      eventPattern: props.eventPattern,
      eventBus: props.eventBus,
      description: 'Starts the idempotent workflow for each matching event',
    });
    this.rule.addTarget(
      new targets.SfnStateMachine(props.stateMachine, {
        input: props.input,
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts,
        maxEventAge: props.maxEventAge ?? Duration.hours(24),
      }),
    );
  }
}

/** A dead-letter queue that is itself the end of the line, as cdk-nag's SQS3 asks us to say. */
export function newDeadLetterQueue(scope: Construct, id: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    enforceSSL: true,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is a dead-letter queue: it is where failed messages stop, so it has no DLQ of its own.',
  });
  return queue;
}
