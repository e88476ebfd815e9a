/**
 * The options of the idempotent workflow's definition: their types, defaults and validation
 * (`resolveDefinitionOptions`), and the time budget derived from them (task timeout, lease,
 * worst-case run). lib/plan.ts resolves them once and builds the definitions from the result
 * (lib/state-machines/).
 */
import jsonata from 'jsonata';
import { IdempotencyConfigError } from './errors';
import {
  BUSINESS_ATTEMPTS,
  BUSINESS_RETRY_WAIT_SECONDS,
  DYNAMODB_RETRY_WAIT_SECONDS,
} from './state-machines/retries';

/** What a duplicate execution returns. */
export type DuplicateResponse =
  /** Succeed with `{ duplicate: true, idempotencyKey }`; one DynamoDB write, no read. */
  | 'SUCCEED'
  /** Succeed with the first execution's stored result (adds a GetItem on the duplicate path). */
  | 'RETURN_STORED_RESULT';

/** What a duplicate does while the first execution still holds the key. */
export type InProgressPolicy =
  /** Succeed like any other duplicate. */
  | 'SUCCEED'
  /** Fail with `Idempotency.AlreadyInProgress` so the sender retries later (adds a GetItem). */
  | 'FAIL';

/** What the business Lambda receives. */
export type PayloadShape =
  /** The event exactly as the execution received it. */
  | 'EVENT'
  /** `{ idempotencyKey, event }`: the key can be passed downstream as a client token. */
  | 'ENVELOPE';

/** What the execution input is. */
export type InputShape =
  /** The event itself (EventBridge rule, API, StartExecution). */
  | 'EVENT'
  /**
   * A one-element array `[event]`: EventBridge Pipes deliver a JSON array to Step Functions even
   * with batch size 1. The workflow reads the event as `$states.input[0]`, which is the input
   * itself when the input is not an array, so other sources of the same workflow keep working.
   */
  | 'BATCH_OF_ONE';

/** The business function's payload when `payloadShape` is `ENVELOPE`. */
export interface IdempotencyEnvelope<E = unknown> {
  /** The record id, `<keyPrefix>#<key>`: stable across retries of the same event. */
  readonly idempotencyKey: string;
  readonly event: E;
}

/** The options that shape the rendered definition. */
export interface DefinitionOptions {
  /** The idempotency table (partition key `id`, type S). */
  readonly tableName: string;
  /** ARN of the business Lambda function (any version or alias ARN works too). */
  readonly businessFunctionArn: string;
  /**
   * JSONata expression that yields the key from the event, written against `$states.input`.
   * With `inputShape: 'BATCH_OF_ONE'` it sees the execution input (`[event]`): a path such as
   * `$states.input.detail.orderId` maps over the one element and yields the same key.
   * @default defaultKeyExpression(inputShape): the SHA-256 of the whole event
   */
  readonly keyExpression?: string;
  /**
   * Namespace of this workflow's records, so several workflows can share one table.
   * Letters, digits and `_ . : / -`, at most 128 characters.
   * @default DEFINITION_DEFAULTS.keyPrefix
   */
  readonly keyPrefix?: string;
  /** How long a completed record keeps duplicates away. @default 3600 */
  readonly recordTtlSeconds?: number;
  /** The business function's own timeout, from which task timeout and lease derive. @default 3 (Lambda's default) */
  readonly businessTimeoutSeconds?: number;
  /**
   * How long an execution holds the key before another one may take it over.
   * @default defaultLeaseSeconds(businessTimeoutSeconds)
   */
  readonly leaseSeconds?: number;
  /** @default 'SUCCEED' */
  readonly duplicateResponse?: DuplicateResponse;
  /** @default 'SUCCEED' */
  readonly inProgressPolicy?: InProgressPolicy;
  /**
   * JSONata expression selecting the part of the event that must match on duplicates
   * (a mismatch fails with `Idempotency.PayloadMismatch`). @default no validation
   */
  readonly payloadValidationExpression?: string;
  /** @default 'EVENT' */
  readonly payloadShape?: PayloadShape;
  /** Results larger than this (UTF-8 bytes of their JSON) are not stored. @default 32768 */
  readonly maxStoredResultBytes?: number;
  /** @default 'EVENT' */
  readonly inputShape?: InputShape;
}

