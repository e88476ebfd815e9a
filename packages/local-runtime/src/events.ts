/**
 * A local stand-in for the part of Amazon EventBridge the blueprint relies on: Step Functions
 * "Execution Status Change" events, matched against rules, delivered to state machine targets.
 * On AWS the orphaned-lease release hangs off exactly this; locally the same release workflow runs
 * on the same events, so a stopped or timed-out execution frees its key here too.
 */
import { randomUUID } from 'node:crypto';
import type { ExecutionRecord, ServiceEvent, StepFunctionsApi } from './sfn';

/** An EventBridge event pattern (the subset documented below). */
export type EventPattern = { readonly [field: string]: EventPattern | readonly PatternValue[] };
/** A literal to match, or one of the content filters `prefix`, `exists`, `anything-but`. */
export type PatternValue =
  | string
  | number
  | boolean
  | null
  | { readonly prefix: string }
  | { readonly exists: boolean }
  | { readonly 'anything-but': readonly (string | number)[] };

/** Thrown when a pattern uses a filter the local bus does not implement. */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPattern';
}

export interface StatusChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Step Functions Execution Status Change';
  readonly source: 'aws.states';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly executionArn: string;
    readonly stateMachineArn: string;
    readonly name: string;
    readonly status: string;
    readonly startDate: number;
    readonly stopDate: number | null;
    readonly input: string | null;
    readonly inputDetails: { readonly included: boolean } | null;
    readonly output: string | null;
    readonly outputDetails: { readonly included: boolean } | null;
    readonly error?: string;
    readonly cause?: string;
  };
}

/**
 * Step Functions leaves input and output out of the event when, escaped as JSON strings, they
 * add up to more than 248 KiB (Step Functions developer guide, EventBridge events).
 */
const MAX_ESCAPED_INPUT_AND_OUTPUT_BYTES = 248 * 1024;

const escapedBytes = (text: string | null): number =>
  text === null ? 0 : Buffer.byteLength(JSON.stringify(text));

/**
 * The event AWS publishes when a STANDARD execution changes status. Input and output are left out
 * (with `included: false`) when their escaped sizes add up to more than 248 KiB.
 */
export function statusChangeEvent(
  record: ExecutionRecord,
  location: { readonly region: string; readonly accountId: string },
): StatusChangeEvent {
  const base = {
    version: '0' as const,
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change' as const,
    source: 'aws.states' as const,
    account: location.accountId,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: location.region,
    resources: [record.executionArn],
  };
  const ended = record.status !== 'RUNNING';
  const detail = {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: record.startDate.getTime(),
    stopDate: record.stopDate?.getTime() ?? null,
    input: record.input,
    inputDetails: { included: true },
    output: ended ? (record.output ?? null) : null,
    outputDetails: ended && record.output !== undefined ? { included: true } : null,
    ...(record.error !== undefined ? { error: record.error } : {}),
    ...(record.cause !== undefined ? { cause: record.cause } : {}),
  };
  const event: StatusChangeEvent = { ...base, detail };
  if (escapedBytes(detail.input) + escapedBytes(detail.output) <= MAX_ESCAPED_INPUT_AND_OUTPUT_BYTES)
    return event;
  return {
    ...base,
    detail: {
      ...detail,
      input: null,
      inputDetails: { included: false },
      output: null,
      outputDetails: detail.output === null ? null : { included: false },
    },
  };
}

const unsupportedFilter = (filter: unknown): InvalidEventPatternError =>
  new InvalidEventPatternError(
    `the local event bus supports literal values, prefix, exists and anything-but; got ${JSON.stringify(filter)}`,
  );

function matchesValue(filter: PatternValue, value: unknown, present: boolean): boolean {
  if (filter === null || typeof filter !== 'object') return present && value === filter;
  if ('prefix' in filter) return typeof value === 'string' && value.startsWith(filter.prefix);
  if ('exists' in filter) return present === filter.exists;
  if ('anything-but' in filter) return present && !filter['anything-but'].includes(value as string | number);
  throw unsupportedFilter(filter);
}

const SUPPORTED_FILTERS = ['prefix', 'exists', 'anything-but'];

/** Rejects filters the local bus does not implement, so a rule fails when it is put, not at its first event. */
export function validatePattern(pattern: EventPattern): void {
  for (const filter of Object.values(pattern)) {
    if (!Array.isArray(filter)) {
      validatePattern(filter as EventPattern);
      continue;
    }
    for (const value of filter as PatternValue[]) {
      if (
        value !== null &&
        typeof value === 'object' &&
        !SUPPORTED_FILTERS.includes(Object.keys(value)[0] ?? '')
      ) {
        throw unsupportedFilter(value);
      }
    }
  }
}

/** EventBridge matching: every pattern field must match; an array value matches when any element does. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  const object = (event ?? {}) as Record<string, unknown>;
  return Object.entries(pattern).every(([field, filter]) => {
    const present = typeof object === 'object' && field in object;
    const value = present ? object[field] : undefined;
    if (!Array.isArray(filter)) {
      return typeof value === 'object' && value !== null && matchesPattern(filter as EventPattern, value);
    }
    const candidates = Array.isArray(value) ? value : [value];
    return filter.some((f: PatternValue) => candidates.some((v) => matchesValue(f, v, present)));
  });
}

export interface EventRule {
  readonly name: string;
  readonly pattern: EventPattern;
  /** The state machine started with the event as its input. */
  readonly targetStateMachineArn: string;
}

/**
 * Publishes the Step Functions service's STANDARD status changes (RUNNING and every end state) and
 * starts each matching rule's target; deliveries that fail are counted, as EventBridge's
 * FailedInvocations metric would.
 */
export class LocalEventBus {
  private readonly rules = new Map<string, EventRule>();
  private readonly unsubscribe: () => void;
  /** Deliveries made and failed, per rule name. */
  readonly deliveries = new Map<string, { invoked: number; failed: number }>();

  constructor(private readonly api: StepFunctionsApi) {
    this.unsubscribe = api.subscribe((event) => this.onServiceEvent(event));
  }

  putRule(rule: EventRule): void {
    validatePattern(rule.pattern);
    this.rules.set(rule.name, rule);
  }

  /** Delivers an event to every matching rule's target (also for events made by hand in tests). */
  publish(event: unknown): void {
    for (const rule of this.rules.values()) {
      if (!matchesPattern(rule.pattern, event)) continue;
      const counts = this.deliveries.get(rule.name) ?? { invoked: 0, failed: 0 };
      this.deliveries.set(rule.name, counts);
      counts.invoked++;
      try {
        this.api.startExecution({
          stateMachineArn: rule.targetStateMachineArn,
          input: JSON.stringify(event),
        });
      } catch {
        counts.failed++;
      }
    }
  }

  close(): void {
    this.unsubscribe();
    this.rules.clear();
  }

  private onServiceEvent(event: ServiceEvent): void {
    if (event.kind === 'historyEvent' || event.execution.type !== 'STANDARD') return;
    // Deliver after the API call that caused the change has returned, as EventBridge does.
    const published = statusChangeEvent(event.execution, this.api.location);
    setImmediate(() => this.publish(published));
  }
}
