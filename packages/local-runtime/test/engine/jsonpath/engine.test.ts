import { InvalidDefinitionError, StatesError, type TaskCall } from '../../../src/engine';
import { ARNS, details, fakeIntegration, machine, registry, run, types } from '../helpers';

/**
 * JSONPath (the default query language) and mixed machines, run end to end through
 * `StateMachine.create` / `start`.
 */

const PUT = 'arn:aws:states:::dynamodb:putItem';
const LAMBDA_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:orders';

/** A definition without `QueryLanguage`: JSONPath. */
function jsonpath(states: Record<string, object>, startAt = Object.keys(states)[0]): object {
  return { StartAt: startAt, States: states };
}

async function output(definition: object, input: unknown = {}, integrations = registry()): Promise<unknown> {
  const { result } = await run(definition, input, integrations);
  if (result.status !== 'SUCCEEDED') throw new Error(`${result.status}: ${result.error} ${result.cause}`);
  return JSON.parse(result.output as string);
}

function rejection(definition: object, integrations = registry()): InvalidDefinitionError {
  try {
    machine(definition, integrations);
  } catch (error) {
    if (error instanceof InvalidDefinitionError) return error;
    throw error;
  }
  throw new Error('the definition was accepted');
}

function exited(execution: { events: readonly object[] }, name: string): Record<string, unknown> {
  const event = execution.events.find(
    (e) => (e as { type: string }).type.endsWith('StateExited') && details(e).name === name,
  );
  if (event === undefined) throw new Error(`state ${name} did not exit`);
  return details(event);
}

describe('JSONPath data flow', () => {
  it('Given a Task with every data-flow field, When it runs, Then InputPath → Parameters go to the task and ResultSelector → ResultPath → OutputPath shape the output', async () => {
    const integration = fakeIntegration(() => ({ Item: { total: 42 }, Metadata: { requestId: 'r-1' } }));
    const { result } = await run(
      jsonpath({
        T: {
          Type: 'Task',
          Resource: PUT,
          InputPath: '$.order',
          Parameters: { 'id.$': '$.id', table: 'orders', 'nested.$': '$.lines[0]' },
          ResultSelector: { 'total.$': '$.Item.total', source: 'db' },
          ResultPath: '$.stored',
          OutputPath: '$.stored',
          End: true,
        },
      }),
      { order: { id: 'o-1', lines: [{ sku: 'a' }] }, other: true },
      registry({ [PUT]: integration }),
    );
    expect(integration.calls[0]?.parameters).toEqual({ id: 'o-1', table: 'orders', nested: { sku: 'a' } });
    expect(JSON.parse(result.output as string)).toEqual({ total: 42, source: 'db' });
  });

  it('Given ResultPath into the raw input, When the Task runs, Then the result joins the input the state received, not the effective input', async () => {
    const integration = fakeIntegration(() => 'done');
    const out = await output(
      jsonpath({
        T: { Type: 'Task', Resource: PUT, InputPath: '$.a', ResultPath: '$.a.result', End: true },
      }),
      { a: { x: 1 }, b: 2 },
      registry({ [PUT]: integration }),
    );
    expect(integration.calls[0]?.parameters).toEqual({ x: 1 });
    expect(out).toEqual({ a: { x: 1, result: 'done' }, b: 2 });
  });

  it('Given ResultPath null and OutputPath null, When a Pass runs, Then the result is discarded and the output is {}', async () => {
    expect(
      await output(jsonpath({ P: { Type: 'Pass', Result: 1, ResultPath: null, End: true } }), { a: 1 }),
    ).toEqual({ a: 1 });
    expect(await output(jsonpath({ P: { Type: 'Pass', OutputPath: null, End: true } }), { a: 1 })).toEqual(
      {},
    );
  });

  it('Given a Pass with Result and ResultPath, When it runs, Then Result is placed into the input and its .$ keys stay literal', async () => {
    const out = await output(
      jsonpath({ P: { Type: 'Pass', Result: { 'v.$': '$.no', n: [1] }, ResultPath: '$.r.s', End: true } }),
      { keep: true },
    );
    expect(out).toEqual({ keep: true, r: { s: { 'v.$': '$.no', n: [1] } } });
  });

  it('Given a Pass with Parameters and no ResultPath, When it runs, Then the output is the Parameters result', async () => {
    const out = await output(
      jsonpath({
        P: {
          Type: 'Pass',
          Parameters: { 'all.$': '$.items[*].id', literal: '$.not-a-path', deep: [{ 'k.$': '$.items[1]' }] },
          End: true,
        },
      }),
      { items: [{ id: 1 }, { id: 2 }] },
    );
    expect(out).toEqual({ all: [1, 2], literal: '$.not-a-path', deep: [{ k: { id: 2 } }] });
  });

  it('Given Parameters reading the context object with $$, When it runs, Then it sees the execution and the state', async () => {
    const out = await output(
      jsonpath({
        Step: {
          Type: 'Pass',
          Parameters: {
            'id.$': '$$.Execution.Id',
            'input.$': '$$.Execution.Input',
            'state.$': '$$.State.Name',
            'machine.$': '$$.StateMachine.Name',
          },
          End: true,
        },
      }),
      { k: 1 },
    );
    expect(out).toEqual({
      id: 'arn:aws:states:eu-west-1:123456789012:execution:Orders:run-1',
      input: { k: 1 },
      state: 'Step',
      machine: 'Orders',
    });
  });
});

