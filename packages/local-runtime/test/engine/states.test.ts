import { details, jsonata, run, types } from './helpers';

describe('Pass', () => {
  it('given no Output, when it runs, then the output is the input', async () => {
    const { result } = await run(jsonata({ P: { Type: 'Pass', End: true } }), { a: 1 });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{"a":1}' });
  });

  it('given an Output template, when it runs, then nested expressions are evaluated and literals kept', async () => {
    const { result } = await run(
      jsonata({
        P: {
          Type: 'Pass',
          Output: {
            sum: '{% $sum($states.input.n) %}',
            literal: '$states.input',
            list: ['{% $states.input.n[0] %}', 'x'],
          },
          End: true,
        },
      }),
      { n: [1, 2, 3] },
    );
    expect(JSON.parse(result.output as string)).toEqual({ sum: 6, literal: '$states.input', list: [1, 'x'] });
  });

  it('given a non-object Output, when it runs, then the output is that value', async () => {
    const { result } = await run(jsonata({ P: { Type: 'Pass', Output: null, End: true } }));
    expect(result.output).toBe('null');
  });
});

describe('Assign', () => {
  it('given x on entry, when Assign sets x and reads $x, then every value sees the entry value', async () => {
    const { result, execution } = await run(
      jsonata({
        Init: { Type: 'Pass', Assign: { x: 5 }, Next: 'Swap' },
        Swap: { Type: 'Pass', Assign: { x: 42, old: '{% $x %}' }, Output: '{% $x %}', Next: 'Read' },
        Read: { Type: 'Pass', Output: { x: '{% $x %}', old: '{% $old %}' }, End: true },
      }),
    );
    const swapExited = execution.events.find(
      (e) => e.type === 'PassStateExited' && details(e).name === 'Swap',
    );
    expect(details(swapExited as object)).toMatchObject({
      output: '5',
      assignedVariables: { x: '42', old: '5' },
    });
    expect(JSON.parse(result.output as string)).toEqual({ x: 42, old: 5 });
  });
});

