/**
 * The console profile: what a project tells the console about its workflows, as plain data (the
 * runtime knows no workflow of its own). Outcomes name what an execution meant, from the states it
 * entered and the error it ended with; records say where an execution's DynamoDB record is.
 * Pure code: the server and the browser bundle both import it.
 */

/** Execution statuses, as Step Functions reports them. */
export const EXECUTION_STATUSES = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
] as const;
export type ExecutionStatusName = (typeof EXECUTION_STATUSES)[number];

/** How an outcome is coloured. The colour never stands alone: the icon and label go with it. */
export type OutcomeTone = 'success' | 'info' | 'warning' | 'danger' | 'neutral';

/** When an execution has an outcome: every field given must hold (an empty `when` is refused). */
export interface OutcomeCondition {
  /** The execution entered a state of this name (at any depth). */
  readonly enteredState?: string;
  /** The execution ended with exactly this error (FAILED, TIMED_OUT or ABORTED with an error). */
  readonly error?: string;
  /** The execution ended with an error that starts with this text, e.g. `Idempotency.Key`. */
  readonly errorPrefix?: string;
  /** The execution has this status. */
  readonly status?: ExecutionStatusName;
}

export interface OutcomeRule {
  /** Stable id, used in URLs and filters: letters, digits, `-`, `_`, `.`. */
  readonly id: string;
  /** What a person reads, e.g. `Duplicate`. */
  readonly label: string;
  /** One character or emoji shown before the label (never instead of it). */
  readonly icon?: string;
  /** One sentence: what this outcome means. */
  readonly description?: string;
  /** @default 'neutral' */
  readonly tone?: OutcomeTone;
  readonly when: OutcomeCondition;
}

/**
 * Where an execution's record is: read from the parameters of a Task state's TaskScheduled event
 * (its Arguments or Parameters after evaluation), e.g. the idempotency claim's PutItem.
 */
export interface RecordsProfile {
  /** The Task state whose parameters name the table and the record, e.g. `ClaimIdempotencyKey`. */
  readonly state: string;
  /** Dot path of the table name in those parameters. @default 'TableName' */
  readonly tableNameParameter?: string;
  /** Dot path of the record's key value, e.g. `Item.id.S` (PutItem) or `Key.id.S` (UpdateItem, GetItem). */
  readonly keyParameter: string;
  /** The table's partition key attribute. @default the path's segment after `Item`/`Key`, e.g. `id` */
  readonly keyAttribute?: string;
  /** Attribute holding the ARN of the execution that owns the record (shown as a link). */
  readonly ownerAttribute?: string;
  /** Attribute holding the record's status, e.g. `INPROGRESS` / `COMPLETED`. */
  readonly statusAttribute?: string;
  /** Attribute holding when the record expires (epoch seconds, or milliseconds when above 1e11). */
  readonly expirationAttribute?: string;
  /** Attribute holding when the owner's lease ends (epoch seconds, or milliseconds when above 1e11). */
  readonly leaseAttribute?: string;
  /** What the records page is called. @default 'Idempotency records' */
  readonly title?: string;
}

/** What a project passes to the console: plain data, no code. */
export interface ConsoleProfile {
  /** A short name shown in the header and the tab's title, e.g. the project's name. */
  readonly name?: string;
  /** Checked in order, the first that matches wins; an execution none matches is shown by its status. */
  readonly outcomes?: readonly OutcomeRule[];
  /** How to find the record of an execution; without it there is no records page. */
  readonly records?: RecordsProfile;
}

/** The console's name in the header and titles: `Step Functions local console · <profile name>`. */
export const consoleTitle = (profileName: string | undefined): string =>
  profileName ? `Step Functions local console · ${profileName}` : 'Step Functions local console';

/** A profile that cannot be used: the message names the field and the fix. */
export class ConsoleProfileError extends Error {
  override readonly name = 'ConsoleProfileError';
}

const TONES: readonly OutcomeTone[] = ['success', 'info', 'warning', 'danger', 'neutral'];

