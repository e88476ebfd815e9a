/**
 * A local stand-in for the part of Amazon EventBridge the blueprint relies on: Step Functions
 * "Execution Status Change" events, matched against rules, delivered to state machine targets.
 * On AWS the orphaned-lease release hangs off exactly this; locally the same release workflow runs
 * on the same events, so a stopped or timed-out execution frees its key here too. Events sent with
 * PutEvents (src/eventbridge/) go through the same rules, on the bus they name.
 */
import { randomUUID } from 'node:crypto';
import { JSONPath } from 'jsonpath-plus';
import type { ExecutionRecord, ServiceEvent, StepFunctionsApi } from './sfn';

/** An EventBridge event pattern (the subset documented below). */
export type EventPattern = { readonly [field: string]: EventPattern | readonly PatternValue[] };
/**
 * A literal to match, or one of the content filters `prefix`, `suffix`, `equals-ignore-case`,
 * `wildcard`, `exists`, `anything-but`.
 */
export type PatternValue =
  | string
  | number
  | boolean
  | null
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly 'equals-ignore-case': string }
  | { readonly wildcard: string }
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
    `the local event bus supports literal values, prefix, suffix, equals-ignore-case, wildcard, exists and anything-but; got ${JSON.stringify(filter)}`,
  );

/** EventBridge's wildcard filter: `*` matches any run of characters, `\\*` a literal star. */
function wildcardMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split(/(\\\*|\*)/)
    .map((part) =>
      part === '*' ? '.*' : part === '\\*' ? '\\*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

function matchesValue(filter: PatternValue, value: unknown, present: boolean): boolean {
  if (filter === null || typeof filter !== 'object') return present && value === filter;
  if ('prefix' in filter) return typeof value === 'string' && value.startsWith(filter.prefix);
  if ('suffix' in filter) return typeof value === 'string' && value.endsWith(filter.suffix);
  if ('equals-ignore-case' in filter) {
    return typeof value === 'string' && value.toLowerCase() === filter['equals-ignore-case'].toLowerCase();
  }
  if ('wildcard' in filter) return typeof value === 'string' && wildcardMatches(filter.wildcard, value);
  if ('exists' in filter) return present === filter.exists;
  if ('anything-but' in filter) return present && !filter['anything-but'].includes(value as string | number);
  throw unsupportedFilter(filter);
}

const SUPPORTED_FILTERS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'exists', 'anything-but'];

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
  /** The bus the rule watches (a name). @default 'default', where the status-change events go */
  readonly eventBusName?: string;
  /** The target's `Input`: this JSON text is the execution input instead of the event. */
  readonly input?: string;
  /** The target's `InputPath`: the part of the event (a JSONPath such as `$.detail`) that is the input. */
  readonly inputPath?: string;
}

/** The default bus: AWS services' events (the status changes here) and PutEvents without a bus name. */
export const DEFAULT_EVENT_BUS = 'default';

/**
 * The execution input a rule's target receives for an event, as EventBridge builds it: the whole
 * event, or the target's constant `Input`, or the part of the event its `InputPath` selects.
 * Undefined when the InputPath selects nothing.
 */
export function targetInput(
  rule: Pick<EventRule, 'input' | 'inputPath'>,
  event: unknown,
): string | undefined {
  if (rule.input !== undefined) return rule.input;
  if (rule.inputPath === undefined) return JSON.stringify(event);
  const selected = JSONPath({ path: rule.inputPath, json: event as object, wrap: false });
  return selected === undefined ? undefined : JSON.stringify(selected);
}

/** How a rule is keyed on the local bus: its name on the default bus, `<bus>|<name>` on another. */
export const ruleKey = (rule: Pick<EventRule, 'name' | 'eventBusName'>): string =>
  (rule.eventBusName ?? DEFAULT_EVENT_BUS) === DEFAULT_EVENT_BUS
    ? rule.name
    : `${rule.eventBusName}|${rule.name}`;

/**
 * Publishes the Step Functions service's STANDARD status changes (RUNNING and every end state) and
 * starts each matching rule's target; deliveries that fail are counted, as EventBridge's
 * FailedInvocations metric would.
 */
export class LocalEventBus {
  private readonly rules = new Map<string, EventRule>();
  private readonly buses = new Set<string>([DEFAULT_EVENT_BUS]);
  private readonly unsubscribe: () => void;
  /** Deliveries made and failed, per rule (keyed by name; `<bus>|<name>` on a bus other than the default). */
  readonly deliveries = new Map<string, { invoked: number; failed: number }>();

  constructor(private readonly api: StepFunctionsApi) {
    this.unsubscribe = api.subscribe((event) => this.onServiceEvent(event));
  }

  /** Adds a custom event bus (the default bus always exists). */
  createEventBus(name: string): void {
    this.buses.add(name);
  }

  hasEventBus(name: string): boolean {
    return this.buses.has(name);
  }

  putRule(rule: EventRule): void {
    validatePattern(rule.pattern);
    if (rule.inputPath !== undefined && !rule.inputPath.startsWith('$')) {
      throw new InvalidEventPatternError(
        `rule ${rule.name}: InputPath must be a JSONPath starting with $, got ${JSON.stringify(rule.inputPath)}`,
      );
    }
    this.buses.add(rule.eventBusName ?? DEFAULT_EVENT_BUS);
    this.rules.set(ruleKey(rule), rule);
  }

  /**
   * Delivers an event to the target of every matching rule on the bus (the default bus unless
   * named; also for events made by hand in tests).
   */
  publish(event: unknown, eventBusName: string = DEFAULT_EVENT_BUS): void {
    for (const [key, rule] of this.rules) {
      if ((rule.eventBusName ?? DEFAULT_EVENT_BUS) !== eventBusName) continue;
      if (!matchesPattern(rule.pattern, event)) continue;
      const counts = this.deliveries.get(key) ?? { invoked: 0, failed: 0 };
      this.deliveries.set(key, counts);
      counts.invoked++;
      try {
        const input = targetInput(rule, event);
        if (input === undefined) {
          counts.failed++;
          continue;
        }
        this.api.startExecution({ stateMachineArn: rule.targetStateMachineArn, input });
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
