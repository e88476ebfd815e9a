/**
 * EventBridge's PutEvents, in process: each request entry is checked as AWS checks it, turned into
 * the event EventBridge delivers (`version`, `id`, `detail-type`, `source`, `account`, `time`,
 * `region`, `resources`, `detail`) and published on its bus. One result entry per request entry,
 * in order: `{EventId}` or `{ErrorCode, ErrorMessage}`.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_EVENT_BUS, type LocalEventBus } from '../events';

/** A whole-request error (HTTP 400 with `__type`), as opposed to a failed entry. */
export class EventBridgeApiError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

export interface PutEventsResultEntry {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

export interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: readonly PutEventsResultEntry[];
}

/** The event EventBridge delivers to a rule's target for one PutEvents entry. */
export interface CustomEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** PutEvents takes 1 to 10 entries per request (EventBridge quotas). */
export const MAX_ENTRIES = 10;
/** The total size of a PutEvents request's entries may not exceed 256 KB. */
export const MAX_ENTRIES_BYTES = 256 * 1024;

const invalid = (member: string, reason: string): PutEventsResultEntry => ({
  ErrorCode: 'InvalidArgument',
  ErrorMessage: `Parameter ${member} is not valid. Reason: ${reason}`,
});

/** `name` or `arn:aws:events:<region>:<account>:event-bus/<name>`. */
export function eventBusNameOf(value: unknown): string {
  if (typeof value !== 'string' || value === '') return DEFAULT_EVENT_BUS;
  const arn = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(value);
  return arn?.[1] ?? value;
}

/** The event time: the entry's `Time` (epoch seconds, as the SDK sends it, or ISO text), else now; whole seconds, `Z`. */
function eventTime(value: unknown): string {
  const date =
    typeof value === 'number'
      ? new Date(value * 1000)
      : typeof value === 'string' && !Number.isNaN(Date.parse(value))
        ? new Date(value)
        : new Date();
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Checks and publishes the entries of one PutEvents request. The whole request fails
 * (ValidationException) when `Entries` is missing, empty, longer than 10 or over 256 KB; a single
 * entry fails when it has no Source, DetailType or Detail, when Detail is not a JSON object, or when
 * its bus does not exist.
 */
export function putEvents(
  bus: LocalEventBus,
  request: Record<string, unknown>,
  location: { readonly region: string; readonly accountId: string },
): PutEventsResult {
  const entries = request.Entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new EventBridgeApiError(
      'ValidationException',
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  }
  if (entries.length > MAX_ENTRIES) {
    throw new EventBridgeApiError(
      'ValidationException',
      `1 validation error detected: Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
    );
  }
  if (Buffer.byteLength(JSON.stringify(entries)) > MAX_ENTRIES_BYTES) {
    throw new EventBridgeApiError(
      'ValidationException',
      'Total size of the entries in the request is over the limit.',
    );
  }
  const results = entries.map((raw: unknown): PutEventsResultEntry => {
    const entry = (raw ?? {}) as Record<string, unknown>;
    if (typeof entry.Source !== 'string' || entry.Source === '') {
      return invalid('Source', 'Source is a required argument.');
    }
    if (typeof entry.DetailType !== 'string' || entry.DetailType === '') {
      return invalid('DetailType', 'DetailType is a required argument.');
    }
    if (typeof entry.Detail !== 'string' || entry.Detail === '') {
      return invalid('Detail', 'Detail is a required argument.');
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      detail = undefined;
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const busName = eventBusNameOf(entry.EventBusName);
    if (!bus.hasEventBus(busName)) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
    }
    const event: CustomEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: location.accountId,
      time: eventTime(entry.Time),
      region: location.region,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      detail: detail as Record<string, unknown>,
    };
    // Delivered after the call has returned, as EventBridge delivers asynchronously.
    setImmediate(() => bus.publish(event, busName));
    return { EventId: event.id };
  });
  return {
    FailedEntryCount: results.filter((entry) => entry.ErrorCode !== undefined).length,
    Entries: results,
  };
}
