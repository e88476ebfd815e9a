/**
 * Normalising and comparing an execution against a recorded conformance case, following the corpus
 * README's "How to compare": placeholders, reference bindings, numeric equality, HTTP metadata presence,
 * and the reported relaxation for Python Lambda error documents.
 */

export type Level = 'L1' | 'L2' | 'L3';

export interface NormalisedEvent {
  type: string;
  id: number;
  previousEventId: number;
  details?: unknown;
}

/** What the runner observed, normalised like `expected`. */
export interface ActualRun {
  status: string;
  output?: unknown;
  error?: string;
  cause?: unknown;
  events?: NormalisedEvent[];
  /** The API response compared with `expected.api` (e.g. `{ describeExecution: {...} }`). */
  api?: Record<string, unknown>;
}

export interface ExpectedRun {
  status: string;
  output?: unknown;
  error?: string;
  cause?: unknown;
  events?: NormalisedEvent[];
  api?: Record<string, unknown>;
}

export interface Comparison {
  /** The strictest level fully matched, or undefined when even the outcome differs. */
  reached?: Level;
  /** The first difference found, with its JSON path. */
  difference?: string;
  /** Relaxations applied (Python-specific error documents compared by errorType/errorMessage). */
  relaxations: string[];
}

const WHOLE_VALUE_PLACEHOLDERS = new Set([
  'snf_role_arn',
  'date',
  'datetime',
  'RequestId',
  'x-amzn-RequestId',
  'x-amzn-requestid',
  'X-Amzn-Trace-Id',
  'x-amz-crc32',
  'Server',
]);
/**
 * LocalStack's normalising placeholders, wherever they sit in a string (an ARN inside an error message
 * included): the fixed ones (`<region>`, `<partition>`, `<account-id>`, `<request_id>`, the account
 * `111111111111`) and its two numbered forms, `<name:N>` (`<uuid:1>`, `<resource:2>`) and `<Name_Nidx>`
 * (`<ArnPart_0idx>`, `<SyncExecArn_Part2_0idx>`). Numbered ones are references: one value per case.
 */
const EMBEDDED =
  /<(?:region|partition|account|account-id|account_id|request_id)>|111111111111|<[A-Za-z][A-Za-z0-9]*(?:_Part\d+)?_\d+idx>|<[A-Za-z][\w-]*:\d+>/g;
const REFERENCE = /^<(?:[A-Za-z][A-Za-z0-9]*(?:_Part\d+)?_\d+idx|[A-Za-z][\w-]*:\d+)>$/;
const METADATA_KEYS = new Set(['SdkHttpMetadata', 'SdkResponseMetadata']);
/** AWS billing figures: compared by type only (corpus note on StartSyncExecution). */
const TYPE_ONLY_KEYS = new Set(['billedDurationInMilliseconds', 'billedMemoryUsedInMB']);
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? 'undefined' : text.length > 160 ? `${text.slice(0, 157)}...` : text;
};

const isPythonErrorDocument = (value: unknown): value is Record<string, unknown> =>
  isObject(value) && 'errorMessage' in value && 'errorType' in value && 'stackTrace' in value;