/** Defaults as data; each is pinned by a test. */
export const DEFINITION_DEFAULTS = {
  keyExpression: "$hash($string($states.input), 'SHA-256')",
  keyPrefix: 'idempotency',
  recordTtlSeconds: 3600,
  businessTimeoutSeconds: 3,
  duplicateResponse: 'SUCCEED',
  inProgressPolicy: 'SUCCEED',
  payloadShape: 'EVENT',
  maxStoredResultBytes: 32768,
  inputShape: 'EVENT',
} as const satisfies Partial<Record<keyof DefinitionOptions, unknown>>;

/** The default key for an input shape: the SHA-256 of the whole event (not of the `[event]` batch). */
export function defaultKeyExpression(inputShape: InputShape = DEFINITION_DEFAULTS.inputShape): string {
  return inputShape === 'BATCH_OF_ONE'
    ? "$hash($string($states.input[0]), 'SHA-256')"
    : DEFINITION_DEFAULTS.keyExpression;
}

/** How long Lambda's Init phase may take on a cold start, on top of the function's timeout. */
export const LAMBDA_INIT_SECONDS = 10;
/** Time allowed on top of the function's timeout and Init for the invoke round trip. */
export const INVOKE_MARGIN_SECONDS = 5;
/** Time reserved after the last invoke attempt for the completion write: its retry waits plus 5 s for its attempts. */
export const COMPLETION_MARGIN_SECONDS = DYNAMODB_RETRY_WAIT_SECONDS + 5;
/** How long after the execution started a claim rejected by a non-validation DynamoDB error is tried again. */
export const CLAIM_RETRY_WINDOW_SECONDS = 15;
/** Longest pause of WaitBeforeClaimingAgain. */
export const CLAIM_RETRY_PAUSE_SECONDS = 3;
/** Largest result the workflow will store: the record must stay far below DynamoDB's 400 KB item and Step Functions' 256 KiB payload. */
export const MAX_STORED_RESULT_BYTES_LIMIT = 100_000;

/**
 * The Task timeout of RunBusinessLogic: the function's timeout, plus Lambda's Init phase (a cold
 * start may take up to 10 s before the handler runs), plus the invoke margin. Shorter, and Step
 * Functions could give up (States.Timeout) on an invocation that is still running.
 */
export function businessTaskTimeoutSeconds(businessTimeoutSeconds: number): number {
  return businessTimeoutSeconds + LAMBDA_INIT_SECONDS + INVOKE_MARGIN_SECONDS;
}

/**
 * The longest a claim can take before the business logic starts: the retry window of a rejected
 * claim, its last pause, and the final claim's own retrier.
 */
export const CLAIM_BUDGET_SECONDS =
  CLAIM_RETRY_WINDOW_SECONDS + CLAIM_RETRY_PAUSE_SECONDS + DYNAMODB_RETRY_WAIT_SECONDS;

/**
 * The longest run of an execution whose DynamoDB calls and invocations all use their retries:
 * the claim, every invoke attempt at its task timeout with the retry waits, then the completion
 * write or the release (each one DynamoDB retry budget plus its attempts).
 */
export function worstCaseRunSeconds(businessTimeoutSeconds: number): number {
  return (
    CLAIM_BUDGET_SECONDS +
    BUSINESS_ATTEMPTS * businessTaskTimeoutSeconds(businessTimeoutSeconds) +
    BUSINESS_RETRY_WAIT_SECONDS +
    COMPLETION_MARGIN_SECONDS
  );
}

/**
 * The default lease: long enough for every invoke attempt to run to its timeout, the retry
 * waits, and the completion write; so a healthy execution never loses its key.
 */
export function defaultLeaseSeconds(businessTimeoutSeconds: number): number {
  return (
    BUSINESS_ATTEMPTS * businessTaskTimeoutSeconds(businessTimeoutSeconds) +
    BUSINESS_RETRY_WAIT_SECONDS +
    COMPLETION_MARGIN_SECONDS
  );
}

