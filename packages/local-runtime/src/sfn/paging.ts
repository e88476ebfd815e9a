import { invalidToken, serializationError, validationError } from './errors';
import type { Json } from './members';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

/**
 * One page of `items` for the request's `maxResults`/`nextToken`. The token names the position and the
 * key of the item before it, so a token from another listing (or a stale one) is rejected as InvalidToken.
 */
export const page = <T>(
  items: readonly T[],
  input: Json,
  keyOf: (item: T) => string,
): { items: readonly T[]; nextToken?: string } => {
  const raw = input.maxResults ?? 0;
  if (typeof raw !== 'number') throw serializationError(raw, 'Integer');
  // The JSON protocol reads a fraction into an Integer member by dropping it.
  const maxResults = Math.trunc(raw);
  if (maxResults < 0) {
    throw validationError(maxResults, 'maxResults', 'Member must have value greater than or equal to 0');
  }
  if (maxResults > MAX_PAGE_SIZE) {
    throw validationError(
      maxResults,
      'maxResults',
      `Member must have value less than or equal to ${MAX_PAGE_SIZE}`,
    );
  }
  const size = maxResults === 0 ? DEFAULT_PAGE_SIZE : maxResults;
  let start = 0;
  if (input.nextToken !== undefined && input.nextToken !== null) {
    if (typeof input.nextToken !== 'string') throw serializationError(input.nextToken, 'String');
    start = decodeToken(input.nextToken, items, keyOf);
  }
  const slice = items.slice(start, start + size);
  const end = start + slice.length;
  if (end >= items.length) {
    return { items: slice };
  }
  const last = items[end - 1] as T;
  return { items: slice, nextToken: Buffer.from(JSON.stringify([end, keyOf(last)])).toString('base64url') };
};

const decodeToken = <T>(token: string, items: readonly T[], keyOf: (item: T) => string): number => {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken(token);
  }
  if (!Array.isArray(decoded) || typeof decoded[0] !== 'number' || typeof decoded[1] !== 'string') {
    throw invalidToken(token);
  }
  const [position, key] = decoded as [number, string];
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
