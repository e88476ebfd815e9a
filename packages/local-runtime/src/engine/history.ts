import type { HistoryEvent } from './types';

const NOT_TRUNCATED = Object.freeze({ truncated: false });

/** `inputDetails` / `outputDetails` as AWS sends them for data that was not truncated. */
export const notTruncated = (): { truncated: boolean } => NOT_TRUNCATED;

/**
 * The execution history: ids, `previousEventId` and timestamps as `GetExecutionHistory` shows them.
 * Ids are always counted (causes quote "entered at the event id #n"), but events are only built
 * when someone keeps or watches them.
 */
export class History {
  readonly events: HistoryEvent[] = [];
  /** True when events are kept or watched; otherwise callers may skip building their details. */
  readonly wanted: boolean;
  private lastId = 0;

  /** `past`: the history a redriven execution continues (kept, not told to `onEvent` again). */
  constructor(
    private readonly record: boolean,
    private readonly onEvent?: (event: HistoryEvent) => void,
    past?: readonly HistoryEvent[],
  ) {
    this.wanted = record || onEvent !== undefined;
    if (past !== undefined && past.length > 0) {
      if (record) this.events.push(...past);
      this.lastId = (past[past.length - 1] as HistoryEvent).id;
    }
  }

  /** The id of the most recent event (0 before the first). */
  get last(): number {
    return this.lastId;
  }

  /**
   * Appends an event. `detailsKey`/`details` is the single `*EventDetails` member; `details` may be
   * a function so that callers building JSON strings only pay for them when the history is kept.
   */
  add(
    type: string,
    previousEventId: number,
    detailsKey?: string,
    details?: Record<string, unknown> | (() => Record<string, unknown>),
  ): number {
    const id = ++this.lastId;
    if (!this.wanted) return id;
    const event: Record<string, unknown> = { timestamp: new Date(), type, id, previousEventId };
    if (detailsKey !== undefined && details !== undefined) {
      event[detailsKey] = typeof details === 'function' ? details() : details;
    }
    const frozen = event as unknown as HistoryEvent;
    if (this.record) this.events.push(frozen);
    this.onEvent?.(frozen);
    return id;
  }
}