describe('JSONPath variables and Assign', () => {
  it('Given variables assigned by a Pass, When a later state reads $name paths, Then it sees the values, fields and elements', async () => {
    const out = await output(
      jsonpath({
        Init: {
          Type: 'Pass',
          Assign: { 'order.$': '$.order', count: 3, 'ids.$': '$.order.lines[*].id' },
          Next: 'Read',
        },
        Read: {
          Type: 'Pass',
          Parameters: { 'order.$': '$order', 'first.$': '$ids[0]', 'id.$': '$order.id', 'count.$': '$count' },
          End: true,
        },
      }),
      { order: { id: 'o-7', lines: [{ id: 'a' }, { id: 'b' }] } },
    );
    expect(out).toEqual({
      order: { id: 'o-7', lines: [{ id: 'a' }, { id: 'b' }] },
      first: 'a',
      id: 'o-7',
      count: 3,
    });
  });

  it('Given x on entry, When Assign sets x and reads $x in the same state, Then every value sees the entry value', async () => {
    const { result, execution } = await run(
      jsonpath({
        Init: { Type: 'Pass', Assign: { x: 5 }, Next: 'Swap' },
        Swap: { Type: 'Pass', Assign: { x: 42, 'old.$': '$x' }, Next: 'Read' },
        Read: { Type: 'Pass', Parameters: { 'x.$': '$x', 'old.$': '$old' }, End: true },
      }),
    );
    expect(exited(execution, 'Swap').assignedVariables).toEqual({ x: '42', old: '5' });
    expect(JSON.parse(result.output as string)).toEqual({ x: 42, old: 5 });
  });

  it('Given a Task with ResultSelector and Assign, When it runs, Then $ in Assign is the selected result', async () => {
    const integration = fakeIntegration(() => ({ Item: { v: 'raw' }, extra: 1 }));
    const out = await output(
      jsonpath({
        T: {
          Type: 'Task',
          Resource: PUT,
          ResultSelector: { 'v.$': '$.Item.v' },
          Assign: { 'selected.$': '$', 'v.$': '$.v' },
          ResultPath: null,
          Next: 'Read',
        },
        Read: { Type: 'Pass', Parameters: { 'selected.$': '$selected', 'v.$': '$v' }, End: true },
      }),
      {},
      registry({ [PUT]: integration }),
    );
    expect(out).toEqual({ selected: { v: 'raw' }, v: 'raw' });
  });

  it('Given a Pass with Result and Assign, When it runs, Then Assign reads the Result', async () => {
    const { execution } = await run(
      jsonpath({ P: { Type: 'Pass', Result: { r: 9 }, Assign: { 'r.$': '$.r' }, End: true } }),
      { r: 1 },
    );
    expect(exited(execution, 'P').assignedVariables).toEqual({ r: '9' });
  });

  it('Given a Choice rule with Assign, When it matches, Then Assign reads the state input and only that rule assigns', async () => {
    const out = await output(
      jsonpath({
        C: {
          Type: 'Choice',
          Choices: [
            { Variable: '$.n', NumericGreaterThan: 10, Assign: { size: 'big' }, Next: 'Done' },
            { Variable: '$.n', NumericGreaterThan: 0, Assign: { 'size.$': '$.label' }, Next: 'Done' },
          ],
          Default: 'Done',
          Assign: { size: 'none' },
        },
        Done: { Type: 'Pass', Parameters: { 'size.$': '$size' }, End: true },
      }),
      { n: 3, label: 'small' },
    );
    expect(out).toEqual({ size: 'small' });
  });

  it('Given a catcher with Assign and ResultPath, When it catches, Then Assign reads the error output and ResultPath places it into the input', async () => {
    const failing = registry({
      [PUT]: fakeIntegration(() => {
        throw new StatesError('Orders.Broken', 'it broke');
      }),
    });
    const out = await output(
      jsonpath({
        T: {
          Type: 'Task',
          Resource: PUT,
          Catch: [
            {
              ErrorEquals: ['States.ALL'],
              Assign: { 'why.$': '$.Cause' },
              ResultPath: '$.failure',
              Next: 'Read',
            },
          ],
          End: true,
        },
        Read: {
          Type: 'Pass',
          Parameters: { 'why.$': '$why', 'failure.$': '$.failure', 'id.$': '$.id' },
          End: true,
        },
      }),
      { id: 'o-1' },
      failing,
    );
    expect(out).toEqual({
      why: 'it broke',
      failure: { Error: 'Orders.Broken', Cause: 'it broke' },
      id: 'o-1',
    });
  });
});

