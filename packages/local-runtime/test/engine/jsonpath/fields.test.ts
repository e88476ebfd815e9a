import {
  DOWNGRADE_MESSAGE,
  JSONATA_ONLY_FIELDS,
  JSONPATH_ONLY_FIELDS,
  queryLanguageProblems,
  stateQueryLanguage,
} from '../../../src/engine/jsonpath/fields';

const machine = (states: Record<string, unknown>, queryLanguage?: string) => ({
  ...(queryLanguage ? { QueryLanguage: queryLanguage } : {}),
  StartAt: Object.keys(states)[0],
  States: states,
});

describe('query language of a state', () => {
  it('Given no QueryLanguage anywhere, When resolved, Then the state uses JSONPath', () => {
    expect(stateQueryLanguage({ Type: 'Pass' }, 'JSONPath')).toBe('JSONPath');
  });

  it("Given a state's own QueryLanguage, When resolved, Then it overrides the machine's", () => {
    expect(stateQueryLanguage({ Type: 'Pass', QueryLanguage: 'JSONata' }, 'JSONPath')).toBe('JSONata');
  });
});

describe('queryLanguageProblems', () => {
  it('Given a JSONPath state inside an all-JSONata machine, When checked, Then AWS downgrade message is reported at the state', () => {
    const problems = queryLanguageProblems(
      machine({ A: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } }, 'JSONata'),
    );
    expect(problems).toEqual([{ location: '/States/A', message: DOWNGRADE_MESSAGE }]);
    expect(DOWNGRADE_MESSAGE).toBe(
      "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
    );
  });

  it('Given a JSONata state inside a JSONPath machine, When checked, Then the mix is allowed', () => {
    const definition = machine({
      A: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% 1 %}', Next: 'B' },
      B: { Type: 'Pass', InputPath: '$.x', End: true },
    });
    expect(queryLanguageProblems(definition)).toEqual([]);
  });

  it('Given JSONata fields in a JSONPath state, When checked, Then each is reported with the fix', () => {
    const problems = queryLanguageProblems(
      machine({
        T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: {}, Output: {}, End: true },
      }),
    );
    expect(problems.map((p) => p.message)).toEqual([
      `the field 'Arguments' is only supported in JSONata states, but state 'T' uses JSONPath; remove it or set "QueryLanguage": "JSONata" on the state`,
      `the field 'Output' is only supported in JSONata states, but state 'T' uses JSONPath; remove it or set "QueryLanguage": "JSONata" on the state`,
    ]);
  });

  it('Given JSONPath fields in a JSONata state, When checked, Then each is reported', () => {
    const problems = queryLanguageProblems(
      machine(
        {
          W: { Type: 'Wait', SecondsPath: '$.s', Next: 'P' },
          P: { Type: 'Pass', Parameters: {}, ResultPath: '$.r', Result: 1, End: true },
        },
        'JSONata',
      ),
    );
    expect(problems.map((p) => `${p.location} ${p.message.split(' is ')[0]}`)).toEqual([
      "/States/W the field 'SecondsPath'",
      "/States/P the field 'Parameters'",
      "/States/P the field 'ResultPath'",
      "/States/P the field 'Result'",
    ]);
  });

  it('Given Choice rules in the wrong language, When checked, Then the rule is located', () => {
    const jsonPathChoice = machine({
      C: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'C' }], Default: 'C' },
    });
    expect(queryLanguageProblems(jsonPathChoice)[0]?.location).toBe('/States/C/Choices/0');
    const jsonataChoice = machine(
      { C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'C' }], Default: 'C' } },
      'JSONata',
    );
    expect(queryLanguageProblems(jsonataChoice).map((p) => p.message)).toEqual([
      "a JSONata Choice rule needs 'Condition' (a boolean or a {% %} expression)",
      "'Variable' and comparison operators are JSONPath; JSONata Choice rules use 'Condition'",
    ]);
  });

  it('Given catchers in the wrong language, When checked, Then they are reported', () => {
    const definition = machine({
      T: {
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource: 'arn:aws:states:::lambda:invoke',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'T' }],
        Next: 'U',
      },
      U: {
        Type: 'Task',
        Resource: 'x',
        Catch: [{ ErrorEquals: ['States.ALL'], Output: {}, Next: 'T' }],
        End: true,
      },
    });
    expect(queryLanguageProblems(definition).map((p) => p.location)).toEqual([
      '/States/T/Catch/0',
      '/States/U/Catch/0',
    ]);
  });

  it("Given states inside a Map or Parallel, When checked, Then they default to the machine's language, not the parent's", () => {
    const definition = machine({
      M: {
        Type: 'Map',
        QueryLanguage: 'JSONata',
        ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Pass', Output: 1, End: true } } },
        Next: 'P',
      },
      P: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Output: {}, End: true } } }],
        End: true,
      },
    });
    expect(queryLanguageProblems(definition).map((p) => p.location)).toEqual([
      '/States/M/ItemProcessor/States/Inner',
      '/States/P/Branches/0/States/B',
    ]);
  });

  it('fails when QueryLanguage has an unknown value', () => {
    expect(queryLanguageProblems({ QueryLanguage: 'XPath', States: {} })[0]?.message).toMatch(
      /must be 'JSONPath' or 'JSONata'/,
    );
    expect(
      queryLanguageProblems(machine({ A: { Type: 'Pass', QueryLanguage: 'jsonata', End: true } })),
    ).toHaveLength(1);
  });

  it('Given the field tables, When read, Then no field is both JSONPath-only and JSONata-only for a state type', () => {
    for (const type of Object.keys(JSONPATH_ONLY_FIELDS) as Array<keyof typeof JSONPATH_ONLY_FIELDS>) {
      const both = JSONPATH_ONLY_FIELDS[type].filter((f) => JSONATA_ONLY_FIELDS[type].includes(f));
      expect(both).toEqual([]);
    }
  });
});
