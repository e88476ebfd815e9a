import { InvalidJsonPathDefinitionError, RuntimeError } from '../../../src/engine/errors';
import {
  COMPARISON_OPERATORS,
  compileChoiceRule,
  compileStringMatches,
  evaluateChoiceRule,
  parseTimestamp,
  validateChoiceRule,
} from '../../../src/engine/jsonpath/choice';

const input = {
  name: 'beta',
  other: 'gamma',
  count: 10,
  limit: 20,
  flag: true,
  when: '2024-03-01T12:00:00Z',
  later: '2024-03-01T13:30:00+01:00',
  nothing: null,
  file: 'log-2024.txt',
  star: 'a*b',
};

const rule = (test: Record<string, unknown>) => ({ ...test, Next: 'Target' });
const is = (test: Record<string, unknown>, data: unknown = input, variables?: Record<string, unknown>) =>
  evaluateChoiceRule(rule(test), data, { Execution: { Name: 'run-1' } }, variables);

describe('string comparisons', () => {
  it.each([
    ['StringEquals', 'beta', true],
    ['StringEquals', 'Beta', false],
    ['StringLessThan', 'gamma', true],
    ['StringLessThan', 'beta', false],
    ['StringGreaterThan', 'alpha', true],
    ['StringLessThanEquals', 'beta', true],
    ['StringGreaterThanEquals', 'beta', true],
    ['StringGreaterThanEquals', 'c', false],
  ])('Given $.name = "beta", When %s %j, Then %s', (operator, value, expected) => {
    expect(is({ Variable: '$.name', [operator]: value })).toBe(expected);
  });

  it('Given a number in the variable, When StringEquals is tested, Then it is false (no type coercion)', () => {
    expect(is({ Variable: '$.count', StringEquals: '10' })).toBe(false);
  });

  it('Given the Path variant, When compared, Then the right operand is read from the input', () => {
    expect(is({ Variable: '$.name', StringLessThanPath: '$.other' })).toBe(true);
    expect(is({ Variable: '$.name', StringEqualsPath: '$.other' })).toBe(false);
  });
});

describe('StringMatches', () => {
  it('Given a * wildcard, When matched, Then it matches any run of characters', () => {
    expect(is({ Variable: '$.file', StringMatches: 'log-*.txt' })).toBe(true);
    expect(is({ Variable: '$.file', StringMatches: '*.csv' })).toBe(false);
    expect(is({ Variable: '$.file', StringMatches: '*' })).toBe(true);
  });

  it('Given an escaped \\*, When matched, Then it matches a literal asterisk only', () => {
    expect(is({ Variable: '$.star', StringMatches: 'a\\*b' })).toBe(true);
    expect(compileStringMatches('a\\*b')('axxb')).toBe(false);
  });

  it('Given regex metacharacters in the pattern, When matched, Then they are literal', () => {
    expect(compileStringMatches('a.c')('abc')).toBe(false);
    expect(compileStringMatches('a.c')('a.c')).toBe(true);
    expect(compileStringMatches('(x)+')('(x)+')).toBe(true);
  });
});

describe('numeric comparisons', () => {
  it.each([
    ['NumericEquals', 10, true],
    ['NumericEquals', 10.0001, false],
    ['NumericLessThan', 11, true],
    ['NumericGreaterThan', 9.5, true],
    ['NumericLessThanEquals', 10, true],
    ['NumericGreaterThanEquals', 11, false],
  ])('Given $.count = 10, When %s %j, Then %s', (operator, value, expected) => {
    expect(is({ Variable: '$.count', [operator]: value })).toBe(expected);
  });

  it('Given NumericGreaterThanPath, When compared, Then the right operand comes from the input', () => {
    expect(is({ Variable: '$.limit', NumericGreaterThanPath: '$.count' })).toBe(true);
    expect(is({ Variable: '$.count', NumericGreaterThanPath: '$.limit' })).toBe(false);
  });

  it('Given a string in the variable, When NumericEquals is tested, Then it is false', () => {
    expect(is({ Variable: '$.name', NumericEquals: 10 })).toBe(false);
  });

  it('Given a Path operand of the wrong type, When compared, Then it is false', () => {
    expect(is({ Variable: '$.count', NumericLessThanPath: '$.name' })).toBe(false);
  });
});