describe('JSONPath Choice', () => {
  /** Runs a Choice with one rule: 'yes' when it matches, 'no' when Default is taken. */
  async function chooses(rule: object, input: unknown): Promise<string> {
    const out = await output(
      jsonpath({
        C: { Type: 'Choice', Choices: [{ ...rule, Next: 'Yes' }], Default: 'No' },
        Yes: { Type: 'Pass', Result: 'yes', End: true },
        No: { Type: 'Pass', Result: 'no', End: true },
      }),
      input,
    );
    return out as string;
  }

  const input = {
    name: 'ann',
    other: 'ann',
    n: 5,
    m: 7,
    flag: true,
    at: '2026-03-01T10:00:00Z',
    later: '2026-03-01T11:00:00.500+01:00',
    nothing: null,
    file: 'report-2026.csv',
  };

  it.each([
    [{ Variable: '$.name', StringEquals: 'ann' }, 'yes'],
    [{ Variable: '$.name', StringEquals: 'bob' }, 'no'],
    [{ Variable: '$.name', StringEqualsPath: '$.other' }, 'yes'],
    [{ Variable: '$.name', StringLessThan: 'bob' }, 'yes'],
    [{ Variable: '$.name', StringGreaterThanEquals: 'ann' }, 'yes'],
    [{ Variable: '$.file', StringMatches: 'report-*.csv' }, 'yes'],
    [{ Variable: '$.file', StringMatches: 'report-*.txt' }, 'no'],
    [{ Variable: '$.n', NumericEquals: 5 }, 'yes'],
    [{ Variable: '$.n', NumericGreaterThan: 5 }, 'no'],
    [{ Variable: '$.n', NumericGreaterThanEquals: 5 }, 'yes'],
    [{ Variable: '$.n', NumericLessThanPath: '$.m' }, 'yes'],
    [{ Variable: '$.m', NumericGreaterThanPath: '$.n' }, 'yes'],
    [{ Variable: '$.n', NumericLessThanEqualsPath: '$.m' }, 'yes'],
    [{ Variable: '$.name', NumericEquals: 5 }, 'no'],
    [{ Variable: '$.flag', BooleanEquals: true }, 'yes'],
    [{ Variable: '$.flag', BooleanEqualsPath: '$.flag' }, 'yes'],
    [{ Variable: '$.at', TimestampLessThan: '2026-03-01T10:00:01Z' }, 'yes'],
    [{ Variable: '$.at', TimestampLessThanPath: '$.later' }, 'yes'],
    [{ Variable: '$.at', TimestampEquals: '2026-03-01T11:00:00+01:00' }, 'yes'],
    [{ Variable: '$.nothing', IsNull: true }, 'yes'],
    [{ Variable: '$.missing', IsPresent: false }, 'yes'],
    [{ Variable: '$.nothing', IsPresent: true }, 'yes'],
    [{ Variable: '$.n', IsNumeric: true }, 'yes'],
    [{ Variable: '$.name', IsString: true }, 'yes'],
    [{ Variable: '$.flag', IsBoolean: true }, 'yes'],
    [{ Variable: '$.at', IsTimestamp: true }, 'yes'],
    [{ Variable: '$.name', IsTimestamp: true }, 'no'],
    [
      {
        And: [
          { Variable: '$.n', NumericGreaterThan: 1 },
          { Not: { Variable: '$.name', StringEquals: 'bob' } },
        ],
      },
      'yes',
    ],
    [
      {
        Or: [
          { Variable: '$.n', NumericGreaterThan: 100 },
          { Variable: '$.flag', BooleanEquals: false },
        ],
      },
      'no',
    ],
    [{ Not: { Variable: '$.missing', IsPresent: true } }, 'yes'],
  ])('Given the rule %j, When the Choice runs, Then it answers %s', async (rule, expected) => {
    expect(await chooses(rule, input)).toBe(expected);
  });

  it('Given a rule reading a variable, When the Choice runs, Then $name is compared', async () => {
    const out = await output(
      jsonpath({
        Init: { Type: 'Pass', Assign: { limit: 10 }, Next: 'C' },
        C: {
          Type: 'Choice',
          Choices: [{ Variable: '$.n', NumericLessThanPath: '$limit', Next: 'Yes' }],
          Default: 'No',
        },
        Yes: { Type: 'Pass', Result: 'yes', End: true },
        No: { Type: 'Pass', Result: 'no', End: true },
      }),
      { n: 3 },
    );
    expect(out).toBe('yes');
  });

  it('Given InputPath and OutputPath on a Choice, When it runs, Then rules read the effective input and the output is filtered', async () => {
    const out = await output(
      jsonpath({
        C: {
          Type: 'Choice',
          InputPath: '$.order',
          OutputPath: '$.id',
          Choices: [{ Variable: '$.total', NumericGreaterThan: 100, Next: 'Done' }],
          Default: 'Done',
        },
        Done: { Type: 'Succeed' },
      }),
      { order: { id: 'o-1', total: 500 } },
    );
    expect(out).toBe('o-1');
  });

  it('fails with States.Runtime when a compared Variable is missing', async () => {
    const { result } = await run(
      jsonpath({
        C: {
          Type: 'Choice',
          Choices: [{ Variable: '$.missing', StringEquals: 'x', Next: 'Done' }],
          Default: 'Done',
        },
        Done: { Type: 'Succeed' },
      }),
      {},
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(result.cause).toContain("Invalid path '$.missing'");
  });

  it('fails with States.NoChoiceMatched when no rule matches and there is no Default', async () => {
    const { result } = await run(
      jsonpath({
        C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'Done' }] },
        Done: { Type: 'Succeed' },
      }),
      { n: 2 },
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.NoChoiceMatched' });
  });

  it('fails at create when a rule has an operand of the wrong type or a JSONata Condition', () => {
    const wrongType = rejection(
      jsonpath({
        C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 'one', Next: 'D' }], Default: 'D' },
        D: { Type: 'Succeed' },
      }),
    );
    expect(wrongType.message).toContain('/States/C/Choices/0/NumericEquals');
    const condition = rejection(
      jsonpath({
        C: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'D' }], Default: 'D' },
        D: { Type: 'Succeed' },
      }),
    );
    expect(condition.message).toContain("'Condition'");
  });
});

