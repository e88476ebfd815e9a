import { jsonata, run } from './helpers';

async function evaluate(expression: string, input: unknown = {}): Promise<unknown> {
  const { result } = await run(
    jsonata({ P: { Type: 'Pass', Output: `{% ${expression} %}`, End: true } }),
    input,
  );
  if (result.status !== 'SUCCEEDED') throw new Error(result.cause);
  return JSON.parse(result.output as string);
}

describe('AWS JSONata functions', () => {
  it('$partition chunks an array', async () => {
    expect(await evaluate('$partition([1,2,3,4,5], 2)')).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('$range is inclusive and collapses a single value, as AWS does', async () => {
    expect(await evaluate('$range(0, 10, 3)')).toEqual([0, 3, 6, 9]);
    expect(await evaluate('$range(1, 9, 9)')).toBe(1);
  });

  it('$hash hashes with the named algorithm', async () => {
    expect(await evaluate("$hash('abc', 'SHA-256')")).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(await evaluate("$hash('abc', 'MD5')")).toBe('900150983cd24fb0d6963f7d28e17f72');
  });

  it('$random with a seed repeats, without one stays in [0, 1)', async () => {
    expect(await evaluate('$random(7) = $random(7)')).toBe(true);
    const value = (await evaluate('$random()')) as number;
    expect(value >= 0 && value < 1).toBe(true);
  });

  it('$uuid returns a v4 UUID', async () => {
    expect(await evaluate('$uuid()')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('$parse parses JSON text, and -0 becomes 0', async () => {
    expect(await evaluate('$parse($states.input.s)', { s: '{"a":[1]}' })).toEqual({ a: [1] });
    expect(await evaluate('$parse("-0")')).toBe(0);
  });

  it('$eval is not available', async () => {
    await expect(evaluate('$eval("1")')).rejects.toThrow('T1006');
  });

  it('standard functions the blueprint uses still work', async () => {
    expect(
      await evaluate(
        "{'t': $type($millis()), 'e': $exists($states.input.x), 'l': $length('abc'), 'u': $encodeUrlComponent('a b'), 's': $string(1)}",
      ),
    ).toEqual({
      t: 'number',
      e: false,
      l: 3,
      u: 'a%20b',
      s: '1',
    });
  });
});
