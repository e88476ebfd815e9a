import { createHash, randomUUID } from 'node:crypto';
import { IntrinsicFailure, json } from '../../errors';

/**
 * The intrinsic functions of ASL (JSONPath states only), with AWS's documented argument
 * rules. A function receives evaluated arguments (plus, for States.Format, the raw text of
 * a literal template so escaped braces stay literal) and throws `Problem` for bad input;
 * the caller turns it into `States.IntrinsicFailure` naming the call.
 */
export class Problem extends Error {}

export interface IntrinsicFunction {
  /** Allowed argument counts, checked when the definition is loaded. */
  readonly arity: { readonly min: number; readonly max: number };
  apply(args: unknown[], rawTemplate: string | undefined): unknown;
}

const MAX_STRING = 10_000;
const MAX_RANGE_ITEMS = 1000;

function describe(value: unknown): string {
  return json(value);
}

function needArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Problem(`${what} must be an array, got ${describe(value)}`);
  return value;
}

function needString(value: unknown, what: string, max?: number): string {
  if (typeof value !== 'string') throw new Problem(`${what} must be a string, got ${describe(value)}`);
  if (max !== undefined && value.length > max) {
    throw new Problem(`${what} must be at most ${max} characters, got ${value.length}`);
  }
  return value;
}

function needInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new Problem(`${what} must be an integer, got ${describe(value)}`);
  }
  return value;
}

function needObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Problem(`${what} must be a JSON object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** JSON value equality (object key order does not matter). */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEquals(item, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && jsonEquals((a as Record<string, unknown>)[k], rb[k]));
}

/** How States.Format prints a value: strings bare, objects and arrays as Java's toString (`{a=1, b=[x, y]}`). */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** Splits a Format template into literal pieces around `{}` placeholders; `\{`, `\}`, `\\`, `\'` are literals. */
export function splitTemplate(template: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (c === '\\' && i + 1 < template.length) {
      current += template[i + 1];
      i++;
    } else if (c === '{' && template[i + 1] === '}') {
      pieces.push(current);
      current = '';
      i++;
    } else if (c === '{' || c === '}') {
      throw new Problem(
        `the template '${template}' has an unescaped '${c}'; write '\\${c}' for a literal brace`,
      );
    } else {
      current += c;
    }
  }
  pieces.push(current);
  return pieces;
}

const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** java.util.Random, so that a seeded States.MathRandom is deterministic as on AWS (which runs on the JVM). */
export function javaRandomNextInt(seed: number, bound: number): number {
  const multiplier = 0x5deece66dn;
  const mask = (1n << 48n) - 1n;
  let state = (BigInt(seed) ^ multiplier) & mask;
  const next31 = (): number => {
    state = (state * multiplier + 0xbn) & mask;
    return Number(state >> 17n);
  };
  if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(next31())) >> 31n);
  for (;;) {
    const bits = next31();
    const value = bits % bound;
    if (bits - value + (bound - 1) < 2 ** 31) return value;
  }
}

function fixed(min: number, max = min): IntrinsicFunction['arity'] {
  return { min, max };
}

