import { InvalidJsonPathDefinitionError, inState, RuntimeError } from '../../../src/engine/errors';
import {
  compileAssign,
  compileJsonPathState,
  effectiveInput,
  evaluateChoiceRule,
  readPath,
  stateOutput,
} from '../../../src/engine/jsonpath';

const context = { Execution: { Id: 'exec-arn' }, State: { Name: 'S' } };

describe('compileJsonPathState: a whole state', () => {
  it('Given a Task with every data-flow field, When run, Then InputPath → Parameters and ResultSelector → ResultPath → OutputPath apply in order', () => {
    const state = compileJsonPathState({
      Type: 'Task',
      InputPath: '$.request',
      Parameters: { 'id.$': '$.id', 'execution.$': '$$.Execution.Id' },
      ResultSelector: { 'status.$': '$.Payload.status' },
      ResultPath: '$.outcome',
      OutputPath: '$.outcome',
    });
    const raw = { request: { id: 'r-1' }, keep: true };
    expect(effectiveInput(state, raw, context)).toEqual({ id: 'r-1', execution: 'exec-arn' });
    expect(stateOutput(state, raw, { Payload: { status: 'done' } }, context)).toEqual({ status: 'done' });
  });

  it('Given a Task without ResultPath, When run, Then the result replaces the input', () => {
    const state = compileJsonPathState({ Type: 'Task' });
    expect(stateOutput(state, { a: 1 }, { b: 2 })).toEqual({ b: 2 });
  });

  it('Given a Pass with Result and ResultPath, When run, Then Result is placed into the input', () => {
    const state = compileJsonPathState({ Type: 'Pass', Result: { x: 1 }, ResultPath: '$.fixed' });
    expect(stateOutput(state, { a: 1 }, state.result)).toEqual({ a: 1, fixed: { x: 1 } });
  });

  it('Given InputPath naming a variable and OutputPath reading it, When run, Then both see the value on state entry', () => {
    const state = compileJsonPathState({
      Type: 'Pass',
      InputPath: '$answer',
      ResultPath: '$.theAnswer',
      OutputPath: '$answer',
      Assign: { answer: 'new' },
    });
    const variables = { answer: 42 };
    const input = effectiveInput(state, {}, context, variables);
    expect(input).toBe(42);
    expect(state.assign?.({}, context, variables)).toEqual({ answer: 'new' });
    expect(stateOutput(state, {}, input, context, variables)).toBe(42);
  });

  it('Given Assign with .$ keys, When evaluated, Then values come from the given data, variables and intrinsics', () => {
    const assign = compileAssign({
      'question.$': '$.theQuestion',
      'old.$': '$counter',
      'label.$': "States.Format('#{}', $counter)",
      answer: 42,
    });
    expect(assign({ theQuestion: 'why?' }, context, { counter: 1 })).toEqual({
      question: 'why?',
      old: 1,
      label: '#1',
      answer: 42,
    });
  });

  it('fails when Assign names an invalid or reserved variable', () => {
    expect(() => compileAssign({ '1abc': 1 })).toThrow(/not a valid variable name/);
    expect(() => compileAssign({ states: 1 })).toThrow(/reserved/);
    expect(() => compileAssign({ [`a${'b'.repeat(80)}`]: 1 })).toThrow(InvalidJsonPathDefinitionError);
  });

  it('Given a Choice state, When compiled, Then rules keep their order, targets and Assign', () => {
    const state = compileJsonPathState({
      Type: 'Choice',
      Choices: [
        { Variable: '$.n', NumericGreaterThan: 10, Next: 'Big', Assign: { 'size.$': '$.n' } },
        { Variable: '$.n', NumericLessThanEquals: 10, Next: 'Small' },
      ],
      Default: 'Small',
    });
    const chosen = state.choices?.find((c) => evaluateChoiceRule(c.rule, { n: 11 }));
    expect(chosen?.next).toBe('Big');
    expect(chosen?.assign?.({ n: 11 }, context, {})).toEqual({ size: 11 });
    expect(state.choices?.find((c) => c.rule({ n: 3 }, context, {}))?.next).toBe('Small');
  });

  it('Given catchers, When compiled, Then each has its ResultPath (default $)', () => {
    const state = compileJsonPathState({
      Type: 'Task',
      Catch: [
        { ErrorEquals: ['A'], ResultPath: '$.error', Next: 'X' },
        { ErrorEquals: ['States.ALL'], Next: 'Y' },
      ],
    });
    expect(state.catchers?.map((c) => c.resultPath?.text)).toEqual(['$.error', '$']);
  });

  it('Given *Path fields, When read, Then their values come from the effective input', () => {
    const state = compileJsonPathState({ Type: 'Wait', SecondsPath: '$.wait.seconds' });
    expect(readPath(state.paths.SecondsPath as never, { wait: { seconds: 5 } })).toBe(5);
    expect(() => readPath(state.paths.SecondsPath as never, {})).toThrow(RuntimeError);
  });

  it('Given a Map with ItemsPath and ItemSelector, When compiled, Then the items and per-item template work', () => {
    const state = compileJsonPathState({
      Type: 'Map',
      ItemsPath: '$.orders',
      ItemSelector: {
        'order.$': '$$.Map.Item.Value',
        'index.$': '$$.Map.Item.Index',
        'customer.$': '$.customer',
      },
    });
    const input = { orders: ['a', 'b'], customer: 'c-1' };
    expect(effectiveInput({ ...state, parameters: undefined }, input)).toBe(input);
    const items = readPath(state.itemsPath as never, input) as string[];
    expect(
      items.map((value, index) =>
        state.itemSelector?.(input, { Map: { Item: { Value: value, Index: index } } }, {}),
      ),
    ).toEqual([
      { order: 'a', index: 0, customer: 'c-1' },
      { order: 'b', index: 1, customer: 'c-1' },
    ]);
  });

  it('fails with the state location when a field is invalid', () => {
    expect(() => compileJsonPathState({ Type: 'Pass', InputPath: '$.a[*]' }, '/States/P')).toThrow(
      /^the value of '\/States\/P\/InputPath' must be a reference path/,
    );
    expect(() => compileJsonPathState({ Type: 'Task', TimeoutSecondsPath: 30 }, '/States/T')).toThrow(
      /TimeoutSecondsPath' must be a JSONPath string/,
    );
  });
});

describe('inState', () => {
  it('Given a data-flow error, When attributed to a state, Then the cause carries AWS prefix and the name is kept', () => {
    const error = inState(new RuntimeError('boom'), 'Check Address', 7);
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe(
      "An error occurred while executing the state 'Check Address' (entered at the event id #7). boom",
    );
  });
});
