import {
  compareRun,
  Matcher,
  type NormalisedEvent,
  normaliseEvent,
  substitute,
  tokenise,
} from '../../src/conformance/compare';

describe('Matcher', () => {
  test('Given an embedded reference placeholder, When matched twice, Then the second use must repeat the first value', () => {
    const matcher = new Matcher();
    const expected = 'arn:<partition>:states:<region>:111111111111:stateMachine:<ArnPart_0idx>';
    expect(
      matcher.match(expected, 'arn:aws:states:us-east-1:123456789012:stateMachine:m1', 'a'),
    ).toBeUndefined();
    expect(matcher.match('<ArnPart_0idx>', 'm1', 'b')).toBeUndefined();
    expect(matcher.match('<ArnPart_0idx>', 'm2', 'c')).toMatch(/^c: expected/);
  });

  test('Given numbers and objects, When compared, Then 0.0 equals 0 and key order does not matter', () => {
    expect(new Matcher().match({ a: 0, b: [1, 'x'] }, { b: [1.0, 'x'], a: 0.0 }, '$')).toBeUndefined();
  });

  test('fails when an object has an unexpected key', () => {
    expect(new Matcher().match({ a: 1 }, { a: 1, b: 2 }, '$')).toBe(
      '$: keys differ (missing [], unexpected ["b"])',
    );
  });

  test('Given HTTP metadata, When compared, Then only the presence of an object is required', () => {
    const expected = { SdkHttpMetadata: { HttpStatusCode: 200 }, Item: { id: { S: 'k' } } };
    expect(
      new Matcher().match(expected, { SdkHttpMetadata: {}, Item: { id: { S: 'k' } } }, '$'),
    ).toBeUndefined();
    expect(new Matcher().match(expected, { SdkHttpMetadata: 'x', Item: { id: { S: 'k' } } }, '$')).toMatch(
      /SdkHttpMetadata/,
    );
  });

  test('Given a Python error document in a compact JSON string, When a Node document answers, Then errorType and errorMessage decide and the relaxation is reported', () => {
    const matcher = new Matcher();
    const expected = JSON.stringify({
      errorMessage: 'boom',
      errorType: 'Exception',
      requestId: '<uuid:1>',
      stackTrace: ['  File "/var/task/handler.py"'],
    });
    const actual = JSON.stringify({ errorType: 'Exception', errorMessage: 'boom', trace: ['at handler'] });
    expect(matcher.match(expected, actual, 'cause')).toBeUndefined();
    expect(matcher.relaxations).toHaveLength(1);
    const wrong = JSON.stringify({ errorType: 'Exception', errorMessage: 'other', trace: [] });
    expect(new Matcher().match(expected, wrong, 'cause')).toMatch(/errorMessage/);
  });

  test('Given placeholders inside an ARN inside an error message, When matched, Then they match the local values', () => {
    const expected =
      'Function not found: arn:<partition>:lambda:<region>:111111111111:function:f:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: <request_id>; Proxy: null)';
    const actual =
      'Function not found: arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: 5f0c; Proxy: null)';
    expect(new Matcher().match(expected, actual, 'cause')).toBeUndefined();
    expect(new Matcher().match(expected, actual.replace(':function:f:', ':function:g:'), 'cause')).toMatch(
      /^cause: expected/,
    );
  });

  test("Given LocalStack's other placeholder forms, When matched, Then fixed ones are wildcards and numbered ones references", () => {
    const matcher = new Matcher();
    expect(
      matcher.match(
        'arn:<partition>:iam::<account-id>:role/<resource:1> in <ArnPart_1idx>',
        'arn:aws-cn:iam::123456789012:role/r1 in m',
        'a',
      ),
    ).toBeUndefined();
    expect(matcher.match('<resource:1>', 'r2', 'b')).toMatch(/^b: expected/);
    expect(new Matcher().match('<omitted>', 'anything', 'c')).toMatch(/^c: expected/);
  });

  test('Given whole-value placeholders, When compared, Then any string is accepted', () => {
    expect(
      new Matcher().match(
        { t: 'date', r: 'snf_role_arn' },
        { t: '2024-01-01T00:00:00.000Z', r: 'arn:x' },
        '$',
      ),
    ).toBeUndefined();
  });
});

describe('compareRun', () => {
  const started: NormalisedEvent = {
    type: 'ExecutionStarted',
    id: 1,
    previousEventId: 0,
    details: { input: {} },
  };
  const events: NormalisedEvent[] = [
    started,
    { type: 'ExecutionSucceeded', id: 2, previousEventId: 1, details: { output: { a: 1 } } },
  ];

  test('Given identical runs, When compared, Then L3 is reached', () => {
    const run = { status: 'SUCCEEDED', output: { a: 1 }, events };
    expect(compareRun(run, run)).toEqual({ reached: 'L3', relaxations: [] });
  });

  test('fails at L2 when only event details differ', () => {
    const actual = {
      status: 'SUCCEEDED',
      output: { a: 1 },
      events: [started, { type: 'ExecutionSucceeded', id: 2, previousEventId: 1, details: { output: {} } }],
    };
    const result = compareRun({ status: 'SUCCEEDED', output: { a: 1 }, events }, actual);
    expect(result.reached).toBe('L2');
    expect(result.difference).toMatch(/^events\[1\]\(ExecutionSucceeded\)\.details/);
  });

  test('fails at L1 when the event sequence differs', () => {
    const result = compareRun(
      { status: 'SUCCEEDED', output: { a: 1 }, events },
      { status: 'SUCCEEDED', output: { a: 1 }, events: [started] },
    );
    expect(result).toMatchObject({
      reached: 'L1',
      difference: 'events[1]: expected ExecutionSucceeded#2<-1, got no event',
    });
  });

  test('fails before L1 when the status differs, showing the actual error', () => {
    const result = compareRun(
      { status: 'SUCCEEDED', output: {} },
      { status: 'FAILED', error: 'E', cause: 'C' },
    );
    expect(result.reached).toBeUndefined();
    expect(result.difference).toBe('status: expected SUCCEEDED, got FAILED (E: "C")');
  });
});

describe('normaliseEvent, tokenise and substitute', () => {
  test('Given an SDK event, When normalised, Then JSON text fields are parsed and the timestamp dropped', () => {
    const event = {
      timestamp: new Date(),
      type: 'TaskFailed',
      id: 5,
      previousEventId: 4,
      taskFailedEventDetails: { error: 'E', cause: '{"x":1}', resource: 'invoke' },
    };
    expect(normaliseEvent(event)).toEqual({
      type: 'TaskFailed',
      id: 5,
      previousEventId: 4,
      details: { error: 'E', cause: { x: 1 }, resource: 'invoke' },
    });
  });

  test('Given resource names, When substituted and tokenised back, Then the round trip restores the tokens', () => {
    const tokens = new Map([[`\${Lambda:identity}`, 'arn:aws:lambda:us-east-1:1:function:cf-identity-x']]);
    const definition = { Resource: `\${Lambda:identity}`, Other: `\${Lambda:unknown}` };
    const substituted = substitute(definition, tokens);
    expect(substituted).toEqual({
      Resource: 'arn:aws:lambda:us-east-1:1:function:cf-identity-x',
      Other: `\${Lambda:unknown}`,
    });
    expect(
      tokenise(substituted, [['arn:aws:lambda:us-east-1:1:function:cf-identity-x', `\${Lambda:identity}`]]),
    ).toEqual(definition);
  });
});