export const FUNCTIONS: Readonly<Record<string, IntrinsicFunction>> = {
  'States.Format': {
    arity: fixed(1, Number.POSITIVE_INFINITY),
    apply(args, rawTemplate) {
      const template = rawTemplate ?? needString(args[0], 'the first argument (the template)');
      const pieces = splitTemplate(template);
      const values = args.slice(1);
      if (pieces.length - 1 !== values.length) {
        throw new Problem(
          `the template has ${pieces.length - 1} '{}' placeholder(s) but ${values.length} value argument(s) were given`,
        );
      }
      let out = pieces[0] as string;
      values.forEach((v, i) => {
        out += formatValue(v) + pieces[i + 1];
      });
      return out;
    },
  },
  'States.StringToJson': {
    arity: fixed(1),
    apply([text]) {
      const s = needString(text, 'the argument');
      try {
        return JSON.parse(s);
      } catch {
        throw new Problem(`the argument is not valid JSON: '${s}'`);
      }
    },
  },
  'States.JsonToString': {
    arity: fixed(1),
    apply([value]) {
      return json(value);
    },
  },
  'States.Array': {
    arity: fixed(0, Number.POSITIVE_INFINITY),
    apply(args) {
      return args;
    },
  },
  'States.ArrayPartition': {
    arity: fixed(2),
    apply([array, size]) {
      const items = needArray(array, 'the first argument');
      const chunk = needInteger(size, 'the chunk size');
      if (chunk <= 0) throw new Problem(`the chunk size must be a positive integer, got ${chunk}`);
      const out: unknown[][] = [];
      for (let i = 0; i < items.length; i += chunk) out.push(items.slice(i, i + chunk));
      return out;
    },
  },
  'States.ArrayContains': {
    arity: fixed(2),
    apply([array, value]) {
      return needArray(array, 'the first argument').some((item) => jsonEquals(item, value));
    },
  },
  'States.ArrayRange': {
    arity: fixed(3),
    apply([first, last, step]) {
      const start = needInteger(first, 'the start');
      const end = needInteger(last, 'the end');
      const by = needInteger(step, 'the step');
      if (by === 0) throw new Problem('the step must not be 0');
      const count = Math.max(0, Math.floor((end - start) / by) + 1);
      if (count > MAX_RANGE_ITEMS) {
        throw new Problem(`the range would have ${count} items; at most ${MAX_RANGE_ITEMS} are allowed`);
      }
      return Array.from({ length: count }, (_, i) => start + i * by);
    },
  },
  'States.ArrayGetItem': {
    arity: fixed(2),
    apply([array, index]) {
      const items = needArray(array, 'the first argument');
      const i = needInteger(index, 'the index');
      if (i < 0 || i >= items.length) {
        throw new Problem(`the index ${i} is out of bounds for an array of length ${items.length}`);
      }
      return items[i];
    },
  },
  'States.ArrayLength': {
    arity: fixed(1),
    apply([array]) {
      return needArray(array, 'the argument').length;
    },
  },
  'States.ArrayUnique': {
    arity: fixed(1),
    apply([array]) {
      const out: unknown[] = [];
      for (const item of needArray(array, 'the argument')) {
        if (!out.some((kept) => jsonEquals(kept, item))) out.push(item);
      }
      return out;
    },
  },
  'States.Base64Encode': {
    arity: fixed(1),
    apply([text]) {
      return Buffer.from(needString(text, 'the argument', MAX_STRING), 'utf8').toString('base64');
    },
  },
  'States.Base64Decode': {
    arity: fixed(1),
    apply([text]) {
      const s = needString(text, 'the argument', MAX_STRING);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) {
        throw new Problem(`the argument is not valid Base64: '${s}'`);
      }
      return Buffer.from(s, 'base64').toString('utf8');
    },
  },
  'States.Hash': {
    arity: fixed(2),
    apply([data, algorithm]) {
      const text = needString(data, 'the data', MAX_STRING);
      const name = needString(algorithm, 'the algorithm');
      const nodeName = HASH_ALGORITHMS[name];
      if (!nodeName) {
        throw new Problem(
          `the algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(', ')}, got '${name}'`,
        );
      }
      return createHash(nodeName).update(text, 'utf8').digest('hex');
    },
  },
  'States.JsonMerge': {
    arity: fixed(3),
    apply([left, right, deep]) {
      const a = needObject(left, 'the first argument');
      const b = needObject(right, 'the second argument');
      if (deep !== false) {
        throw new Problem(
          `the third argument must be false (only shallow merges are supported), got ${describe(deep)}`,
        );
      }
      return { ...a, ...b };
    },
  },
  'States.MathRandom': {
    arity: fixed(2, 3),
    apply([first, last, seed]) {
      const start = needInteger(first, 'the start');
      const end = needInteger(last, 'the end');
      if (end <= start) throw new Problem(`the end (${end}) must be greater than the start (${start})`);
      if (seed === undefined) return start + Math.floor(Math.random() * (end - start));
      return start + javaRandomNextInt(needInteger(seed, 'the seed'), end - start);
    },
  },
  'States.MathAdd': {
    arity: fixed(2),
    apply(args) {
      const [a, b] = args.map((value, i) => {
        if (typeof value !== 'number')
          throw new Problem(`argument ${i + 1} must be a number, got ${describe(value)}`);
        const rounded = Math.round(value);
        if (rounded < -2147483648 || rounded > 2147483647) {
          throw new Problem(`argument ${i + 1} must be between -2147483648 and 2147483647, got ${value}`);
        }
        return rounded;
      }) as [number, number];
      return a + b;
    },
  },
  'States.StringSplit': {
    arity: fixed(2),
    apply([text, delimiters]) {
      const s = needString(text, 'the first argument');
      const d = needString(delimiters, 'the delimiter argument');
      if (d.length === 0) return [s];
      const parts: string[] = [];
      let current = '';
      for (const c of s) {
        if (d.includes(c)) {
          if (current) parts.push(current);
          current = '';
        } else {
          current += c;
        }
      }
      if (current) parts.push(current);
      return parts;
    },
  },
  'States.UUID': {
    arity: fixed(0),
    apply() {
      return randomUUID();
    },
  },
};

export function failure(callText: string, problem: string): IntrinsicFailure {
  return new IntrinsicFailure(`The function '${callText}' had the following error: ${problem}`);
}
