import { InvalidJsonPathDefinitionError } from '../../../src/engine/errors';
import {
  compileIntrinsic,
  evaluateIntrinsic,
  formatValue,
  javaRandomNextInt,
  parseIntrinsic,
} from '../../../src/engine/jsonpath/intrinsics';

const run = (text: string, input: unknown = {}, variables?: Record<string, unknown>) =>
  evaluateIntrinsic(text, input, { Execution: { Name: 'run-1' } }, variables);

const failure = (text: string, input: unknown = {}) => {
  try {
    run(text, input);
  } catch (error) {
    return error as { error: string; cause: string };
  }
  throw new Error(`${text} did not fail`);
};

describe('intrinsic parser', () => {
  it('Given nested calls and every literal kind, When parsed, Then the tree holds them in order', () => {
    const node = parseIntrinsic(
      "States.Array(1, -2.5, 'x', true, false, null, $.a, States.UUID())",
      'Parameters',
    );
    expect(node.kind).toBe('call');
    if (node.kind !== 'call') return;
    expect(node.name).toBe('States.Array');
    expect(node.args.map((a) => a.kind)).toEqual([
      'literal',
      'literal',
      'literal',
      'literal',
      'literal',
      'literal',
      'path',
      'call',
    ]);
    expect(node.args.slice(0, 6).map((a) => (a.kind === 'literal' ? a.value : undefined))).toEqual([
      1,
      -2.5,
      'x',
      true,
      false,
      null,
    ]);
  });

  it("Given escaped characters in a string literal, When evaluated, Then \\' \\{ \\} \\\\ become literal characters", () => {
    expect(run("States.Array('it\\'s', 'a\\{b\\}', 'back\\\\slash')")).toEqual([
      "it's",
      'a{b}',
      'back\\slash',
    ]);
  });

  it('Given a path with brackets and commas inside quotes, When parsed, Then the whole path is one argument', () => {
    expect(run("States.Array($['a,b'], $.list[1])", { 'a,b': 'comma', list: [0, 'one'] })).toEqual([
      'comma',
      'one',
    ]);
  });

  it('Given context and variable paths as arguments, When evaluated, Then they read the context and variables', () => {
    expect(run('States.Array($$.Execution.Name, $v)', {}, { v: 7 })).toEqual(['run-1', 7]);
  });

  it('Given spaces around arguments, When evaluated, Then they are ignored', () => {
    expect(run('States.MathAdd( 1 ,  2 )')).toBe(3);
  });

  it('fails at compile time for an unknown function', () => {
    expect(() => compileIntrinsic('States.Nope(1)')).toThrow(/unknown intrinsic function 'States.Nope'/);
  });

  it('fails at compile time for the wrong number of arguments', () => {
    expect(() => compileIntrinsic('States.MathAdd(1)')).toThrow('States.MathAdd takes 2 argument(s), got 1');
    expect(() => compileIntrinsic('States.UUID(1)')).toThrow(InvalidJsonPathDefinitionError);
    expect(() => compileIntrinsic('States.MathRandom(1, 2, 3, 4)')).toThrow(/2 to 3/);
  });

  it('fails at compile time for unterminated strings, missing parentheses and trailing text', () => {
    expect(() => compileIntrinsic("States.Format('abc)")).toThrow(/unterminated string/);
    expect(() => compileIntrinsic('States.Array(1, 2')).toThrow(InvalidJsonPathDefinitionError);
    expect(() => compileIntrinsic('States.Array(1) extra')).toThrow(/unexpected/);
    expect(() => compileIntrinsic('States.Array(foo)')).toThrow(/expected a string, number/);
  });

  it('fails at compile time for an unknown escape in a string literal', () => {
    expect(() => compileIntrinsic("States.Array('a\\nb')")).toThrow(/must be followed by one of/);
  });

  it('fails at compile time when calls nest deeper than 10 levels', () => {
    const ten = `${'States.Array('.repeat(10)}1${')'.repeat(10)}`;
    expect(() => compileIntrinsic(ten)).not.toThrow();
    const eleven = `${'States.Array('.repeat(11)}1${')'.repeat(11)}`;
    expect(() => compileIntrinsic(eleven)).toThrow(/more than 10 nested/);
  });

  it('fails with States.Runtime naming the call when a path argument matches nothing', () => {
    const error = failure('States.Array($.missing)', { present: 1 });
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe(
      `The function 'States.Array($.missing)' had the following error: The JsonPath argument for the field '$.missing' could not be found in the input '{"present":1}'`,
    );
  });

  it('Given the nested example from the AWS guide (with as many placeholders as values), When evaluated, Then it builds the string', () => {
    const arn = 'arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe.v1/1.0.0';
    const text =
      "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    expect(run(text, { ImageRecipe: { Arn: arn } })).toBe('1.0');
  });
});