/** Checks a profile (it may come from a JSON file) and returns it; throws ConsoleProfileError. */
export function validateProfile(profile: unknown): ConsoleProfile {
  const fail = (message: string): never => {
    throw new ConsoleProfileError(`console profile: ${message}`);
  };
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) {
    return fail('must be an object with `outcomes` and/or `records`');
  }
  const p = profile as Record<string, unknown>;
  const text = (value: unknown, where: string, optional = false) => {
    if (value === undefined && optional) return;
    if (typeof value !== 'string' || value === '') fail(`${where} must be a non-empty string`);
  };
  text(p.name, 'name', true);
  if (p.outcomes !== undefined) {
    if (!Array.isArray(p.outcomes)) fail('outcomes must be an array of { id, label, when }');
    const seen = new Set<string>();
    for (const [index, rule] of (p.outcomes as unknown[]).entries()) {
      const where = `outcomes[${index}]`;
      if (typeof rule !== 'object' || rule === null) fail(`${where} must be an object`);
      const r = rule as Record<string, unknown>;
      text(r.id, `${where}.id`);
      if (!/^[A-Za-z0-9_.-]+$/.test(String(r.id))) {
        fail(`${where}.id ${JSON.stringify(r.id)} may only hold letters, digits, '-', '_' and '.'`);
      }
      if (seen.has(String(r.id))) fail(`${where}.id ${JSON.stringify(r.id)} is used twice`);
      seen.add(String(r.id));
      text(r.label, `${where}.label`);
      text(r.icon, `${where}.icon`, true);
      text(r.description, `${where}.description`, true);
      if (r.tone !== undefined && !TONES.includes(r.tone as OutcomeTone)) {
        fail(`${where}.tone must be one of ${TONES.join(', ')}`);
      }
      const when = r.when as Record<string, unknown> | undefined;
      if (typeof when !== 'object' || when === null) {
        fail(`${where}.when must be an object such as { enteredState: 'Processed' }`);
        continue;
      }
      const known = ['enteredState', 'error', 'errorPrefix', 'status'];
      const unknown = Object.keys(when).filter((key) => !known.includes(key));
      if (unknown.length > 0)
        fail(`${where}.when has unknown fields ${unknown.join(', ')} (known: ${known.join(', ')})`);
      if (Object.keys(when).length === 0) fail(`${where}.when needs at least one of ${known.join(', ')}`);
      for (const key of ['enteredState', 'error', 'errorPrefix'])
        text(when[key], `${where}.when.${key}`, true);
      if (when.status !== undefined && !EXECUTION_STATUSES.includes(when.status as ExecutionStatusName)) {
        fail(`${where}.when.status must be one of ${EXECUTION_STATUSES.join(', ')}`);
      }
    }
  }
  if (p.records !== undefined) {
    const r = p.records as Record<string, unknown>;
    if (typeof r !== 'object' || r === null) fail('records must be an object');
    text(r.state, 'records.state');
    text(r.keyParameter, 'records.keyParameter');
    for (const key of [
      'tableNameParameter',
      'keyAttribute',
      'ownerAttribute',
      'statusAttribute',
      'expirationAttribute',
      'leaseAttribute',
      'title',
    ]) {
      text(r[key], `records.${key}`, true);
    }
    if (r.keyAttribute === undefined && keyAttributeOf(r as unknown as RecordsProfile) === undefined) {
      fail(
        `records.keyAttribute is needed: it cannot be read from keyParameter ${JSON.stringify(r.keyParameter)}`,
      );
    }
  }
  return profile as ConsoleProfile;
}

/** The table's key attribute: given, or read from `Item.<attr>.S` / `Key.<attr>.S`. */
export function keyAttributeOf(records: RecordsProfile): string | undefined {
  if (records.keyAttribute) return records.keyAttribute;
  const parts = records.keyParameter.split('.');
  const at = parts.findIndex((part) => part === 'Item' || part === 'Key');
  return at >= 0 ? parts[at + 1] : undefined;
}

/** What the outcome rules look at, for one finished execution. */
export interface OutcomeFacts {
  readonly status: string;
  /** The error it ended with, if any. */
  readonly error?: string;
  /** Names of every state it entered. */
  readonly enteredStates: ReadonlySet<string>;
}

/** The first rule that matches, or undefined (the execution is then shown by its status). */
export function classifyOutcome(rules: readonly OutcomeRule[], facts: OutcomeFacts): OutcomeRule | undefined {
  return rules.find(({ when }) => {
    if (when.status !== undefined && when.status !== facts.status) return false;
    if (when.enteredState !== undefined && !facts.enteredStates.has(when.enteredState)) return false;
    if (when.error !== undefined && facts.error !== when.error) return false;
    if (when.errorPrefix !== undefined && !(facts.error ?? '').startsWith(when.errorPrefix)) return false;
    return true;
  });
}

/** Reads a dot path (`Item.id.S`) from a JSON value. */
export function valueAtPath(value: unknown, dotPath: string): unknown {
  let current = value;
  for (const part of dotPath.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