describe('Choice', () => {
  const definition = jsonata({
    C: {
      Type: 'Choice',
      Choices: [
        { Condition: '{% $states.input.n > 10 %}', Output: 'big', Assign: { size: 'big' }, Next: 'Done' },
        { Condition: false, Next: 'Done' },
      ],
      Default: 'Done',
      Output: 'small',
      Assign: { size: 'small', fallback: true },
    },
    Done: { Type: 'Pass', Output: { out: '{% $states.input %}', size: '{% $size %}' }, End: true },
  });

  it('given a matching rule, when it runs, then only that rule applies its Output and Assign', async () => {
    const { result, execution } = await run(definition, { n: 11 });
    expect(JSON.parse(result.output as string)).toEqual({ out: 'big', size: 'big' });
    const exited = execution.events.find((e) => e.type === 'ChoiceStateExited');
    expect(details(exited as object).assignedVariables).toEqual({ size: '"big"' });
  });

  it('given no matching rule, when it runs, then the state-level Output and Assign apply before Default', async () => {
    const { result, execution } = await run(definition, { n: 1 });
    expect(JSON.parse(result.output as string)).toEqual({ out: 'small', size: 'small' });
    const exited = execution.events.find((e) => e.type === 'ChoiceStateExited');
    expect(details(exited as object).assignedVariables).toEqual({ size: '"small"', fallback: 'true' });
  });

  it('fails with States.NoChoiceMatched when no rule matches and there is no Default', async () => {
    const { result } = await run(
      jsonata({ C: { Type: 'Choice', Choices: [{ Condition: false, Next: 'D' }] }, D: { Type: 'Succeed' } }),
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.NoChoiceMatched' });
  });

  it('fails with States.QueryEvaluationError when a Condition is not a boolean', async () => {
    const { result } = await run(
      jsonata({
        C: { Type: 'Choice', Choices: [{ Condition: '{% 1 %}', Next: 'D' }] },
        D: { Type: 'Succeed' },
      }),
    );
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(result.cause).toContain(
      "returned an unexpected result type. Expected 'boolean', but was 'number' for value: 1",
    );
  });
});

describe('Wait, Succeed and Fail', () => {
  it('given Seconds from an expression, when it runs, then it waits (scaled) and passes the input on', async () => {
    const { result, execution } = await run(
      jsonata({ W: { Type: 'Wait', Seconds: '{% $states.input.s %}', Next: 'S' }, S: { Type: 'Succeed' } }),
      { s: 2 },
    );
    expect(result.output).toBe('{"s":2}');
    expect(types(execution)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('given a Fail with only an expression Cause, when it runs, then ExecutionFailed carries only cause and there is no exit event', async () => {
    const { result, execution } = await run(
      jsonata({ F: { Type: 'Fail', Cause: "{% 'bad ' & $states.input.id %}" } }),
      {
        id: 'x',
      },
    );
    expect(result).toMatchObject({ status: 'FAILED', cause: 'bad x' });
    expect(result).not.toHaveProperty('error');
    expect(types(execution)).toEqual(['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed']);
    expect(details(execution.events[2] as object)).toEqual({ cause: 'bad x' });
  });
});

describe('Parallel', () => {
  it('given two branches, when it runs, then the result is the array of branch outputs in branch order', async () => {
    const { result } = await run(
      jsonata({
        P: {
          Type: 'Parallel',
          Arguments: { v: '{% $states.input.v %}' },
          Branches: [
            {
              StartAt: 'A',
              States: { A: { Type: 'Wait', Seconds: 1, Output: '{% $states.input.v + 1 %}', End: true } },
            },
            { StartAt: 'B', States: { B: { Type: 'Pass', Output: '{% $states.input.v * 2 %}', End: true } } },
          ],
          End: true,
        },
      }),
      { v: 10 },
    );
    expect(JSON.parse(result.output as string)).toEqual([11, 20]);
  });

  it('given branches that assign the same name, when they run, then each has its own value and can read outer variables', async () => {
    const branch = (n: number) => ({
      StartAt: `Set${n}`,
      States: {
        [`Set${n}`]: { Type: 'Pass', Assign: { mine: n }, Next: `Get${n}` },
        [`Get${n}`]: { Type: 'Pass', Output: { mine: '{% $mine %}', outer: '{% $outer %}' }, End: true },
      },
    });
    const { result } = await run(
      jsonata({
        Init: { Type: 'Pass', Assign: { outer: 'o' }, Next: 'P' },
        P: { Type: 'Parallel', Branches: [branch(1), branch(2)], End: true },
      }),
    );
    expect(JSON.parse(result.output as string)).toEqual([
      { mine: 1, outer: 'o' },
      { mine: 2, outer: 'o' },
    ]);
  });

  it('given a failing branch, when it runs, then the Parallel fails with the branch error and can catch it', async () => {
    const { result, execution } = await run(
      jsonata({
        P: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Branch.Broken', Cause: 'why' } } }],
          Catch: [{ ErrorEquals: ['Branch.Broken'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      }),
    );
    expect(JSON.parse(result.output as string)).toEqual({ Error: 'Branch.Broken', Cause: 'why' });
    expect(types(execution)).toContain('ParallelStateFailed');
  });
});

describe('Map', () => {
  it('given Items and an ItemSelector, when it runs, then each iteration sees its index and value', async () => {
    const { result, execution } = await run(
      jsonata({
        M: {
          Type: 'Map',
          Items: '{% $states.input.list %}',
          ItemSelector: {
            i: '{% $states.context.Map.Item.Index %}',
            v: '{% $states.context.Map.Item.Value %}',
          },
          MaxConcurrency: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Double',
            States: {
              Double: { Type: 'Pass', Output: '{% $states.input.v * 2 + $states.input.i %}', End: true },
            },
          },
          Output: { results: '{% $states.result %}' },
          End: true,
        },
      }),
      { list: [5, 6] },
    );
    expect(JSON.parse(result.output as string)).toEqual({ results: [10, 13] });
    expect(types(execution).filter((t) => t.startsWith('Map'))).toEqual([
      'MapStateEntered',
      'MapStateStarted',
      'MapIterationStarted',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'MapIterationSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
    ]);
  });

  it('given iterations that assign a variable, when they run, then the outer scope does not see it', async () => {
    const { result } = await run(
      jsonata({
        M: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'A', States: { A: { Type: 'Pass', Assign: { inner: 1 }, End: true } } },
          Next: 'After',
        },
        After: { Type: 'Pass', Output: '{% $exists($inner) %}', End: true },
      }),
      [1, 2],
    );
    expect(result.output).toBe('false');
  });
});
