import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { throwIfProblems } from '../errors';

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

/** Defaults as data: EventBridge's own maximum retry policy. */
export const EVENTBRIDGE_SOURCE_DEFAULTS = {
  retryAttempts: 185,
  maxEventAge: Duration.hours(24),
} as const;

/** The longest event age EventBridge accepts on a target's retry policy, and the shortest. */
const MAX_EVENT_AGE_SECONDS = 24 * 3600;
const MIN_EVENT_AGE_SECONDS = 60;

/**
 * Every problem of the props, one line each, showing the bad value and the fix ([] when they work).
 * Pure: IdempotentWorkflow calls it before it creates anything, and so does the constructor.
 */
export function eventBridgeSourceProblems(props: Omit<EventBridgeSourceProps, 'stateMachine'>): string[] {
  const problems: string[] = [];
  if (Object.keys(props.eventPattern ?? {}).length === 0) {
    problems.push(
      `eventPattern must match on at least one field, got ${JSON.stringify(props.eventPattern ?? null)}; for example { source: ['shop.orders'] }`,
    );
  }
  const retryAttempts = props.retryAttempts ?? EVENTBRIDGE_SOURCE_DEFAULTS.retryAttempts;
  if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 185) {
    problems.push(
      `retryAttempts must be an integer from 0 to 185, got ${retryAttempts}: pick a value in range`,
    );
  }
  const maxEventAge = props.maxEventAge;
  if (maxEventAge !== undefined) {
    const seconds = maxEventAge.isUnresolved() ? Number.NaN : maxEventAge.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < MIN_EVENT_AGE_SECONDS || seconds > MAX_EVENT_AGE_SECONDS) {
      problems.push(
        `maxEventAge must be whole seconds from 1 minute to 24 hours, got ${maxEventAge.toString()}: EventBridge accepts no other age; omit it for 24 hours`,
      );
    }
  }
  return problems;
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
    throwIfProblems('EventBridgeSource', id, eventBridgeSourceProblems(props));
    super(scope, id);
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
        retryAttempts: props.retryAttempts ?? EVENTBRIDGE_SOURCE_DEFAULTS.retryAttempts,
        maxEventAge: props.maxEventAge ?? EVENTBRIDGE_SOURCE_DEFAULTS.maxEventAge,
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
