import { createHash, randomUUID } from 'node:crypto';

/**
 * The functions AWS adds to JSONata 2.0.6 in Step Functions (developer guide, "JSONata functions
 * provided by Step Functions"). Each throws a JSONata-style error object (`code`, `message`) so the
 * engine reports it like any other evaluation failure.
 */

class FunctionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const HASH_ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** A JSONata sequence: a singleton collapses to its only value at the end of evaluation, as AWS's `$range(1,9,9)` → `1`. */
function sequence(values: unknown[]): unknown[] {
  Object.defineProperty(values, 'sequence', { value: true, enumerable: false });
  return values;
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

export function partition(array: unknown, size: unknown): unknown[][] {
  if (!Array.isArray(array))
    throw new FunctionError(
      'D3200',
      `$partition: the first argument must be an array, got ${JSON.stringify(array)}`,
    );
  if (!isInteger(size) || size < 1)
    throw new FunctionError(
      'D3201',
      `$partition: the chunk size must be a positive integer, got ${JSON.stringify(size)}`,
    );
  const chunks: unknown[][] = [];
  for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
  return chunks;
}

export function range(start: unknown, end: unknown, step: unknown): unknown[] {
  if (!isInteger(start) || !isInteger(end) || !isInteger(step) || step === 0) {
    throw new FunctionError(
      'D3202',
      `$range: start, end and step must be integers and step must not be 0, got ${JSON.stringify([start, end, step])}`,
    );
  }
  const values: number[] = [];
  if (step > 0) for (let v = start; v <= end; v += step) values.push(v);
  else for (let v = start; v >= end; v += step) values.push(v);
  return sequence(values);
}

export function hash(value: unknown, algorithm: unknown): string {
  if (typeof value !== 'string')
    throw new FunctionError('D3203', `$hash: the data must be a string, got ${JSON.stringify(value)}`);
  const name = typeof algorithm === 'string' ? HASH_ALGORITHMS[algorithm] : undefined;
  if (name === undefined) {
    throw new FunctionError(
      'D3204',
      `$hash: unsupported algorithm ${JSON.stringify(algorithm)}; use one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`,
    );
  }
  return createHash(name).update(value, 'utf8').digest('hex');
}

/** mulberry32: a small deterministic generator, so `$random(seed)` repeats for a seed (AWS's own sequence is not documented). */
function seeded(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export function random(seed?: unknown): number {
  if (seed === undefined) return Math.random();
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new FunctionError('D3205', `$random: the seed must be a number, got ${JSON.stringify(seed)}`);
  }
  return seeded(Math.trunc(seed));
}

export function uuid(): string {
  return randomUUID();
}

export function parse(text: unknown): unknown {
  if (typeof text !== 'string')
    throw new FunctionError('D3206', `$parse: the argument must be a string, got ${JSON.stringify(text)}`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FunctionError('D3207', `$parse: the argument is not valid JSON: ${(error as Error).message}`);
  }
}

/** name → [implementation, JSONata signature]. */
export const AWS_FUNCTIONS: ReadonlyArray<readonly [string, (...args: never[]) => unknown, string]> = [
  ['partition', partition, '<an:a>'],
  ['range', range, '<nnn:a>'],
  ['hash', hash, '<ss:s>'],
  ['random', random, '<n?:n>'],
  ['uuid', uuid, '<:s>'],
  ['parse', parse, '<s:x>'],
];