const parseJsonObject = (text: string): unknown => {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Matches values recursively; keeps reference placeholders consistent for the whole case. */
export class Matcher {
  readonly bindings = new Map<string, string>();
  readonly relaxations: string[] = [];

  /** Returns undefined on a match, else the first difference. */
  match(expected: unknown, actual: unknown, path: string): string | undefined {
    if (typeof expected === 'string') return this.matchString(expected, actual, path);
    if (typeof expected === 'number') {
      return typeof actual === 'number' && actual === expected
        ? undefined
        : `${path}: expected ${show(expected)}, got ${show(actual)}`;
    }
    if (expected === null || typeof expected === 'boolean') {
      return actual === expected ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
    }
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) return `${path}: expected an array, got ${show(actual)}`;
      if (actual.length !== expected.length) {
        return `${path}: expected ${expected.length} elements, got ${actual.length}`;
      }
      for (let i = 0; i < expected.length; i++) {
        const difference = this.match(expected[i], actual[i], `${path}[${i}]`);
        if (difference) return difference;
      }
      return undefined;
    }
    if (isObject(expected)) return this.matchObject(expected, actual, path);
    return `${path}: unexpected expected value ${show(expected)}`;
  }

  private matchObject(expected: Record<string, unknown>, actual: unknown, path: string): string | undefined {
    if (!isObject(actual)) return `${path}: expected an object, got ${show(actual)}`;
    if (isPythonErrorDocument(expected) && !isPythonErrorDocument(actual)) {
      return this.matchErrorDocument(expected, actual, path);
    }
    const expectedKeys = Object.keys(expected).sort();
    const actualKeys = Object.keys(actual).sort();
    const missing = expectedKeys.filter((key) => !(key in actual));
    const extra = actualKeys.filter((key) => !(key in expected));
    if (missing.length > 0 || extra.length > 0) {
      return `${path}: keys differ (missing ${show(missing)}, unexpected ${show(extra)})`;
    }
    for (const key of expectedKeys) {
      const childPath = `${path}.${key}`;
      if (METADATA_KEYS.has(key)) {
        if (!isObject(actual[key]))
          return `${childPath}: expected an object (HTTP metadata), got ${show(actual[key])}`;
        continue;
      }
      if (TYPE_ONLY_KEYS.has(key)) {
        if (typeof actual[key] !== typeof expected[key]) {
          return `${childPath}: expected a ${typeof expected[key]}, got ${show(actual[key])}`;
        }
        continue;
      }
      const difference = this.match(expected[key], actual[key], childPath);
      if (difference) return difference;
    }
    return undefined;
  }

  /** The README's relaxation: a Python runtime error document is compared by errorType and errorMessage. */
  private matchErrorDocument(
    expected: Record<string, unknown>,
    actual: Record<string, unknown>,
    path: string,
  ): string | undefined {
    for (const key of ['errorType', 'errorMessage']) {
      const difference = this.match(expected[key], actual[key], `${path}.${key}`);
      if (difference) return difference;
    }
    this.relaxations.push(`${path}: Python error document compared by errorType/errorMessage`);
    return undefined;
  }

  private matchString(expected: string, actual: unknown, path: string): string | undefined {
    if (WHOLE_VALUE_PLACEHOLDERS.has(expected)) {
      if (typeof actual !== 'string' && !(expected === 'datetime' && actual instanceof Date)) {
        return `${path}: expected a string (${expected}), got ${show(actual)}`;
      }
      if (
        expected === 'date' &&
        typeof actual === 'string' &&
        /^\d{4}-/.test(actual) &&
        !ISO_8601.test(actual)
      ) {
        return `${path}: expected an ISO-8601 timestamp, got ${show(actual)}`;
      }
      return undefined;
    }
    if (typeof actual !== 'string') return `${path}: expected ${show(expected)}, got ${show(actual)}`;
    if (expected === actual) return undefined;
    const expectedDocument = parseJsonObject(expected);
    if (isPythonErrorDocument(expectedDocument)) {
      const actualDocument = parseJsonObject(actual);
      if (isObject(actualDocument)) return this.match(expectedDocument, actualDocument, `${path}<json>`);
    }
    return this.matchPattern(expected, actual, path);
  }

  private matchPattern(expected: string, actual: string, path: string): string | undefined {
    const placeholders = expected.match(EMBEDDED);
    const mismatch = `${path}: expected ${show(expected)}, got ${show(actual)}`;
    if (!placeholders) return mismatch;
    const literals = expected.split(EMBEDDED);
    const captured: string[] = [];
    let source = '^';
    literals.forEach((literal, i) => {
      source += escapeRegExp(literal);
      const placeholder = placeholders[i];
      if (placeholder === undefined) return;
      if (REFERENCE.test(placeholder)) {
        const bound = this.bindings.get(placeholder);
        if (bound !== undefined) {
          source += escapeRegExp(bound);
        } else {
          source += '(.*?)';
          captured.push(placeholder);
        }
      } else {
        source += '.*?';
      }
    });
    const result = new RegExp(`${source}$`, 's').exec(actual);
    if (!result) return mismatch;
    captured.forEach((placeholder, i) => {
      const value = result[i + 1] ?? '';
      const bound = this.bindings.get(placeholder);
      if (bound === undefined) this.bindings.set(placeholder, value);
    });
    // The same reference placeholder twice in one string must capture one value.
    for (const [i, placeholder] of captured.entries()) {
      if (this.bindings.get(placeholder) !== (result[i + 1] ?? '')) {
        return `${path}: ${placeholder} is not used consistently in ${show(actual)}`;
      }
    }
    return undefined;
  }
}

