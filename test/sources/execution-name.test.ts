import {
  ExecutionNameKeyEmptyError,
  executionNameForKey,
  executionNamePrefixForKey,
  MAX_EXECUTION_NAME_LENGTH,
} from '../../lib/sources/execution-name';

describe('executionNameForKey', () => {
  test('given a key of safe characters, when named, then the name is the key itself', () => {
    expect(executionNameForKey('order-42_A')).toBe('order-42_A');
  });

  test('given a key with unsafe characters, when named, then it starts with the sanitised key and ends with a hash', () => {
    const name = executionNameForKey('order#42/eu west');
    expect(name).toMatch(/^order_42_eu_west-[0-9a-f]{16}$/);
  });

  test('given two keys that sanitise alike, when named, then the names differ', () => {
    expect(executionNameForKey('a:b')).not.toBe(executionNameForKey('a/b'));
  });

  test('given a key of 200 safe characters, when named, then the name is 80 characters of allowed charset', () => {
    const name = executionNameForKey('k'.repeat(200));
    expect(name).toHaveLength(MAX_EXECUTION_NAME_LENGTH);
    expect(name).toMatch(/^k{63}-[0-9a-f]{16}$/);
  });

  test('given a key of exactly 80 safe characters, when named, then the name is the key', () => {
    const key = 'x'.repeat(80);
    expect(executionNameForKey(key)).toBe(key);
  });

  test('given the same key twice, when named, then the name is the same (deterministic)', () => {
    expect(executionNameForKey('ü-€-1')).toBe(executionNameForKey('ü-€-1'));
  });

  test('fails when the key is empty', () => {
    expect(() => executionNameForKey('')).toThrow(ExecutionNameKeyEmptyError);
  });
});

describe('executionNamePrefixForKey', () => {
  test('given a key, when prefixed, then every name for that key starts with the prefix (the console search)', () => {
    for (const key of ['order-1', 'order#1', 'é'.repeat(100)]) {
      expect(executionNameForKey(key).startsWith(executionNamePrefixForKey(key).slice(0, 63))).toBe(true);
    }
  });

  test('given a long key, when prefixed, then it is cut to 80 characters', () => {
    expect(executionNamePrefixForKey('a b'.repeat(50))).toHaveLength(80);
  });
});
