import { invalidToken, serializationError, validationFailure } from './errors';
import type { Json } from './members';
import { memberViolations, PAGE_SIZE } from './request-model';

const DEFAULT_PAGE_SIZE = 100;

/**
 * One page of `items` for the request's `maxResults`/`nextToken`. The token names the position, the
 * key of the item before it and the listing it belongs to (`listing`, e.g. the execution whose history
 * is paged), so a token from another listing (or a stale one) is rejected as InvalidToken.
 */
export const page = <T>(
  items: readonly T[],
  input: Json,
  keyOf: (item: T) => string,
  listing = '',
): { items: readonly T[]; nextToken?: string } => {
  const raw = input.maxResults ?? 0;
  if (typeof raw !== 'number') throw serializationError(raw, 'Integer');
  const violations = memberViolations(PAGE_SIZE, 'maxResults', raw);
  if (violations.length > 0) throw validationFailure(violations);
  // The JSON protocol reads a fraction into an Integer member by dropping it.
  const maxResults = Math.trunc(raw);
  const size = maxResults === 0 ? DEFAULT_PAGE_SIZE : maxResults;
  let start = 0;
  if (input.nextToken !== undefined && input.nextToken !== null) {
    if (typeof input.nextToken !== 'string') throw serializationError(input.nextToken, 'String');
    start = decodeToken(input.nextToken, items, keyOf, listing);
  }
  const slice = items.slice(start, start + size);
  const end = start + slice.length;
  if (end >= items.length) {
    return { items: slice };
  }
  const last = items[end - 1] as T;
  const token = listing === '' ? [end, keyOf(last)] : [end, keyOf(last), listing];
  return { items: slice, nextToken: Buffer.from(JSON.stringify(token)).toString('base64url') };
};

const decodeToken = <T>(
  token: string,
  items: readonly T[],
  keyOf: (item: T) => string,
  listing: string,
): number => {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken(token);
  }
  if (!Array.isArray(decoded) || typeof decoded[0] !== 'number' || typeof decoded[1] !== 'string') {
    throw invalidToken(token);
  }
  const [position, key, from = ''] = decoded as [number, string, string?];
  if (from !== listing) throw invalidToken(token);
  // Items may have been added or forgotten since: find the last returned item again by key.
  const expected = items[position - 1];
  if (expected !== undefined && keyOf(expected) === key) {
    return position;
  }
  const found = items.findIndex((item) => keyOf(item) === key);
  if (found < 0) {
    throw invalidToken(token);
  }
  return found + 1;
};