/** Compares levels in order L1, L2, L3 and reports the strictest one fully matched. */
export const compareRun = (expected: ExpectedRun, actual: ActualRun, upTo: Level = 'L3'): Comparison => {
  const matcher = new Matcher();
  const outcome = compareOutcome(expected, actual, matcher);
  if (outcome) return { difference: outcome, relaxations: matcher.relaxations };
  if (upTo === 'L1' || expected.events === undefined)
    return { reached: upTo, relaxations: matcher.relaxations };
  const actualEvents = actual.events ?? [];
  const shape = compareShape(expected.events, actualEvents);
  if (shape) return { reached: 'L1', difference: shape, relaxations: matcher.relaxations };
  if (upTo === 'L2') return { reached: 'L2', relaxations: matcher.relaxations };
  for (const [i, event] of expected.events.entries()) {
    const difference = matcher.match(
      event.details ?? null,
      actualEvents[i]?.details ?? null,
      `events[${i}](${event.type}).details`,
    );
    if (difference) return { reached: 'L2', difference, relaxations: matcher.relaxations };
  }
  return { reached: 'L3', relaxations: matcher.relaxations };
};

const compareOutcome = (expected: ExpectedRun, actual: ActualRun, matcher: Matcher): string | undefined => {
  if (expected.status !== actual.status) {
    const detail = actual.error !== undefined ? ` (${actual.error}: ${show(actual.cause)})` : '';
    return `status: expected ${expected.status}, got ${actual.status}${detail}`;
  }
  if (expected.status === 'SUCCEEDED') {
    const difference = matcher.match(expected.output, actual.output, 'output');
    if (difference) return difference;
  } else {
    for (const field of ['error', 'cause'] as const) {
      if (expected[field] === undefined) {
        if (actual[field] !== undefined) return `${field}: expected none, got ${show(actual[field])}`;
        continue;
      }
      const difference = matcher.match(expected[field], actual[field], field);
      if (difference) return difference;
    }
  }
  for (const [key, value] of Object.entries(expected.api ?? {})) {
    if (actual.api?.[key] === undefined) continue;
    const difference = matcher.match(value, actual.api[key], `api.${key}`);
    if (difference) return difference;
  }
  return undefined;
};

const compareShape = (expected: NormalisedEvent[], actual: NormalisedEvent[]): string | undefined => {
  const length = Math.max(expected.length, actual.length);
  for (let i = 0; i < length; i++) {
    const want = expected[i];
    const got = actual[i];
    const wantText = want ? `${want.type}#${want.id}<-${want.previousEventId}` : 'no event';
    const gotText = got ? `${got.type}#${got.id}<-${got.previousEventId}` : 'no event';
    if (wantText !== gotText) return `events[${i}]: expected ${wantText}, got ${gotText}`;
  }
  return undefined;
};

const PARSED_DETAIL_FIELDS = ['input', 'output', 'parameters'];

/**
 * Turns an SDK HistoryEvent into the corpus form: `type`, `id`, `previousEventId` and the single
 * `*EventDetails` object as `details`, with JSON-text fields parsed.
 */
export const normaliseEvent = (event: Record<string, unknown>): NormalisedEvent => {
  const normalised: NormalisedEvent = {
    type: String(event.type),
    id: Number(event.id),
    previousEventId: Number(event.previousEventId ?? 0),
  };
  const detailsKey = Object.keys(event).find(
    (key) => key.endsWith('EventDetails') && event[key] !== undefined,
  );
  if (detailsKey) {
    const details = { ...(event[detailsKey] as Record<string, unknown>) };
    for (const field of PARSED_DETAIL_FIELDS) {
      if (typeof details[field] === 'string') details[field] = parseJsonText(details[field] as string);
    }
    if (isObject(details.assignedVariables)) {
      details.assignedVariables = Object.fromEntries(
        Object.entries(details.assignedVariables).map(([name, value]) => [
          name,
          typeof value === 'string' ? parseJsonText(value) : value,
        ]),
      );
    }
    if (typeof details.cause === 'string' && details.cause.startsWith('{')) {
      details.cause = parseJsonText(details.cause);
    }
    normalised.details = details;
  }
  return normalised;
};

export const parseJsonText = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Replaces the runner's resource names with the corpus tokens in every string (ARNs before bare names). */
export const tokenise = (value: unknown, replacements: ReadonlyArray<readonly [string, string]>): unknown => {
  if (typeof value === 'string') {
    let text = value;
    for (const [from, to] of replacements) text = text.split(from).join(to);
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => tokenise(item, replacements));
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, tokenise(item, replacements)]),
    );
  }
  return value;
};

/** Replaces the corpus tokens with the runner's resource names (definition and input, before running). */
export const substitute = (value: unknown, tokens: ReadonlyMap<string, string>): unknown => {
  if (typeof value === 'string') {
    return value.replace(/\$\{(Lambda|LambdaName|Table):([^}]+)\}/g, (token) => tokens.get(token) ?? token);
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, tokens));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, tokens)]));
  }
  return value;
};