describe('boolean and timestamp comparisons', () => {
  it('Given BooleanEquals and BooleanEqualsPath, When compared, Then only the same boolean matches', () => {
    expect(is({ Variable: '$.flag', BooleanEquals: true })).toBe(true);
    expect(is({ Variable: '$.flag', BooleanEquals: false })).toBe(false);
    expect(is({ Variable: '$.flag', BooleanEqualsPath: '$.flag' })).toBe(true);
    expect(is({ Variable: '$.name', BooleanEqualsPath: '$.flag' })).toBe(false);
  });

  it('Given timestamps in different offsets, When compared, Then the instants are compared', () => {
    expect(is({ Variable: '$.when', TimestampLessThanPath: '$.later' })).toBe(true);
    expect(is({ Variable: '$.when', TimestampEquals: '2024-03-01T13:00:00+01:00' })).toBe(true);
    expect(is({ Variable: '$.when', TimestampGreaterThan: '2024-03-01T11:59:59.999Z' })).toBe(true);
    expect(is({ Variable: '$.when', TimestampLessThanEquals: '2024-03-01T12:00:00Z' })).toBe(true);
    expect(is({ Variable: '$.when', TimestampGreaterThanEquals: '2024-03-02T00:00:00Z' })).toBe(false);
  });

  it('Given fractional seconds beyond milliseconds, When compared, Then they still order correctly', () => {
    expect(
      is(
        { Variable: '$.t', TimestampLessThan: '2024-01-01T00:00:00.0000002Z' },
        { t: '2024-01-01T00:00:00.0000001Z' },
      ),
    ).toBe(true);
  });

  it('Given a variable that is not a timestamp, When compared as one, Then it is false', () => {
    expect(is({ Variable: '$.name', TimestampEquals: '2024-03-01T12:00:00Z' })).toBe(false);
  });

  it('Given strings, When parsed as timestamps, Then only RFC 3339 date-times with an offset are accepted', () => {
    expect(parseTimestamp('2016-08-18T17:33:00Z')).toEqual([1471541580, 0]);
    expect(parseTimestamp('2016-08-18T17:33:00.5Z')).toEqual([1471541580, 500_000_000]);
    expect(parseTimestamp('2016-08-18 17:33:00Z')).toBeUndefined();
    expect(parseTimestamp('2016-08-18T17:33:00')).toBeUndefined();
    expect(parseTimestamp('2016-02-30T00:00:00Z')).toBeUndefined();
    expect(parseTimestamp(5)).toBeUndefined();
  });
});

describe('type tests', () => {
  it('Given IsPresent, When the path exists or not, Then it reports presence without failing', () => {
    expect(is({ Variable: '$.nothing', IsPresent: true })).toBe(true);
    expect(is({ Variable: '$.missing', IsPresent: true })).toBe(false);
    expect(is({ Variable: '$.missing', IsPresent: false })).toBe(true);
  });

  it('Given IsNull, IsNumeric, IsString, IsBoolean, IsTimestamp, When tested, Then each checks the JSON type', () => {
    expect(is({ Variable: '$.nothing', IsNull: true })).toBe(true);
    expect(is({ Variable: '$.count', IsNull: false })).toBe(true);
    expect(is({ Variable: '$.count', IsNumeric: true })).toBe(true);
    expect(is({ Variable: '$.name', IsNumeric: true })).toBe(false);
    expect(is({ Variable: '$.name', IsString: true })).toBe(true);
    expect(is({ Variable: '$.flag', IsBoolean: true })).toBe(true);
    expect(is({ Variable: '$.when', IsTimestamp: true })).toBe(true);
    expect(is({ Variable: '$.name', IsTimestamp: false })).toBe(true);
  });
});

describe('And, Or, Not', () => {
  it('Given And, When every rule holds, Then it is true, else false', () => {
    const both = [
      { Variable: '$.count', NumericGreaterThan: 5 },
      { Variable: '$.name', StringEquals: 'beta' },
    ];
    expect(is({ And: both })).toBe(true);
    expect(is({ And: [...both, { Variable: '$.flag', BooleanEquals: false }] })).toBe(false);
  });

  it('Given Or, When any rule holds, Then it is true', () => {
    expect(
      is({
        Or: [
          { Variable: '$.count', NumericGreaterThan: 50 },
          { Variable: '$.name', StringEquals: 'beta' },
        ],
      }),
    ).toBe(true);
  });

  it('Given Not, When the inner rule holds, Then it is false', () => {
    expect(is({ Not: { Variable: '$.name', StringEquals: 'beta' } })).toBe(false);
    expect(is({ Not: { Variable: '$.name', StringEquals: 'zeta' } })).toBe(true);
  });

  it('Given nested combinators, When evaluated, Then they compose', () => {
    expect(
      is({
        And: [
          { Not: { Variable: '$.missing', IsPresent: true } },
          { Or: [{ Variable: '$.flag', BooleanEquals: true }] },
        ],
      }),
    ).toBe(true);
  });
});