describe('JSONPath Map', () => {
  it('Given ItemsPath and an ItemSelector with $$.Map.Item, When it runs, Then each iteration gets its index, value and shared fields', async () => {
    const out = await output(
      jsonpath({
        M: {
          Type: 'Map',
          ItemsPath: '$.order.lines',
          ItemSelector: {
            'index.$': '$$.Map.Item.Index',
            'sku.$': '$$.Map.Item.Value.sku',
            'currency.$': '$.order.currency',
          },
          ItemProcessor: {
            StartAt: 'Line',
            States: {
              Line: {
                Type: 'Pass',
                Parameters: {
                  'label.$': "States.Format('{}#{}', $.sku, $.index)",
                  'currency.$': '$.currency',
                },
                End: true,
              },
            },
          },
          ResultPath: '$.labels',
          End: true,
        },
      }),
      { order: { currency: 'EUR', lines: [{ sku: 'a' }, { sku: 'b' }] } },
    );
    expect(out).toEqual({
      order: { currency: 'EUR', lines: [{ sku: 'a' }, { sku: 'b' }] },
      labels: [
        { label: 'a#0', currency: 'EUR' },
        { label: 'b#1', currency: 'EUR' },
      ],
    });
  });

  it('Given the legacy Parameters field instead of ItemSelector, When it runs, Then it shapes each item', async () => {
    const out = await output(
      jsonpath({
        M: {
          Type: 'Map',
          ItemsPath: '$.items',
          Parameters: { 'v.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index' },
          Iterator: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
          End: true,
        },
      }),
      { items: ['x', 'y'] },
    );
    expect(out).toEqual([
      { v: 'x', i: 0 },
      { v: 'y', i: 1 },
    ]);
  });

  it('Given InputPath and no ItemsPath, When it runs, Then it iterates over the effective input', async () => {
    const out = await output(
      jsonpath({
        M: {
          Type: 'Map',
          InputPath: '$.list',
          MaxConcurrencyPath: '$$.Execution.Input.limit',
          ItemProcessor: {
            StartAt: 'I',
            States: { I: { Type: 'Pass', Parameters: { 'n.$': '$' }, End: true } },
          },
          End: true,
        },
      }),
      { list: [1, 2, 3], limit: 1 },
    );
    expect(out).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('fails with States.Runtime when ItemsPath is not an array', async () => {
    const { result } = await run(
      jsonpath({
        M: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Succeed' } } },
          End: true,
        },
      }),
      { items: 'nope' },
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(result.cause).toContain("'ItemsPath'");
  });
});

describe('JSONPath *Path fields', () => {
  it('Given TimeoutSecondsPath and HeartbeatSecondsPath, When the Task runs, Then TaskScheduled carries the values read from the input', async () => {
    const integration = fakeIntegration(() => ({}));
    const { execution } = await run(
      jsonpath({
        T: {
          Type: 'Task',
          Resource: PUT,
          TimeoutSecondsPath: '$.limits.timeout',
          HeartbeatSecondsPath: '$.limits.heartbeat',
          End: true,
        },
      }),
      { limits: { timeout: 30, heartbeat: 10 } },
      registry({ [PUT]: integration }),
    );
    const scheduled = execution.events.find((e) => e.type === 'TaskScheduled');
    expect(details(scheduled as object)).toMatchObject({ timeoutInSeconds: 30, heartbeatInSeconds: 10 });
  });

  it('Given a task slower than its TimeoutSecondsPath, When it runs, Then it times out with States.Timeout', async () => {
    const integration = fakeIntegration(
      (call: TaskCall) =>
        new Promise((_, reject) => call.signal.addEventListener('abort', () => reject(new Error('aborted')))),
    );
    const { result, execution } = await run(
      jsonpath({ T: { Type: 'Task', Resource: PUT, TimeoutSecondsPath: '$.t', End: true } }),
      { t: 1 },
      registry({ [PUT]: integration }),
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(types(execution)).toContain('TaskTimedOut');
  });

  it('fails with States.Runtime when TimeoutSecondsPath reads a value that is not a positive integer', async () => {
    const integration = fakeIntegration(() => ({}));
    const { result } = await run(
      jsonpath({ T: { Type: 'Task', Resource: PUT, TimeoutSecondsPath: '$.t', End: true } }),
      { t: 'soon' },
      registry({ [PUT]: integration }),
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(result.cause).toContain("'TimeoutSecondsPath'");
    expect(integration.calls).toHaveLength(0);
  });

  it('Given SecondsPath, When the Wait runs, Then it waits and passes its input on', async () => {
    const { result, execution } = await run(
      jsonpath({ W: { Type: 'Wait', SecondsPath: '$.delay', End: true } }),
      { delay: 2 },
    );
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{"delay":2}' });
    expect(types(execution)).toEqual([
      'ExecutionStarted',
      'WaitStateEntered',
      'WaitStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('Given TimestampPath in the past, When the Wait runs, Then it goes on at once', async () => {
    const { result } = await run(jsonpath({ W: { Type: 'Wait', TimestampPath: '$.at', End: true } }), {
      at: '2020-01-01T00:00:00Z',
    });
    expect(result.status).toBe('SUCCEEDED');
  });

  it('Given a future Timestamp in lower-case RFC 3339 form, When the Wait runs, Then it waits until stopped', async () => {
    const execution = machine(
      jsonpath({ W: { Type: 'Wait', Timestamp: '2999-01-01t00:00:00z', End: true } }),
    ).start({}, { ...ARNS, timeScale: 0.001 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(execution.status).toBe('RUNNING');
    execution.stop();
    expect((await execution.done).status).toBe('ABORTED');
  });

  it('fails with States.Runtime when SecondsPath or TimestampPath reads a wrong value', async () => {
    const negative = await run(jsonpath({ W: { Type: 'Wait', SecondsPath: '$.d', End: true } }), { d: -1 });
    expect(negative.result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    const notATime = await run(jsonpath({ W: { Type: 'Wait', TimestampPath: '$.at', End: true } }), {
      at: 'tomorrow',
    });
    expect(notATime.result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(notATime.result.cause).toContain("'TimestampPath'");
  });

  it('Given ErrorPath and CausePath, When the Fail runs, Then the error and cause come from the input', async () => {
    const { result } = await run(
      jsonpath({
        F: { Type: 'Fail', ErrorPath: '$.code', CausePath: "States.Format('order {} failed', $.id)" },
      }),
      { code: 'Orders.Rejected', id: 'o-1' },
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'Orders.Rejected', cause: 'order o-1 failed' });
  });
});

describe('JSONPath intrinsic functions', () => {
  it('Given every intrinsic function in Parameters, When the Pass runs, Then each gives the AWS result', async () => {
    const out = (await output(
      jsonpath({
        P: {
          Type: 'Pass',
          Parameters: {
            'format.$': "States.Format('Hello {}, you are {} \\{literal\\}', $.name, $.age)",
            'parsed.$': 'States.StringToJson($.text)',
            'text.$': 'States.JsonToString($.obj)',
            'array.$': "States.Array(1, 'two', $.age, null)",
            'partition.$': 'States.ArrayPartition($.nums, 2)',
            'contains.$': 'States.ArrayContains($.nums, 3)',
            'range.$': 'States.ArrayRange(1, 9, 2)',
            'item.$': 'States.ArrayGetItem($.nums, 1)',
            'length.$': 'States.ArrayLength($.nums)',
            'unique.$': 'States.ArrayUnique(States.Array(1, 1, 2, 1))',
            'encoded.$': "States.Base64Encode('Data to encode')",
            'decoded.$': "States.Base64Decode('RGF0YSB0byBlbmNvZGU=')",
            'hash.$': "States.Hash('abc', 'SHA-1')",
            'merged.$': 'States.JsonMerge($.obj, $.more, false)',
            'random.$': 'States.MathRandom(1, 10)',
            'seeded.$': 'States.MathRandom(1, 1000, 7)',
            'sum.$': 'States.MathAdd($.age, -1)',
            'split.$': "States.StringSplit('a,b+c,,d', ',+')",
            'uuid.$': 'States.UUID()',
          },
          End: true,
        },
      }),
      {
        name: 'Ann',
        age: 30,
        text: '{"a":[1,2]}',
        obj: { k: 1, j: 2 },
        more: { j: 3 },
        nums: [1, 2, 3, 4, 5],
      },
    )) as Record<string, unknown>;
    expect(out).toMatchObject({
      format: 'Hello Ann, you are 30 {literal}',
      parsed: { a: [1, 2] },
      text: '{"k":1,"j":2}',
      array: [1, 'two', 30, null],
      partition: [[1, 2], [3, 4], [5]],
      contains: true,
      range: [1, 3, 5, 7, 9],
      item: 2,
      length: 5,
      unique: [1, 2],
      encoded: 'RGF0YSB0byBlbmNvZGU=',
      decoded: 'Data to encode',
      hash: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      merged: { k: 1, j: 3 },
      sum: 29,
      split: ['a', 'b', 'c', 'd'],
    });
    expect(out.random).toEqual(expect.any(Number));
    expect(out.random as number).toBeGreaterThanOrEqual(1);
    expect(out.random as number).toBeLessThan(10);
    expect(out.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = (await output(
      jsonpath({
        P: { Type: 'Pass', Parameters: { 'seeded.$': 'States.MathRandom(1, 1000, 7)' }, End: true },
      }),
    )) as Record<string, unknown>;
    expect(again.seeded).toBe(out.seeded);
  });

  it('Given an intrinsic in Assign and ResultSelector, When the Task runs, Then both are evaluated', async () => {
    const integration = fakeIntegration(() => ({ parts: 'a b' }));
    const out = await output(
      jsonpath({
        T: {
          Type: 'Task',
          Resource: PUT,
          ResultSelector: { 'parts.$': "States.StringSplit($.parts, ' ')" },
          Assign: { 'count.$': 'States.ArrayLength($.parts)' },
          Next: 'Read',
        },
        Read: { Type: 'Pass', Parameters: { 'count.$': '$count', 'parts.$': '$.parts' }, End: true },
      }),
      {},
      registry({ [PUT]: integration }),
    );
    expect(out).toEqual({ count: 2, parts: ['a', 'b'] });
  });

  it('fails with States.IntrinsicFailure naming the call when an argument is out of range', async () => {
    const { result } = await run(
      jsonpath({ P: { Type: 'Pass', Parameters: { 'v.$': 'States.ArrayGetItem($.nums, 5)' }, End: true } }),
      { nums: [1, 2] },
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.IntrinsicFailure' });
    expect(result.cause).toContain("An error occurred while executing the state 'P'");
    expect(result.cause).toContain("The function 'States.ArrayGetItem($.nums, 5)' had the following error");
  });

  it.each([
    ["States.StringToJson('{not json')"],
    ["States.Base64Decode('***')"],
    ["States.Hash('abc', 'SHA-3')"],
    ['States.ArrayRange(1, 5, 0)'],
    ["States.Format('{} {}', 'only one')"],
    ['States.MathAdd(2147483647, 2147483648)'],
    ['States.JsonMerge($.a, $.a, true)'],
  ])('fails with States.IntrinsicFailure for %s', async (call) => {
    const { result } = await run(jsonpath({ P: { Type: 'Pass', Parameters: { 'v.$': call }, End: true } }), {
      a: {},
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.IntrinsicFailure' });
  });

  it('Given a catcher for States.IntrinsicFailure, When Parameters fail, Then the Task is not called and the catcher handles it', async () => {
    const integration = fakeIntegration(() => ({}));
    const out = (await output(
      jsonpath({
        T: {
          Type: 'Task',
          Resource: PUT,
          Parameters: { 'v.$': 'States.StringToJson($.text)' },
          Catch: [{ ErrorEquals: ['States.IntrinsicFailure'], Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      }),
      { text: 'nope' },
      registry({ [PUT]: integration }),
    )) as { Error: string; Cause: string };
    expect(integration.calls).toHaveLength(0);
    expect(out.Error).toBe('States.IntrinsicFailure');
    expect(out.Cause).toContain('States.StringToJson($.text)');
  });

  it('fails at create when an intrinsic function is unknown, has the wrong argument count or does not parse', () => {
    for (const call of ['States.Nope(1)', 'States.ArrayLength()', "States.Format('x'", 'States.UUID(1)']) {
      const error = rejection(jsonpath({ P: { Type: 'Pass', Parameters: { 'v.$': call }, End: true } }));
      expect(error).toMatchObject({ code: 'SCHEMA_VALIDATION_FAILED', location: '/States/P/Parameters' });
      expect(error.detail).toContain(
        "The value for the field 'v.$' must be a valid JSONPath or a valid intrinsic function call",
      );
      expect(error.detail).toContain(JSON.stringify(call));
    }
  });
});

describe('JSONPath path errors', () => {
  it('fails with States.Runtime and the Jayway message when InputPath matches nothing', async () => {
    const { result } = await run(jsonpath({ P: { Type: 'Pass', InputPath: '$.missing', End: true } }), {});
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        "An error occurred while executing the state 'P' (entered at the event id #2). Invalid path '$.missing' : No results for path: $['missing']",
    });
  });

  it('Given a catcher for States.ALL, When OutputPath matches nothing, Then States.Runtime still fails the execution', async () => {
    const integration = fakeIntegration(() => ({ a: 1 }));
    const { result, execution } = await run(
      jsonpath({
        T: {
          Type: 'Task',
          Resource: PUT,
          OutputPath: '$.b',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Succeed' },
      }),
      {},
      registry({ [PUT]: integration }),
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(types(execution)).not.toContain('SucceedStateEntered');
  });

  it('fails with States.Runtime naming the field when a Parameters path matches nothing', async () => {
    const { result } = await run(
      jsonpath({ P: { Type: 'Pass', Parameters: { 'id.$': '$.order.id' }, End: true } }),
      { order: {} },
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(result.cause).toContain(
      "The JSONPath '$.order.id' specified for the field 'id.$' could not be found",
    );
  });

  it('fails with States.ResultPathMatchFailure when ResultPath goes through a non-object', async () => {
    const { result } = await run(
      jsonpath({ P: { Type: 'Pass', Result: 1, ResultPath: '$.name.first', End: true } }),
      { name: 'Ann' },
    );
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.ResultPathMatchFailure' });
  });

  it('Given a catcher for States.ResultPathMatchFailure, When the Task result cannot be placed, Then the catcher handles it', async () => {
    const integration = fakeIntegration(() => 'r');
    const out = (await output(
      jsonpath({
        T: {
          Type: 'Task',
          Resource: PUT,
          ResultPath: '$.list[3]',
          Catch: [{ ErrorEquals: ['States.ResultPathMatchFailure'], Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      }),
      { list: [] },
      registry({ [PUT]: integration }),
    )) as { Error: string };
    expect(out.Error).toBe('States.ResultPathMatchFailure');
  });

  it('fails at create when InputPath is not a reference path or ResultPath points at the context', () => {
    expect(rejection(jsonpath({ P: { Type: 'Pass', InputPath: '$.a[*]', End: true } })).location).toContain(
      '/States/P',
    );
    expect(rejection(jsonpath({ P: { Type: 'Pass', ResultPath: '$$.Execution', End: true } })).code).toBe(
      'SCHEMA_VALIDATION_FAILED',
    );
  });
});

describe('mixed query languages', () => {
  it('Given a JSONPath machine with a JSONata state, When it runs, Then values and variables flow both ways', async () => {
    const out = await output(
      jsonpath({
        Start: {
          Type: 'Pass',
          Parameters: { 'n.$': '$.value' },
          Assign: { 'base.$': '$.n' },
          Next: 'Compute',
        },
        Compute: {
          Type: 'Pass',
          QueryLanguage: 'JSONata',
          Output: { doubled: '{% $states.input.n * 2 %}' },
          Assign: { fromJsonata: '{% $base + 1 %}' },
          Next: 'Back',
        },
        Back: {
          Type: 'Pass',
          Parameters: { 'doubled.$': '$.doubled', 'fromJsonata.$': '$fromJsonata' },
          End: true,
        },
      }),
      { value: 21 },
    );
    expect(out).toEqual({ doubled: 42, fromJsonata: 22 });
  });

  it('Given an explicit JSONPath machine with a JSONata Task and a JSONPath Choice, When it runs, Then each state uses its own language', async () => {
    const integration = fakeIntegration(() => ({ status: 'ok' }));
    const out = await output(
      {
        QueryLanguage: 'JSONPath',
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            QueryLanguage: 'JSONata',
            Resource: PUT,
            Arguments: { id: '{% $states.input.id %}' },
            Output: '{% $states.result %}',
            Next: 'Check',
          },
          Check: {
            Type: 'Choice',
            Choices: [{ Variable: '$.status', StringEquals: 'ok', Next: 'Ok' }],
            Default: 'NotOk',
          },
          Ok: { Type: 'Pass', Result: 'ok', End: true },
          NotOk: { Type: 'Fail', Error: 'NotOk' },
        },
      },
      { id: 'o-1' },
      registry({ [PUT]: integration }),
    );
    expect(integration.calls[0]?.parameters).toEqual({ id: 'o-1' });
    expect(out).toBe('ok');
  });

  it('Given a JSONata Map in a JSONPath machine, When it runs, Then its inner states default to the machine language (JSONPath)', async () => {
    const out = await output(
      jsonpath({
        M: {
          Type: 'Map',
          QueryLanguage: 'JSONata',
          Items: '{% $states.input.items %}',
          ItemProcessor: {
            StartAt: 'Inner',
            States: { Inner: { Type: 'Pass', Parameters: { 'v.$': '$' }, End: true } },
          },
          End: true,
        },
      }),
      { items: [1, 2] },
    );
    expect(out).toEqual([{ v: 1 }, { v: 2 }]);
  });

  it('fails at create when a state downgrades to JSONPath inside an all-JSONata machine, even in a Map', () => {
    const error = rejection({
      QueryLanguage: 'JSONata',
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'Inner',
            States: { Inner: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } },
          },
          End: true,
        },
      },
    });
    expect(error).toMatchObject({
      code: 'SCHEMA_VALIDATION_FAILED',
      location: '/States/M/ItemProcessor/States/Inner',
      detail: "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
    });
  });

  it('fails at create when a JSONata state uses a JSONPath field or a JSONPath state a JSONata field', () => {
    expect(
      rejection(jsonpath({ P: { Type: 'Pass', QueryLanguage: 'JSONata', Parameters: {}, End: true } }))
        .message,
    ).toContain("'Parameters'");
    expect(rejection(jsonpath({ P: { Type: 'Pass', Output: {}, End: true } })).message).toContain(
      "The field 'Output' is not supported in a JSONPath state",
    );
  });
});

describe('legacy Lambda resource', () => {
  function lambdaFunction(behaviour: (call: TaskCall) => unknown) {
    return {
      ...fakeIntegration(behaviour, 'lambda', LAMBDA_ARN),
      events: 'lambdaFunction' as const,
    };
  }

  it('Given a function ARN as Resource, When it succeeds, Then LambdaFunction* events carry the input and output and the result is the return value', async () => {
    const integration = lambdaFunction((call) => ({ echoed: call.parameters }));
    const { result, execution } = await run(
      jsonpath({
        L: {
          Type: 'Task',
          Resource: LAMBDA_ARN,
          Parameters: { 'id.$': '$.id' },
          TimeoutSecondsPath: '$.t',
          ResultPath: '$.lambda',
          End: true,
        },
      }),
      { id: 'o-1', t: 5 },
      registry({ [LAMBDA_ARN]: integration }),
    );
    expect(types(execution)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const scheduled = execution.events.find((e) => e.type === 'LambdaFunctionScheduled');
    expect(details(scheduled as object)).toEqual({
      resource: LAMBDA_ARN,
      input: '{"id":"o-1"}',
      inputDetails: { truncated: false },
      timeoutInSeconds: 5,
    });
    const succeeded = execution.events.find((e) => e.type === 'LambdaFunctionSucceeded');
    expect(details(succeeded as object)).toEqual({
      output: '{"echoed":{"id":"o-1"}}',
      outputDetails: { truncated: false },
    });
    expect(JSON.parse(result.output as string)).toEqual({
      id: 'o-1',
      t: 5,
      lambda: { echoed: { id: 'o-1' } },
    });
  });

  it('Given a function that fails, When it runs, Then LambdaFunctionFailed carries the error and the raw cause, and a catcher can handle it', async () => {
    const cause = '{"errorMessage": "card declined", "errorType": "PaymentError"}';
    const integration = lambdaFunction(() => {
      throw new StatesError('PaymentError', cause);
    });
    const { result, execution } = await run(
      jsonpath({
        L: {
          Type: 'Task',
          Resource: LAMBDA_ARN,
          Catch: [{ ErrorEquals: ['PaymentError'], ResultPath: '$.error', Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      }),
      { id: 'o-1' },
      registry({ [LAMBDA_ARN]: integration }),
    );
    const failed = execution.events.find((e) => e.type === 'LambdaFunctionFailed');
    expect(details(failed as object)).toEqual({ error: 'PaymentError', cause });
    expect(types(execution)).not.toContain('TaskFailed');
    expect(JSON.parse(result.output as string)).toEqual({
      id: 'o-1',
      error: { Error: 'PaymentError', Cause: cause },
    });
  });
});
