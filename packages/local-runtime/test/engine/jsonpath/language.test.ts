import type {
  ChoiceState,
  FailState,
  JsonPathChoiceRule,
  MapState,
  TaskState,
  WaitState,
} from '../../../src/engine/asl';
import { InvalidDefinitionError, type StatesError, TerminalError } from '../../../src/engine/errors';
import { JsonPathLanguage } from '../../../src/engine/jsonpath/language';
import type { EvalScope, Evaluator } from '../../../src/engine/query-language';

const context = { Execution: { Id: 'exec-arn', Name: 'run-1' }, State: { Name: 'S' } };

function scope(input: unknown, extra: Partial<EvalScope> = {}): EvalScope {
  return { stateName: 'S', enteredEventId: 4, input, context, vars: Object.create(null), ...extra };
}

async function run<T>(evaluator: Evaluator<T> | undefined, s: EvalScope): Promise<T> {
  if (!evaluator) throw new Error('no evaluator');
  return evaluator(s);
}

async function failure(evaluator: Evaluator | undefined, s: EvalScope): Promise<StatesError> {
  try {
    await run(evaluator, s);
  } catch (error) {
    return error as StatesError;
  }
  throw new Error('did not fail');
}

describe('JsonPathLanguage: Task, Parallel and Map data flow', () => {
  const raw: TaskState = {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    InputPath: '$.order',
    Parameters: { 'FunctionName.$': '$.fn', 'Payload.$': '$', 'exec.$': '$$.Execution.Id' },
    ResultSelector: { 'body.$': '$.Payload' },
    ResultPath: '$.result',
    OutputPath: '$.result.body',
    Assign: { 'last.$': '$.body' },
    End: true,
  };

  it('Given InputPath and Parameters, When the effective input is built, Then Parameters read the InputPath result', async () => {
    const flow = new JsonPathLanguage().stateFlow(raw, '/States/S');
    expect(await run(flow.effectiveInput, scope({ order: { fn: 'f' } }))).toEqual({
      FunctionName: 'f',
      Payload: { fn: 'f' },
      exec: 'exec-arn',
    });
  });

  it('Given a result, When the output is built, Then ResultSelector, ResultPath (into the raw input) and OutputPath apply', async () => {
    const flow = new JsonPathLanguage().stateFlow(raw, '/States/S');
    const s = scope({ order: { fn: 'f' } }, { result: { Payload: 'done', StatusCode: 200 } });
    expect(await run(flow.output, s)).toBe('done');
    expect(await run(flow.assign, s)).toEqual({ last: 'done' });
  });

  it('Given a Task without JSONPath fields, When compiled, Then no evaluator is returned (engine defaults apply)', () => {
    const flow = new JsonPathLanguage().stateFlow({ Type: 'Task', Resource: 'x', End: true }, '/States/T');
    expect(flow).toEqual({ effectiveInput: undefined, output: undefined, assign: undefined });
  });

  it('fails with a terminal States.Runtime and AWS prefix when a Parameters path matches nothing', async () => {
    const flow = new JsonPathLanguage().stateFlow(raw, '/States/S');
    const error = await failure(flow.effectiveInput, scope({ order: {} }));
    expect(error).toBeInstanceOf(TerminalError);
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe(
      "An error occurred while executing the state 'S' (entered at the event id #4). The JSONPath '$.fn' specified for the field 'FunctionName.$' could not be found in the input '{}'",
    );
  });

  it('fails with a catchable States.ResultPathMatchFailure when ResultPath cannot be applied', async () => {
    const flow = new JsonPathLanguage().stateFlow(
      { Type: 'Task', Resource: 'x', ResultPath: '$.a.b', End: true },
      '/States/S',
    );
    const error = await failure(flow.output, scope({ a: 'text' }, { result: 1 }));
    expect(error).not.toBeInstanceOf(TerminalError);
    expect(error.error).toBe('States.ResultPathMatchFailure');
    expect(error.cause).toMatch(
      /^An error occurred while executing the state 'S' \(entered at the event id #4\)\. /,
    );
  });

  it('fails at definition load with the location when a field is malformed', () => {
    expect(() =>
      new JsonPathLanguage().stateFlow({ Type: 'Task', Resource: 'x', InputPath: '$.a[*]' }, '/States/Bad'),
    ).toThrow(InvalidDefinitionError);
    try {
      new JsonPathLanguage().stateFlow(
        { Type: 'Task', Resource: 'x', Parameters: { 'a.$': 'nope' } },
        '/States/Bad',
      );
    } catch (error) {
      expect((error as InvalidDefinitionError).location).toBe('/States/Bad');
      expect((error as InvalidDefinitionError).code).toBe('SCHEMA_VALIDATION_FAILED');
    }
  });
});

describe('JsonPathLanguage: Pass, Wait, Succeed', () => {
  it('Given Result and ResultPath, When the output is built, Then Result is placed into the input and Assign reads Result', async () => {
    const flow = new JsonPathLanguage().stateFlow(
      { Type: 'Pass', Result: { q: 'why?' }, ResultPath: '$.r', Assign: { 'question.$': '$.q', answer: 42 } },
      '/States/P',
    );
    const s = scope({ a: 1 });
    expect(await run(flow.output, s)).toEqual({ a: 1, r: { q: 'why?' } });
    expect(await run(flow.assign, s)).toEqual({ question: 'why?', answer: 42 });
  });

  it('Given Parameters on a Pass, When the output is built, Then the Parameters result is the output', async () => {
    const flow = new JsonPathLanguage().stateFlow(
      { Type: 'Pass', Parameters: { 'x.$': '$.a' } },
      '/States/P',
    );
    expect(await run(flow.output, scope({ a: 1 }))).toEqual({ x: 1 });
  });

  it('Given a Pass with no JSONPath fields, When compiled, Then there is no output evaluator (input passes through)', () => {
    expect(new JsonPathLanguage().stateFlow({ Type: 'Pass', End: true }, '/States/P').output).toBeUndefined();
  });

  it('Given a Wait with InputPath and OutputPath, When the output is built, Then both apply', async () => {
    const flow = new JsonPathLanguage().stateFlow(
      { Type: 'Wait', Seconds: 1, InputPath: '$.a', OutputPath: '$.b' },
      '/States/W',
    );
    expect(await run(flow.output, scope({ a: { b: 'B' } }))).toBe('B');
  });

  it('Given OutputPath reading a variable, When the output is built, Then the value on state entry is used', async () => {
    const vars = Object.assign(Object.create(null), { answer: 42 });
    const flow = new JsonPathLanguage().stateFlow({ Type: 'Succeed', OutputPath: '$answer' }, '/States/Done');
    expect(await run(flow.output, scope({}, { vars }))).toBe(42);
  });

  it('Given a variable of an outer scope, When read from an inner scope, Then it is found through the prototype chain', async () => {
    const outer = Object.assign(Object.create(null), { tenant: 't-1' });
    const inner = Object.create(outer);
    const flow = new JsonPathLanguage().stateFlow(
      { Type: 'Pass', Parameters: { 'who.$': '$tenant' } },
      '/States/P',
    );
    expect(await run(flow.output, scope({}, { vars: inner }))).toEqual({ who: 't-1' });
  });
});

describe('JsonPathLanguage: Choice', () => {
  const rule: JsonPathChoiceRule = {
    Variable: '$.n',
    NumericGreaterThan: 1,
    Next: 'Big',
    Assign: { 'seen.$': '$.n' },
  };
  const raw: ChoiceState = {
    Type: 'Choice',
    InputPath: '$.data',
    OutputPath: '$.keep',
    Choices: [rule],
    Default: 'Small',
  };
  const choice: ChoiceState = { Type: 'Choice', Choices: [], Default: 'X' };

  it("Given a Choice with InputPath, When a rule is evaluated, Then it sees the state's effective input", async () => {
    const language = new JsonPathLanguage();
    const condition = language.condition(rule, '/States/C/Choices/0', raw);
    const ruleFlow = language.catcherFlow(rule, '/States/C/Choices/0', raw);
    language.stateFlow(raw, '/States/C');
    const s = scope({ data: { n: 5, keep: 'K' } });
    expect(await run(condition, s)).toBe(true);
    expect(await run(ruleFlow.output, s)).toBe('K');
    expect(await run(ruleFlow.assign, s)).toEqual({ seen: 5 });
    expect(await run(condition, scope({ data: { n: 0 } }))).toBe(false);
  });

  it('fails at definition load when a rule is invalid', () => {
    expect(() =>
      new JsonPathLanguage().condition(
        { Variable: '$.n', NumericEquals: 'one', Next: 'X' },
        '/States/C/Choices/0',
        choice,
      ),
    ).toThrow(InvalidDefinitionError);
  });

  it('fails with a terminal States.Runtime when the rule variable is missing', async () => {
    const language = new JsonPathLanguage();
    const condition = language.condition(
      { Variable: '$.n', NumericEquals: 1, Next: 'X' },
      '/States/C/Choices/0',
      choice,
    );
    const error = await failure(condition as Evaluator, scope({}));
    expect(error).toBeInstanceOf(TerminalError);
  });
});

describe('JsonPathLanguage: catchers', () => {
  const task: TaskState = { Type: 'Task', Resource: 'x', End: true };

  it('Given a catcher with ResultPath, When the output is built, Then the error output is placed into the raw input', async () => {
    const flow = new JsonPathLanguage().catcherFlow(
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Assign: { 'why.$': '$.Cause' }, Next: 'X' },
      '/States/T/Catch/0',
      task,
    );
    const s = scope({ a: 1 }, { errorOutput: { Error: 'E', Cause: 'C' } });
    expect(await run(flow.output, s)).toEqual({ a: 1, error: { Error: 'E', Cause: 'C' } });
    expect(await run(flow.assign, s)).toEqual({ why: 'C' });
  });

  it('Given a catcher without ResultPath, When the output is built, Then the error output replaces the input', async () => {
    const flow = new JsonPathLanguage().catcherFlow(
      { ErrorEquals: ['E'], Next: 'X' },
      '/States/T/Catch/0',
      task,
    );
    expect(await run(flow.output, scope({ a: 1 }, { errorOutput: { Error: 'E', Cause: '' } }))).toEqual({
      Error: 'E',
      Cause: '',
    });
  });
});