describe('Variable roots', () => {
  it('Given a $variable as Variable, When evaluated, Then the state machine variable is compared', () => {
    expect(is({ Variable: '$tier', StringEquals: 'gold' }, {}, { tier: 'gold' })).toBe(true);
  });

  it('Given a $$ context path as Variable, When evaluated, Then the context object is compared', () => {
    expect(is({ Variable: '$$.Execution.Name', StringEquals: 'run-1' }, {})).toBe(true);
  });

  it('fails with States.Runtime when Variable matches nothing (other than for IsPresent)', () => {
    expect(() => is({ Variable: '$.missing', StringEquals: 'x' })).toThrow(RuntimeError);
    expect(() => is({ Variable: '$.missing', IsNull: true })).toThrow(
      "Invalid path '$.missing': The choice state's condition path references an invalid value.",
    );
  });

  it('fails with States.Runtime when a Path operand matches nothing', () => {
    expect(() => is({ Variable: '$.count', NumericEqualsPath: '$.missing' })).toThrow(RuntimeError);
  });
});

describe('definition-time validation', () => {
  it('Given a valid rule, When validated, Then there are no problems', () => {
    expect(validateChoiceRule(rule({ Variable: '$.a', StringEquals: 'x' }))).toEqual([]);
  });

  it('fails when a rule has no operator or two operators', () => {
    expect(validateChoiceRule(rule({ Variable: '$.a' }))[0]).toMatch(/exactly one comparison operator/);
    expect(validateChoiceRule(rule({ Variable: '$.a', StringEquals: 'x', IsPresent: true }))[0]).toMatch(
      /only one comparison operator/,
    );
  });

  it('fails when the operand has the wrong type for the operator', () => {
    expect(validateChoiceRule(rule({ Variable: '$.a', NumericEquals: '5' }))[0]).toContain(
      `'NumericEquals' needs a number, got "5"`,
    );
    expect(validateChoiceRule(rule({ Variable: '$.a', TimestampEquals: 'yesterday' }))[0]).toMatch(
      /RFC 3339/,
    );
    expect(validateChoiceRule(rule({ Variable: '$.a', IsNull: 'yes' }))[0]).toMatch(/true or false/);
    expect(validateChoiceRule(rule({ Variable: '$.a', StringEqualsPath: 5 }))[0]).toMatch(/JSONPath string/);
  });

  it('fails when Variable is not a reference path', () => {
    expect(validateChoiceRule(rule({ Variable: '$.a[*]', IsPresent: true }))[0]).toMatch(/reference path/);
  });

  it('fails when a top-level rule has no Next or a nested rule has one', () => {
    expect(validateChoiceRule({ Variable: '$.a', IsPresent: true })[0]).toMatch(/needs 'Next'/);
    expect(validateChoiceRule(rule({ Not: { Variable: '$.a', IsPresent: true, Next: 'X' } }))[0]).toMatch(
      /only top-level Choice rules may have 'Next'/,
    );
  });

  it('fails when And/Or is empty or mixed with a data test', () => {
    expect(validateChoiceRule(rule({ And: [] }))[0]).toMatch(/non-empty array/);
    expect(
      validateChoiceRule(rule({ Or: [{ Variable: '$.a', IsPresent: true }], Variable: '$.a' }))[0],
    ).toMatch(/either one of And\/Or\/Not/);
  });

  it('fails when a JSONata Condition or an unknown field is used', () => {
    expect(validateChoiceRule(rule({ Condition: '{% true %}' }))[0]).toMatch(/JSONata field/);
    expect(validateChoiceRule(rule({ Variable: '$.a', StringEqual: 'x' }))[0]).toMatch(
      /unknown field 'StringEqual'/,
    );
  });

  it('Given a location, When a rule is invalid, Then the message names it', () => {
    expect(() => compileChoiceRule({ Variable: '$.a', Next: 'X' }, '/States/Check/Choices[2]')).toThrow(
      InvalidJsonPathDefinitionError,
    );
    expect(validateChoiceRule({ Variable: '$.a', Next: 'X' }, '/States/Check/Choices[2]')[0]).toMatch(
      /^\/States\/Check\/Choices\[2\]: /,
    );
  });

  it('Given the operator list, When counted, Then it holds all 39 AWS operators', () => {
    expect(COMPARISON_OPERATORS).toHaveLength(39);
    expect(COMPARISON_OPERATORS).toEqual(
      expect.arrayContaining([
        'BooleanEqualsPath',
        'TimestampGreaterThanEqualsPath',
        'StringMatches',
        'IsTimestamp',
      ]),
    );
    expect(COMPARISON_OPERATORS).not.toContain('BooleanLessThan');
  });
});