describe('States.Format', () => {
  it('Given a template and values, When evaluated, Then each {} is replaced in order', () => {
    expect(run("States.Format('Hello, my name is {}.', $.name)", { name: 'Arnav' })).toBe(
      'Hello, my name is Arnav.',
    );
  });

  it('Given a template read from the input, When evaluated, Then it is used as the template', () => {
    expect(run('States.Format($.template, $.name)', { template: 'Hi {}!', name: 'Bo' })).toBe('Hi Bo!');
  });

  it('Given escaped braces in the template, When evaluated, Then they stay literal braces', () => {
    expect(run("States.Format('\\{{}\\}', 'x')")).toBe('{x}');
  });

  it('Given numbers, booleans, null, arrays and objects, When formatted, Then they print as AWS (Java) prints them', () => {
    expect(
      run("States.Format('{} {} {} {} {}', 1.5, true, null, $.list, $.obj)", {
        list: ['a', 2],
        obj: { k: 'v', n: [1] },
      }),
    ).toBe('1.5 true null [a, 2] {k=v, n=[1]}');
    expect(formatValue('plain')).toBe('plain');
  });

  it('fails with States.IntrinsicFailure when placeholders and values do not match', () => {
    const error = failure("States.Format('{} and {}', 'one')");
    expect(error.error).toBe('States.IntrinsicFailure');
    expect(error.cause).toContain(
      "The function 'States.Format('{} and {}', 'one')' had the following error:",
    );
    expect(error.cause).toContain("2 '{}' placeholder(s) but 1 value argument(s)");
  });

  it('fails with States.IntrinsicFailure when the template has an unescaped brace', () => {
    expect(failure("States.Format('a { b', 1)").error).toBe('States.IntrinsicFailure');
  });

  it('fails at compile time when the template literal is not a string', () => {
    expect(() => compileIntrinsic('States.Format(1, 2)')).toThrow(/must be a string template/);
  });
});

describe('JSON intrinsics', () => {
  it('Given a JSON string, When States.StringToJson runs, Then it returns the parsed value', () => {
    expect(run('States.StringToJson($.s)', { s: '{"number": 20}' })).toEqual({ number: 20 });
  });

  it('Given a value, When States.JsonToString runs, Then it returns compact JSON', () => {
    expect(run('States.JsonToString($.v)', { v: { a: [1, 'x'], b: null } })).toBe('{"a":[1,"x"],"b":null}');
  });

  it('Given two objects and false, When States.JsonMerge runs, Then the second wins on shared keys (shallow)', () => {
    const input = { a: { x: 1, nested: { p: 1 } }, b: { y: 2, nested: { q: 2 } } };
    expect(run('States.JsonMerge($.a, $.b, false)', input)).toEqual({ x: 1, y: 2, nested: { q: 2 } });
  });

  it('fails with States.IntrinsicFailure when States.JsonMerge is asked for a deep merge', () => {
    const error = failure('States.JsonMerge($.a, $.b, true)', { a: {}, b: {} });
    expect(error.error).toBe('States.IntrinsicFailure');
    expect(error.cause).toContain('must be false');
  });

  it('fails with States.IntrinsicFailure when States.JsonMerge gets a non-object', () => {
    expect(failure("States.JsonMerge($.a, 'x', false)", { a: {} }).error).toBe('States.IntrinsicFailure');
  });

  it('fails with States.IntrinsicFailure when States.StringToJson gets invalid JSON or a non-string', () => {
    expect(failure("States.StringToJson('{nope')").error).toBe('States.IntrinsicFailure');
    expect(failure('States.StringToJson(5)').error).toBe('States.IntrinsicFailure');
  });
});

