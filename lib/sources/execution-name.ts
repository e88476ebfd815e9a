import { createHash } from 'node:crypto';

/** Step Functions execution names are 1 to 80 characters. */
export const MAX_EXECUTION_NAME_LENGTH = 80;

/**
 * Characters replaced by `_` (a regex character class, shared with the API Gateway template).
 * Step Functions accepts more, but CloudWatch Logs only works with `0-9A-Za-z_-`.
 */
export const EXECUTION_NAME_UNSAFE_CHARACTERS = '[^0-9A-Za-z_-]';

const UNSAFE_CHARACTERS = new RegExp(EXECUTION_NAME_UNSAFE_CHARACTERS, 'g');

/** Hex characters of the SHA-256 appended when the key is not usable as a name on its own. */
const HASH_LENGTH = 16;

/** Readable part kept in front of the hash, so the name still starts with the key. */
const PREFIX_LENGTH = MAX_EXECUTION_NAME_LENGTH - HASH_LENGTH - 1;

/** Raised when an execution name is asked for an empty key. */
export class ExecutionNameKeyEmptyError extends Error {
  override readonly name = 'ExecutionNameKeyEmptyError';
  constructor() {
    super('idempotency key is empty: an execution name needs at least one character of key');
  }
}

/**
 * The readable part of an execution name: the key with every character outside `0-9A-Za-z_-`
 * replaced by `_`, cut to 80 characters. It is the string to type in the console's search box,
 * and the rule API Gateway's mapping template applies (it cannot hash).
 */
export function executionNamePrefixForKey(key: string): string {
  if (key.length === 0) throw new ExecutionNameKeyEmptyError();
  return key.replace(UNSAFE_CHARACTERS, '_').slice(0, MAX_EXECUTION_NAME_LENGTH);
}

/**
 * The execution name for an idempotency key, unique per key.
 *
 * A key made only of `0-9A-Za-z_-` and at most 80 characters long is the name itself. Any other
 * key becomes its first 63 sanitised characters, a dash and 16 hex characters of its SHA-256, so
 * two keys that sanitise alike still get different names, and the name still starts with the key.
 */
export function executionNameForKey(key: string): string {
  const prefix = executionNamePrefixForKey(key);
  if (prefix === key) return key;
  const hash = createHash('sha256').update(key, 'utf8').digest('hex').slice(0, HASH_LENGTH);
  return `${prefix.slice(0, PREFIX_LENGTH)}-${hash}`;
}
