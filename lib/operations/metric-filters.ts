/**
 * Counting new events and duplicates from the workflow's own log group: with log level ALL, Step
 * Functions writes one JSON line per state entered, naming the state (no execution data needed),
 * so a metric filter per outcome state counts them. Pure data, pinned by tests.
 */
import { StateName } from '../state-machines/names';

/** A metric the workflow's log group yields through a metric filter. */
export interface StateEntryMetric {
  /** CloudWatch metric name. */
  readonly metricName: string;
  /** The log event type Step Functions writes when the state is entered. */
  readonly eventType: string;
  /** The state of the idempotent workflow. */
  readonly stateName: StateName;
}

/** New events: the business function was called (entered once per execution, retries included). */
export const NEW_EVENTS: StateEntryMetric = {
  metricName: 'NewEvents',
  eventType: 'TaskStateEntered',
  stateName: StateName.RunBusinessLogic,
};

/** Duplicates: the key was held, the business function was not called. */
export const DUPLICATES: StateEntryMetric = {
  metricName: 'Duplicates',
  eventType: 'SucceedStateEntered',
  stateName: StateName.AlreadyProcessed,
};

/** Duplicates turned away while the first execution still runs (inProgressPolicy FAIL). */
export const IN_PROGRESS_DUPLICATES: StateEntryMetric = {
  metricName: 'InProgressDuplicates',
  eventType: 'FailStateEntered',
  stateName: StateName.RejectWhileInProgress,
};

/** Every metric the operations construct derives from the log group. */
export const STATE_ENTRY_METRICS: readonly StateEntryMetric[] = [
  NEW_EVENTS,
  DUPLICATES,
  IN_PROGRESS_DUPLICATES,
];

/** The CloudWatch Logs filter pattern matching one state entry. */
export function stateEntryFilterPattern(metric: StateEntryMetric): string {
  return `{ ($.type = "${metric.eventType}") && ($.details.name = "${metric.stateName}") }`;
}