describe('array intrinsics', () => {
  const input = { nine: [1, 2, 3, 4, 5, 6, 7, 8, 9] };

  it('Given zero or more arguments, When States.Array runs, Then it returns them as an array', () => {
    expect(run('States.Array()')).toEqual([]);
    expect(run('States.Array($.id)', { id: 123456 })).toEqual([123456]);
  });

  it('Given an array and a chunk size, When States.ArrayPartition runs, Then the last chunk holds the rest', () => {
    expect(run('States.ArrayPartition($.nine, 4)', input)).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
  });

  it('fails with States.IntrinsicFailure when the chunk size is not a positive integer', () => {
    expect(failure('States.ArrayPartition($.nine, 0)', input).error).toBe('States.IntrinsicFailure');
    expect(failure('States.ArrayPartition($.nine, 1.5)', input).error).toBe('States.IntrinsicFailure');
  });

  it('Given a value, When States.ArrayContains runs, Then it compares JSON values, objects included', () => {
    expect(run('States.ArrayContains($.nine, 5)', input)).toBe(true);
    expect(run('States.ArrayContains($.nine, 10)', input)).toBe(false);
    expect(
      run('States.ArrayContains($.objs, $.probe)', { objs: [{ a: 1, b: 2 }], probe: { b: 2, a: 1 } }),
    ).toBe(true);
  });

  it('Given start, end and step, When States.ArrayRange runs, Then end is included when reached', () => {
    expect(run('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
    expect(run('States.ArrayRange(0, 10, 3)')).toEqual([0, 3, 6, 9]);
    expect(run('States.ArrayRange(5, 1, -2)')).toEqual([5, 3, 1]);
  });

  it('fails with States.IntrinsicFailure when States.ArrayRange has step 0, a non-integer, or more than 1000 items', () => {
    expect(failure('States.ArrayRange(1, 9, 0)').error).toBe('States.IntrinsicFailure');
    expect(failure('States.ArrayRange(1.5, 9, 1)').error).toBe('States.IntrinsicFailure');
    expect(() => run('States.ArrayRange(1, 1000, 1)')).not.toThrow();
    expect(failure('States.ArrayRange(0, 1000, 1)').cause).toContain('at most 1000');
  });

  it('Given an index, When States.ArrayGetItem runs, Then it returns that element', () => {
    expect(run('States.ArrayGetItem($.nine, 5)', input)).toBe(6);
  });

  it('fails with States.IntrinsicFailure when the index is out of bounds or negative', () => {
    expect(failure('States.ArrayGetItem($.nine, 9)', input).error).toBe('States.IntrinsicFailure');
    expect(failure('States.ArrayGetItem($.nine, -1)', input).error).toBe('States.IntrinsicFailure');
  });

  it('Given an array, When States.ArrayLength runs, Then it returns the count', () => {
    expect(run('States.ArrayLength($.nine)', input)).toBe(9);
  });

  it('Given duplicates, When States.ArrayUnique runs, Then first occurrences are kept in order', () => {
    expect(run('States.ArrayUnique($.v)', { v: [1, 2, 3, 3, 3, 3, 3, 3, 4] })).toEqual([1, 2, 3, 4]);
    expect(run('States.ArrayUnique($.v)', { v: [{ a: 1 }, { a: 1 }, 'x'] })).toEqual([{ a: 1 }, 'x']);
  });

  it('fails with States.IntrinsicFailure when an array function gets a non-array', () => {
    for (const call of [
      'States.ArrayLength($.s)',
      'States.ArrayUnique($.s)',
      'States.ArrayContains($.s, 1)',
    ]) {
      expect(failure(call, { s: 'text' }).error).toBe('States.IntrinsicFailure');
    }
  });
});

describe('encoding and hashing intrinsics', () => {
  it('Given text, When Base64 encoded and decoded, Then it round-trips (AWS guide example)', () => {
    expect(run("States.Base64Encode('Data to encode')")).toBe('RGF0YSB0byBlbmNvZGU=');
    expect(run("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')")).toBe('Data to encode');
  });

  it('fails with States.IntrinsicFailure when Base64 input is longer than 10,000 characters or not Base64', () => {
    expect(failure('States.Base64Encode($.s)', { s: 'a'.repeat(10_001) }).error).toBe(
      'States.IntrinsicFailure',
    );
    expect(() => run('States.Base64Encode($.s)', { s: 'a'.repeat(10_000) })).not.toThrow();
    expect(failure("States.Base64Decode('not base64!')").error).toBe('States.IntrinsicFailure');
  });

  it('Given each supported algorithm, When States.Hash runs, Then it returns the lowercase hex digest', () => {
    expect(run("States.Hash('input data', 'SHA-1')")).toBe('aaff4a450a104cd177d28d18d74485e8cae074b7');
    expect(run("States.Hash('abc', 'MD5')")).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(run("States.Hash('abc', 'SHA-256')")).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(run("States.Hash('abc', 'SHA-384')")).toHaveLength(96);
    expect(run("States.Hash('abc', 'SHA-512')")).toHaveLength(128);
  });

  it('fails with States.IntrinsicFailure for an unknown algorithm', () => {
    const error = failure("States.Hash('abc', 'SHA-3')");
    expect(error.error).toBe('States.IntrinsicFailure');
    expect(error.cause).toContain('MD5, SHA-1, SHA-256, SHA-384, SHA-512');
  });
});

describe('math, string and id intrinsics', () => {
  it('Given two numbers, When States.MathAdd runs, Then it returns their sum', () => {
    expect(run('States.MathAdd($.value1, $.step)', { value1: 111, step: -1 })).toBe(110);
  });

  it('Given decimals, When States.MathAdd runs, Then each is rounded to the nearest integer first', () => {
    expect(run('States.MathAdd(1.5, 2.4)')).toBe(4);
  });

  it('fails with States.IntrinsicFailure when States.MathAdd gets a non-number or a value outside 32-bit range', () => {
    expect(failure("States.MathAdd('1', 2)").error).toBe('States.IntrinsicFailure');
    expect(failure('States.MathAdd(2147483648, 0)').error).toBe('States.IntrinsicFailure');
  });

  it('Given a range, When States.MathRandom runs, Then the value is an integer in [start, end)', () => {
    for (let i = 0; i < 50; i++) {
      const value = run('States.MathRandom(1, 4)') as number;
      expect(Number.isInteger(value) && value >= 1 && value < 4).toBe(true);
    }
  });

  it('Given a seed, When States.MathRandom runs twice, Then it returns the same value (java.util.Random)', () => {
    expect(run('States.MathRandom(0, 100, 42)')).toBe(30);
    expect(run('States.MathRandom(0, 100, 42)')).toBe(30);
    expect(javaRandomNextInt(42, 10)).toBe(0);
    expect(javaRandomNextInt(42, 16)).toBe(11);
  });

  it('fails with States.IntrinsicFailure when end is not greater than start', () => {
    expect(failure('States.MathRandom(5, 5)').error).toBe('States.IntrinsicFailure');
  });

  it('Given delimiter characters, When States.StringSplit runs, Then any of them splits and empty parts are dropped', () => {
    expect(run("States.StringSplit('1,2,3,4,5', ',')")).toEqual(['1', '2', '3', '4', '5']);
    expect(run('States.StringSplit($.s, $.d)', { s: 'This.is+a,test=string', d: '.+,=' })).toEqual([
      'This',
      'is',
      'a',
      'test',
      'string',
    ]);
    expect(run("States.StringSplit('a,,b', ',')")).toEqual(['a', 'b']);
  });

  it('When States.UUID runs, Then it returns a fresh version 4 UUID', () => {
    const a = run('States.UUID()') as string;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(run('States.UUID()')).not.toBe(a);
  });
});