/** The shortest lease accepted: one invoke attempt plus the completion write. */
export function minimumLeaseSeconds(businessTimeoutSeconds: number): number {
  return businessTaskTimeoutSeconds(businessTimeoutSeconds) + COMPLETION_MARGIN_SECONDS;
}

/** Thrown when options are invalid; the message shows the bad value and the fix (lib/errors.ts). */
export { IdempotencyConfigError };

/** All options with defaults applied. */
export type ResolvedDefinitionOptions = Required<Omit<DefinitionOptions, 'payloadValidationExpression'>> &
  Pick<DefinitionOptions, 'payloadValidationExpression'>;

const KEY_PREFIX_PATTERN = /^[A-Za-z0-9_.:/-]{1,128}$/;

/**
 * What the problems call each option. By default its own name (`keyExpression`, `leaseSeconds`, …);
 * a caller whose users write other names passes them (IdempotentWorkflow: `idempotencyKey`, `lease`,
 * …), so each problem names what the user wrote.
 */
export type OptionNames = Readonly<Partial<Record<keyof DefinitionOptions, string>>>;

/**
 * Applies defaults and validates; throws IdempotencyConfigError with every problem found, each
 * naming its option as `names` says.
 */
export function resolveDefinitionOptions(
  options: DefinitionOptions,
  names: OptionNames = {},
): ResolvedDefinitionOptions {
  const businessTimeoutSeconds = options.businessTimeoutSeconds ?? DEFINITION_DEFAULTS.businessTimeoutSeconds;
  const resolved: ResolvedDefinitionOptions = {
    tableName: options.tableName,
    businessFunctionArn: options.businessFunctionArn,
    keyExpression: options.keyExpression ?? defaultKeyExpression(options.inputShape),
    keyPrefix: options.keyPrefix ?? DEFINITION_DEFAULTS.keyPrefix,
    recordTtlSeconds: options.recordTtlSeconds ?? DEFINITION_DEFAULTS.recordTtlSeconds,
    businessTimeoutSeconds,
    leaseSeconds: options.leaseSeconds ?? defaultLeaseSeconds(businessTimeoutSeconds),
    duplicateResponse: options.duplicateResponse ?? DEFINITION_DEFAULTS.duplicateResponse,
    inProgressPolicy: options.inProgressPolicy ?? DEFINITION_DEFAULTS.inProgressPolicy,
    payloadValidationExpression: options.payloadValidationExpression,
    payloadShape: options.payloadShape ?? DEFINITION_DEFAULTS.payloadShape,
    maxStoredResultBytes: options.maxStoredResultBytes ?? DEFINITION_DEFAULTS.maxStoredResultBytes,
    inputShape: options.inputShape ?? DEFINITION_DEFAULTS.inputShape,
  };
  const problems = definitionProblems(resolved, (option) => names[option] ?? option);
  if (problems.length > 0) {
    throw new IdempotencyConfigError(problems.join('\n'));
  }
  return resolved;
}

