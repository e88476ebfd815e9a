/**
 * `AWS::Events::Rule` → rules of the local event bus. A rule with an EventPattern on the default
 * bus sees the Step Functions status changes; any rule sees the events sent with PutEvents to its
 * bus. Targets that are state machines are started with the event, or with the target's `Input` or
 * `InputPath`. `State` DISABLED is disabled; ENABLED and ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
 * are enabled. Not delivered: other targets (Lambda, SQS, ...), InputTransformer, schedules;
 * RoleArn, RetryPolicy and DeadLetterConfig are not read.
 */
import { eventBusNameOf } from '../eventbridge';
import type { EventPattern } from '../events';
import { UnresolvableIntrinsicError, UnsupportedEventTargetError } from './errors';
import type { StackModel } from './model';

export interface RuleTargetPlan {
  readonly id: string;
  readonly stateMachineArn: string;
  readonly input?: string;
  readonly inputPath?: string;
}

export interface RulePlan {
  readonly name: string;
  readonly eventBusName: string;
  readonly pattern?: EventPattern;
  readonly schedule?: string;
  readonly enabled: boolean;
  readonly targets: readonly RuleTargetPlan[];
  /** Targets that cannot be delivered locally, each with its named error. */
  readonly undeliverable: readonly UnsupportedEventTargetError[];
}

const STATE_MACHINE_ARN = /^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:[^:]+$/;

function serviceOf(arn: string): string {
  return arn.split(':')[2] ?? arn;
}

export function ruleFrom(stack: StackModel, logicalId: string): RulePlan {
  const name = stack.physicalName(logicalId);
  const eventBusName = eventBusNameOf(stack.property(logicalId, 'EventBusName'));
  let pattern = stack.property(logicalId, 'EventPattern');
  if (typeof pattern === 'string') {
    try {
      pattern = JSON.parse(pattern);
    } catch {
      throw new UnresolvableIntrinsicError('EventPattern is not JSON', stack.at(logicalId, 'EventPattern'));
    }
  }
  const schedule = stack.property(logicalId, 'ScheduleExpression');
  const state = stack.property(logicalId, 'State');
  const targets: RuleTargetPlan[] = [];
  const undeliverable: UnsupportedEventTargetError[] = [];
  const rawTargets = (stack.resource(logicalId).Properties?.Targets ?? []) as unknown[];
  rawTargets.forEach((_, index) => {
    const property = `Targets.${index}`;
    const at = stack.at(logicalId, property);
    const target = stack.value(rawTargets[index], at) as {
      Id?: string;
      Arn?: string;
      Input?: string;
      InputPath?: string;
      InputTransformer?: unknown;
    };
    const id = String(target.Id ?? index);
    const arn = String(target.Arn ?? '');
    if (!STATE_MACHINE_ARN.test(arn)) {
      undeliverable.push(
        new UnsupportedEventTargetError(
          `target ${id} (${serviceOf(arn)}: ${arn}) is not delivered locally: the local event bus starts state machines only`,
          at,
        ),
      );
      return;
    }
    if (target.InputTransformer !== undefined) {
      undeliverable.push(
        new UnsupportedEventTargetError(
          `target ${id} uses an InputTransformer, which the local event bus does not apply; it is not delivered (use Input or InputPath, e.g. RuleTargetInput.fromEventPath, to run it locally)`,
          at,
        ),
      );
      return;
    }
    targets.push({
      id,
      stateMachineArn: arn,
      ...(target.Input !== undefined ? { input: String(target.Input) } : {}),
      ...(target.InputPath !== undefined ? { inputPath: String(target.InputPath) } : {}),
    });
  });
  return {
    name,
    eventBusName,
    ...(pattern !== undefined ? { pattern: pattern as EventPattern } : {}),
    ...(typeof schedule === 'string' ? { schedule } : {}),
    // ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS is enabled too (it also matches CloudTrail's
    // read-only management events on AWS, which never arrive here).
    enabled: state !== 'DISABLED',
    targets,
    undeliverable,
  };
}

/** Whether the pattern asks for Step Functions status changes (source aws.states). */
export function watchesStatusChanges(pattern: EventPattern | undefined): boolean {
  const source = pattern?.source;
  return Array.isArray(source) && source.includes('aws.states');
}
