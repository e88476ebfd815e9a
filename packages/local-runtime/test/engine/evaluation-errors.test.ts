/**
 * Every runtime error raised while a state's fields are evaluated starts its cause with AWS's
 * "An error occurred while executing the state '<name>' (entered at the event id #<n>).", whatever the
 * field and the query language. The machine enters a Pass state first, so the failing state's entered
 * event is #4 (ExecutionStarted, PassStateEntered, PassStateExited, then it).
 */
import { fakeIntegration, jsonata, registry, run } from './helpers';

const PUT = 'arn:aws:states:::dynamodb:putItem';
const prefix = (state: string) =>
  `An error occurred while executing the state '${state}' (entered at the event id #4). `;

/** `First` (a Pass), then the state under test, named `S`, then `Done` if `S` goes anywhere. */
const states = (state: object): Record<string, object> => ({
  First: { Type: 'Pass', Next: 'S' },
  S: state,
  ...(JSON.stringify(state).includes('"Done"') ? { Done: { Type: 'Succeed' } } : {}),
});
const afterPass = (state: object) => jsonata(states(state), 'First');

const bad = '{% $undefinedVariable.x %}';
const notAString = '{% 5 %}';

const jsonataCases: [string, object][] = [
  ['Wait Seconds', { Type: 'Wait', Seconds: bad, Next: 'Done' }],
  ['Wait Seconds of the wrong type', { Type: 'Wait', Seconds: '{% "ten" %}', Next: 'Done' }],
  ['Wait Timestamp that is not a timestamp', { Type: 'Wait', Timestamp: '{% "tomorrow" %}', Next: 'Done' }],
  ['Choice Condition', { Type: 'Choice', Choices: [{ Condition: bad, Next: 'Done' }], Default: 'Done' }],
  [
    'Choice rule Output',
    { Type: 'Choice', Choices: [{ Condition: '{% true %}', Output: bad, Next: 'Done' }] },
  ],
  ['Pass Output', { Type: 'Pass', Output: { a: bad }, Next: 'Done' }],
  ['Pass Assign', { Type: 'Pass', Assign: { a: bad }, Next: 'Done' }],
  ['Task Arguments', { Type: 'Task', Resource: PUT, Arguments: { TableName: bad }, Next: 'Done' }],
  ['Task Output', { Type: 'Task', Resource: PUT, Arguments: {}, Output: bad, Next: 'Done' }],
  ['Task TimeoutSeconds', { Type: 'Task', Resource: PUT, Arguments: {}, TimeoutSeconds: bad, Next: 'Done' }],
  [
    'Map ItemSelector',
    {
      Type: 'Map',
      Items: [1],
      ItemSelector: { v: bad },
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      Next: 'Done',
    },
  ],
  [
    'Map Items',
    {
      Type: 'Map',
      Items: '{% "not a list" %}',
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      Next: 'Done',
    },
  ],
  ['Fail Error', { Type: 'Fail', Error: notAString, Cause: 'c' }],
  ['Fail Cause', { Type: 'Fail', Error: 'E', Cause: bad }],
];

describe('causes of errors raised while evaluating a JSONata state field', () => {
  const integrations = registry({ [PUT]: fakeIntegration(() => ({})) });

  test.each(jsonataCases)(
    '%s: the cause starts with the state and its entered event id',
    async (_field, state) => {
      const { result, execution } = await run(afterPass(state), {}, integrations);
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('States.QueryEvaluationError');
      expect(result.cause?.startsWith(prefix('S'))).toBe(true);
      expect(execution.events.find((e) => e.type.endsWith('StateEntered') && e.id === 4)).toBeDefined();
    },
  );
});

describe('causes of errors raised while evaluating a JSONPath state field', () => {
  const jsonpath = (state: object) => ({ StartAt: 'First', States: states(state) });

  test.each<[string, object, unknown]>([
    ['Wait SecondsPath of the wrong type', { Type: 'Wait', SecondsPath: '$.s', Next: 'Done' }, { s: 'ten' }],
    ['Wait TimestampPath that matches nothing', { Type: 'Wait', TimestampPath: '$.t', Next: 'Done' }, {}],
    [
      'Choice Variable that matches nothing',
      { Type: 'Choice', Choices: [{ Variable: '$.x', NumericEquals: 1, Next: 'Done' }], Default: 'Done' },
      {},
    ],
    [
      'Pass Parameters path that matches nothing',
      { Type: 'Pass', Parameters: { 'a.$': '$.x' }, Next: 'Done' },
      {},
    ],
    [
      'Map over input that is not an array',
      {
        Type: 'Map',
        ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        Next: 'Done',
      },
      { not: 'a list' },
    ],
    ['Fail CausePath that matches nothing', { Type: 'Fail', Error: 'E', CausePath: '$.c' }, {}],
  ])('%s: the cause starts with the state and its entered event id', async (_field, state, input) => {
    const { result } = await run(jsonpath(state), input);
    expect(result.status).toBe('FAILED');
    expect(result.cause?.startsWith(prefix('S'))).toBe(true);
  });
});