describe('JsonPathLanguage: single values and templates', () => {
  it('Given SecondsPath, When read, Then the value comes from the effective input', async () => {
    const language = new JsonPathLanguage();
    const raw: WaitState = { Type: 'Wait', InputPath: '$.w', SecondsPath: '$.s', Next: 'X' };
    const seconds = language.value(raw, 'Seconds', '/States/W', 'nonNegativeInteger');
    language.stateFlow(raw, '/States/W');
    expect(await run(seconds, scope({ w: { s: 3 } }))).toBe(3);
  });

  it('fails with a terminal States.Runtime when a *Path value has the wrong type', async () => {
    const language = new JsonPathLanguage();
    const timeout = language.value(
      { Type: 'Task', Resource: 'x', TimeoutSecondsPath: '$.t' },
      'TimeoutSeconds',
      '/States/T',
      'positiveInteger',
    );
    const error = await failure(timeout, scope({ t: 'soon' }));
    expect(error).toBeInstanceOf(TerminalError);
    expect(error.cause).toContain(`must be a positive integer, got "soon"`);
  });

  it('Given literals, When read, Then they are checked at definition load', async () => {
    const language = new JsonPathLanguage();
    const task = (fields: Partial<TaskState>): TaskState => ({ Type: 'Task', Resource: 'x', ...fields });
    expect(
      await run(
        language.value(task({ TimeoutSeconds: 5 }), 'TimeoutSeconds', '/S', 'positiveInteger'),
        scope({}),
      ),
    ).toBe(5);
    expect(language.value(task({}), 'TimeoutSeconds', '/S', 'positiveInteger')).toBeUndefined();
    expect(() =>
      language.value(task({ TimeoutSeconds: 0 }), 'TimeoutSeconds', '/S', 'positiveInteger'),
    ).toThrow(InvalidDefinitionError);
  });

  it('Given ErrorPath and CausePath on a Fail, When read, Then a path or an intrinsic call is evaluated on the input', async () => {
    const language = new JsonPathLanguage();
    const raw: FailState = { Type: 'Fail', ErrorPath: '$.code', CausePath: "States.Format('bad {}', $.id)" };
    expect(await run(language.value(raw, 'Error', '/States/F', 'string'), scope({ code: 'E1', id: 7 }))).toBe(
      'E1',
    );
    expect(await run(language.value(raw, 'Cause', '/States/F', 'string'), scope({ code: 'E1', id: 7 }))).toBe(
      'bad 7',
    );
  });

  it('Given a Map with ItemsPath and ItemSelector, When read, Then items and each selected item come from the effective input and $$.Map', async () => {
    const language = new JsonPathLanguage();
    const raw: MapState = {
      Type: 'Map',
      InputPath: '$.in',
      ItemsPath: '$.list',
      ItemSelector: { 'v.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index', 'tag.$': '$.tag' },
    };
    const items = language.value(raw, 'Items', '/States/M', 'array');
    const selector = language.template(raw.ItemSelector, 'ItemSelector', '/States/M', raw);
    language.stateFlow(raw, '/States/M');
    const s = scope({ in: { list: ['a'], tag: 'T' } });
    expect(await run(items, s)).toEqual(['a']);
    const itemScope = { ...s, context: { ...context, Map: { Item: { Index: 0, Value: 'a' } } } };
    expect(await run(selector, itemScope)).toEqual({ v: 'a', i: 0, tag: 'T' });
  });

  it('Given a Map with InputPath and no ItemsPath, When items are read, Then they are the effective input', async () => {
    const language = new JsonPathLanguage();
    const raw: MapState = { Type: 'Map', InputPath: '$.list' };
    const items = language.value(raw, 'Items', '/States/M', 'array');
    language.stateFlow(raw, '/States/M');
    expect(await run(items, scope({ list: [1, 2] }))).toEqual([1, 2]);
  });
});

describe('JsonPathLanguage.checkFields', () => {
  it('fails when a JSONPath state, rule or catcher uses a JSONata field', () => {
    const language = new JsonPathLanguage();
    expect(() => language.checkFields({ Type: 'Task', Arguments: {} }, '/States/T', 'state')).toThrow(
      /The field 'Arguments' is not supported in a JSONPath state/,
    );
    expect(() =>
      language.checkFields({ Condition: '{% true %}' }, '/States/C/Choices/0', 'choiceRule'),
    ).toThrow(InvalidDefinitionError);
    expect(() => language.checkFields({ Output: {} }, '/States/T/Catch/0', 'catcher')).toThrow(
      InvalidDefinitionError,
    );
  });

  it('Given JSONPath fields only, When checked, Then nothing is thrown', () => {
    expect(() =>
      new JsonPathLanguage().checkFields({ Type: 'Pass', InputPath: '$', Result: 1 }, '/States/P', 'state'),
    ).not.toThrow();
  });
});