function definitionProblems(
  o: ResolvedDefinitionOptions,
  name: (option: keyof DefinitionOptions) => string,
): string[] {
  const problems: string[] = [];
  const positiveInteger = (option: keyof DefinitionOptions, value: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isInteger(value) || value < 1 || value > max) {
      problems.push(`${name(option)} must be a whole number of seconds between 1 and ${max}, got ${value}`);
    }
  };
  if (o.tableName.length === 0) problems.push(`${name('tableName')} must not be empty`);
  if (o.businessFunctionArn.length === 0) problems.push(`${name('businessFunctionArn')} must not be empty`);
  if (!KEY_PREFIX_PATTERN.test(o.keyPrefix)) {
    problems.push(
      `${name('keyPrefix')} must be 1-128 letters, digits or "_ . : / -", got ${JSON.stringify(o.keyPrefix)}; for example "orders"`,
    );
  }
  positiveInteger('recordTtlSeconds', o.recordTtlSeconds, 100 * 365 * 24 * 3600);
  positiveInteger('businessTimeoutSeconds', o.businessTimeoutSeconds, 900);
  positiveInteger('leaseSeconds', o.leaseSeconds, 365 * 24 * 3600);
  if (
    Number.isInteger(o.businessTimeoutSeconds) &&
    o.leaseSeconds < minimumLeaseSeconds(o.businessTimeoutSeconds)
  ) {
    problems.push(
      `${name('leaseSeconds')} (${o.leaseSeconds} s) must be at least ${minimumLeaseSeconds(o.businessTimeoutSeconds)} s: the business timeout (${o.businessTimeoutSeconds} s) plus ${LAMBDA_INIT_SECONDS + INVOKE_MARGIN_SECONDS + COMPLETION_MARGIN_SECONDS} s for Lambda's Init, the invoke and the completion write, or a running execution loses its key; raise the lease or omit it`,
    );
  }
  if (!['SUCCEED', 'RETURN_STORED_RESULT'].includes(o.duplicateResponse)) {
    problems.push(
      `${name('duplicateResponse')} must be 'SUCCEED' or 'RETURN_STORED_RESULT', got ${JSON.stringify(o.duplicateResponse)}`,
    );
  }
  if (!['SUCCEED', 'FAIL'].includes(o.inProgressPolicy)) {
    problems.push(
      `${name('inProgressPolicy')} must be 'SUCCEED' or 'FAIL', got ${JSON.stringify(o.inProgressPolicy)}`,
    );
  }
  if (!['EVENT', 'ENVELOPE'].includes(o.payloadShape)) {
    problems.push(
      `${name('payloadShape')} must be 'EVENT' or 'ENVELOPE', got ${JSON.stringify(o.payloadShape)}`,
    );
  }
  if (!['EVENT', 'BATCH_OF_ONE'].includes(o.inputShape)) {
    problems.push(
      `${name('inputShape')} must be 'EVENT' or 'BATCH_OF_ONE', got ${JSON.stringify(o.inputShape)}`,
    );
  }
  if (
    !Number.isInteger(o.maxStoredResultBytes) ||
    o.maxStoredResultBytes < 1 ||
    o.maxStoredResultBytes > MAX_STORED_RESULT_BYTES_LIMIT
  ) {
    problems.push(
      `${name('maxStoredResultBytes')} must be a whole number between 1 and ${MAX_STORED_RESULT_BYTES_LIMIT}, got ${o.maxStoredResultBytes}`,
    );
  }
  problems.push(...expressionProblems(name('keyExpression'), o.keyExpression));
  if (o.payloadValidationExpression !== undefined) {
    problems.push(...expressionProblems(name('payloadValidationExpression'), o.payloadValidationExpression));
  }
  return problems;
}

/**
 * What jsonata's parser says is wrong, and where. It throws plain objects (`code`, `position`,
 * `token`, `message`), not Errors, so `String(error)` would read "[object Object]".
 */
function jsonataSyntaxError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) {
    const { message, position } = error as { message?: unknown; position?: unknown };
    if (typeof message === 'string' && message.length > 0) {
      return typeof position === 'number' ? `${message} (at character ${position})` : message;
    }
    return JSON.stringify(error);
  }
  return String(error);
}

/**
 * Problems of one user-supplied JSONata expression: syntax, AWS's "no implicit input" rule, and
 * `${`, which CloudFormation would read as a DefinitionSubstitutions placeholder in the definition.
 */
export function expressionProblems(name: string, expression: string): string[] {
  if (expression.trim().length === 0) {
    return [`${name} must not be empty; for example "$states.input.detail.orderId"`];
  }
  if (expression.includes('${')) {
    return [
      `${name} ${JSON.stringify(expression)} contains "\${", which CloudFormation would take for a placeholder of the definition; write it as two strings, for example '$' & '{'`,
    ];
  }
  let ast: jsonata.ExprNode;
  try {
    ast = jsonata(expression).ast();
  } catch (error) {
    return [`${name} ${JSON.stringify(expression)} is not valid JSONata: ${jsonataSyntaxError(error)}`];
  }
  // jsonata's typings omit the 'path' node type its parser produces.
  const first = (ast.type as string) === 'path' ? ast.steps?.[0] : ast;
  if (first?.type === 'name' || (first?.type === 'variable' && first.value === '')) {
    return [
      `${name} ${JSON.stringify(expression)} reads the input implicitly, which Step Functions rejects; start from $states.input, for example "$states.input.detail.orderId"`,
    ];
  }
  return [];
}
