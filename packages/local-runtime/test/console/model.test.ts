/**
 * The console's pure parts: the profile's checks and outcome rules, the graph of a definition, and
 * the analysis of histories the engine writes (succeeded, retried, caught, failed, running, stopped).
 */
import {
  analyzeHistory,
  ConsoleProfileError,
  classifyOutcome,
  consoleUrls,
  END,
  graphOf,
  keyAttributeOf,
  outcomeOf,
  recordOf,
  START,
  validateProfile,
} from '../../src/console';
import { StatesError } from '../../src/engine';
import { fakeIntegration, jsonata, registry, run } from '../engine/helpers';
import { IDEMPOTENCY_PROFILE } from '../fixtures/console/profile';

const rules = IDEMPOTENCY_PROFILE.outcomes ?? [];
const records = IDEMPOTENCY_PROFILE.records ?? { state: '', keyParameter: '' };

describe('the console profile', () => {
  it('accepts the example profile and reads the key attribute from the key parameter', () => {
    expect(validateProfile(IDEMPOTENCY_PROFILE)).toBe(IDEMPOTENCY_PROFILE);
    expect(keyAttributeOf(records)).toBe('id');
    expect(keyAttributeOf({ state: 'S', keyParameter: 'Key.pk.S' })).toBe('pk');
    expect(keyAttributeOf({ state: 'S', keyParameter: 'record', keyAttribute: 'sk' })).toBe('sk');
  });

  it.each([
    [[], /must be an object/],
    [{ outcomes: {} }, /outcomes must be an array/],
    [
      { outcomes: [{ id: 'a b', label: 'A', when: { status: 'FAILED' } }] },
      /outcomes\[0\]\.id "a b" may only hold/,
    ],
    [
      {
        outcomes: [
          { id: 'a', label: 'A', when: { status: 'FAILED' } },
          { id: 'a', label: 'B', when: { status: 'FAILED' } },
        ],
      },
      /outcomes\[1\]\.id "a" is used twice/,
    ],
    [{ outcomes: [{ id: 'a', label: 'A', when: {} }] }, /when needs at least one of/],
    [{ outcomes: [{ id: 'a', label: 'A', when: { state: 'X' } }] }, /unknown fields state/],
    [{ outcomes: [{ id: 'a', label: 'A', when: { status: 'DONE' } }] }, /when\.status must be one of/],
    [
      { outcomes: [{ id: 'a', label: 'A', tone: 'pink', when: { status: 'FAILED' } }] },
      /tone must be one of/,
    ],
    [{ records: { state: 'Claim', keyParameter: 'value' } }, /records\.keyAttribute is needed/],
    [{ records: { keyParameter: 'Item.id.S' } }, /records\.state must be a non-empty string/],
  ])('refuses %j with a message naming the field', (profile, message) => {
    expect(() => validateProfile(profile)).toThrow(ConsoleProfileError);
    expect(() => validateProfile(profile)).toThrow(message);
  });

  it('names an outcome by the first rule that matches; every field of a rule must hold', () => {
    const facts = (status: string, error: string | undefined, states: string[]) => ({
      status,
      error,
      enteredStates: new Set(states),
    });
    expect(classifyOutcome(rules, facts('SUCCEEDED', undefined, ['Claim', 'Processed']))?.id).toBe('new');
    expect(classifyOutcome(rules, facts('SUCCEEDED', undefined, ['AlreadyProcessed']))?.id).toBe('duplicate');
    expect(classifyOutcome(rules, facts('FAILED', 'Idempotency.KeyTooLong', []))?.id).toBe('invalid-key');
    expect(classifyOutcome(rules, facts('FAILED', 'Idempotency.LeaseLost', []))?.id).toBe('lease-lost');
    expect(classifyOutcome(rules, facts('ABORTED', undefined, ['RunBusinessLogic']))).toBeUndefined();
    const both = [{ id: 'x', label: 'X', when: { status: 'FAILED' as const, enteredState: 'A' } }];
    expect(classifyOutcome(both, facts('FAILED', 'E', ['B']))).toBeUndefined();
    expect(classifyOutcome(both, facts('FAILED', 'E', ['A']))?.id).toBe('x');
  });
});

describe('graphOf', () => {
  it('has Start, End, one node per state and an edge per Next, Choice rule, Default and Catch', () => {
    const graph = graphOf(
      JSON.stringify({
        StartAt: 'Claim',
        States: {
          Claim: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Next: 'Route',
            Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], Next: 'Done' }],
          },
          Route: {
            Type: 'Choice',
            Choices: [{ Condition: '{% $states.input.ok %}', Next: 'Done' }],
            Default: 'Refuse',
          },
          Done: { Type: 'Succeed' },
          Refuse: { Type: 'Fail', Error: 'No' },
        },
      }),
    );
    expect(graph.nodes.map((node) => node.id)).toEqual([START, 'Claim', 'Route', 'Done', 'Refuse', END]);
    expect(graph.edges.map((edge) => [edge.from, edge.to, edge.kind, edge.label])).toEqual([
      [START, 'Claim', 'start', undefined],
      ['Claim', 'Route', 'next', undefined],
      ['Claim', 'Done', 'catch', 'Catch ConditionalCheckFailed'],
      ['Route', 'Done', 'choice', 'Rule 1'],
      ['Route', 'Refuse', 'default', 'Default'],
      ['Done', END, 'end', undefined],
      ['Refuse', END, 'end', undefined],
    ]);
    expect(graph.edges.find((edge) => edge.kind === 'choice')?.title).toBe('{% $states.input.ok %}');
  });

  it('gives an empty graph for a definition that is not JSON', () => {
    expect(graphOf('not json').nodes).toEqual([]);
  });
});

describe('analyzeHistory on histories the engine writes', () => {
  const claimAndCall = (callBehaviour: () => unknown) => {
    const claim = fakeIntegration(() => ({}), 'dynamodb', 'putItem');
    const call = fakeIntegration(callBehaviour, 'lambda', 'invoke');
    const definition = jsonata({
      Claim: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:putItem',
        Arguments: { TableName: 'orders', Item: { id: { S: "{% 'order#' & $states.input.orderId %}" } } },
        Assign: { key: "{% 'order#' & $states.input.orderId %}" },
        Next: 'Call',
      },
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { Payload: '{% $states.input %}' },
        Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 1, MaxAttempts: 2 }],
        Catch: [{ ErrorEquals: ['Declined'], Next: 'BusinessLogicFailed' }],
        Next: 'Processed',
      },
      Processed: { Type: 'Succeed' },
      BusinessLogicFailed: { Type: 'Fail', Error: 'Business.Declined', Cause: 'declined' },
    });
    return {
      definition,
      integrations: registry({
        'arn:aws:states:::dynamodb:putItem': claim,
        'arn:aws:states:::lambda:invoke': call,
      }),
    };
  };

  it('reads a retried task that then succeeded, the path taken, the variables and the record key', async () => {
    let calls = 0;
    const { definition, integrations } = claimAndCall(() => {
      calls++;
      if (calls === 1) throw new StatesError('Transient', 'try again');
      return { charged: true };
    });
    const { execution } = await run(definition, { orderId: 'o-1' }, integrations);
    const analysis = analyzeHistory(execution.events);

    expect(analysis.status).toBe('SUCCEEDED');
    expect(analysis.states).toEqual({
      Claim: { status: 'succeeded', visits: 1, retries: 0 },
      Call: { status: 'retried', visits: 1, retries: 1 },
      Processed: { status: 'succeeded', visits: 1, retries: 0 },
    });
    expect(analysis.transitions).toEqual([
      { from: START, to: 'Claim', caught: false },
      { from: 'Claim', to: 'Call', caught: false },
      { from: 'Call', to: 'Processed', caught: false },
      { from: 'Processed', to: END, caught: false },
    ]);
    const call = analysis.visits.find((visit) => visit.name === 'Call');
    expect(call?.attempts.map((attempt) => attempt.error)).toEqual(['Transient', undefined]);
    expect(analysis.visits[0]?.assignedVariables).toEqual({ key: '"order#o-1"' });
    expect(analysis.stepOfEvent[3]).toBe('Claim');
    expect(outcomeOf(analysis, rules)).toBe('new');
    expect(recordOf(analysis, { ...records, state: 'Claim' })).toEqual({
      key: 'order#o-1',
      tableName: 'orders',
    });
  });

  it('reads a caught error: the Catch edge is the one taken, the Fail state failed the execution', async () => {
    const { definition, integrations } = claimAndCall(() => {
      throw new StatesError('Declined', 'card declined');
    });
    const { execution } = await run(definition, { orderId: 'o-2' }, integrations);
    const analysis = analyzeHistory(execution.events);

    expect(analysis.status).toBe('FAILED');
    expect(analysis.error).toBe('Business.Declined');
    expect(analysis.states.Call).toEqual({ status: 'caught', visits: 1, retries: 0 });
    expect(analysis.states.BusinessLogicFailed?.status).toBe('failed');
    expect(analysis.transitions).toContainEqual({ from: 'Call', to: 'BusinessLogicFailed', caught: true });
    expect(analysis.transitions.some((t) => t.to === END)).toBe(false);
    expect(analysis.visits.find((v) => v.name === 'Call')).toMatchObject({
      error: 'Declined',
      cause: 'card declined',
    });
    expect(outcomeOf(analysis, rules)).toBe('business-failure');
  });

  it('reads a running execution and a stopped one: the open state is in progress, then stopped', () => {
    const events = [
      {
        id: 1,
        type: 'ExecutionStarted',
        timestamp: new Date(0),
        executionStartedEventDetails: { input: '{}' },
      },
      {
        id: 2,
        type: 'TaskStateEntered',
        timestamp: new Date(5),
        stateEnteredEventDetails: { name: 'Call', input: '{}' },
      },
      {
        id: 3,
        type: 'TaskScheduled',
        timestamp: new Date(6),
        taskScheduledEventDetails: { resource: 'invoke', parameters: '{}' },
      },
    ];
    const running = analyzeHistory(events);
    expect(running.states.Call?.status).toBe('running');
    expect(outcomeOf(running, rules)).toBeUndefined();
    expect(running.visits[0]?.startedAfterMs).toBe(5);

    const stopped = analyzeHistory([...events, { id: 4, type: 'ExecutionAborted', timestamp: new Date(9) }]);
    expect(stopped.status).toBe('ABORTED');
    expect(stopped.states.Call?.status).toBe('aborted');
    expect(outcomeOf(stopped, rules)).toBe('none');
  });

  it('tells the interleaved branches of a Parallel state and the iterations of a Map state apart', async () => {
    const { execution } = await run(
      jsonata({
        Fan: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Wait', Seconds: 2, End: true } } },
            {
              StartAt: 'B',
              States: { B: { Type: 'Wait', Seconds: 1, Next: 'B2' }, B2: { Type: 'Pass', End: true } },
            },
          ],
          Output: '{% $states.input %}',
          Next: 'Each',
        },
        Each: {
          Type: 'Map',
          Items: '{% $states.input.items %}',
          ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
          End: true,
        },
      }),
      { items: [1, 2] },
    );
    const analysis = analyzeHistory(execution.events);
    expect(analysis.visits.map((visit) => [visit.name, visit.depth, visit.status])).toEqual([
      ['Fan', 0, 'succeeded'],
      ['A', 1, 'succeeded'],
      ['B', 1, 'succeeded'],
      ['B2', 1, 'succeeded'],
      ['Each', 0, 'succeeded'],
      ['Item', 1, 'succeeded'],
      ['Item', 1, 'succeeded'],
    ]);
    expect(analysis.transitions.map((t) => t.to)).toEqual(['Fan', 'Each', END]);
    expect(analysis.states.Item?.visits).toBe(2);
  });

  it('gives no record key for an empty key (an invalid event writes nothing)', () => {
    const events = [
      { id: 1, type: 'ExecutionStarted', timestamp: new Date(0) },
      {
        id: 2,
        type: 'TaskStateEntered',
        timestamp: new Date(0),
        stateEnteredEventDetails: { name: 'ClaimIdempotencyKey' },
      },
      {
        id: 3,
        type: 'TaskScheduled',
        timestamp: new Date(0),
        taskScheduledEventDetails: {
          parameters: JSON.stringify({ TableName: 't', Item: { id: { S: '' } } }),
        },
      },
    ];
    const analysis = analyzeHistory(events);
    expect(recordOf(analysis, records)).toBeUndefined();
  });
});

describe('consoleUrls', () => {
  const urls = consoleUrls('http://127.0.0.1:8084/');
  const machineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:Payment-Workflow_1';

  it("builds each page's URL, from names or ARNs, encoding what needs it", () => {
    expect(urls.base).toBe('http://127.0.0.1:8084');
    expect(urls.stateMachines()).toBe('http://127.0.0.1:8084/');
    expect(urls.stateMachine('orders')).toBe('http://127.0.0.1:8084/state-machines/orders');
    expect(urls.stateMachine(machineArn, { outcome: 'duplicate' })).toBe(
      'http://127.0.0.1:8084/state-machines/Payment-Workflow_1?outcome=duplicate',
    );
    expect(urls.execution('orders', 'new 1', { view: 'table', state: 'RunBusinessLogic' })).toBe(
      'http://127.0.0.1:8084/state-machines/orders/executions/new%201?view=table&state=RunBusinessLogic',
    );
    expect(urls.execution('orders', 'new-1', { view: 'graph' })).toBe(
      'http://127.0.0.1:8084/state-machines/orders/executions/new-1',
    );
    expect(
      urls.executionOfArn('arn:aws:states:us-east-1:123456789012:execution:Payment-Workflow_1:0b1c-2d'),
    ).toBe('http://127.0.0.1:8084/state-machines/Payment-Workflow_1/executions/0b1c-2d');
    expect(urls.records('orders', 'o#1')).toBe('http://127.0.0.1:8084/state-machines/orders/records?q=o%231');
    expect(urls.record(`${machineArn}:live`, 'payments#ord-1')).toBe(
      'http://127.0.0.1:8084/state-machines/Payment-Workflow_1/records/payments%23ord-1',
    );
    expect(consoleUrls('').execution('orders', 'new-1')).toBe('/state-machines/orders/executions/new-1');
  });

  it('refuses an ARN that is not of the kind asked for', () => {
    expect(() => urls.executionOfArn(machineArn)).toThrow(/Not an execution ARN/);
    expect(() => urls.record('arn:aws:lambda:us-east-1:123456789012:function:f', 'k')).toThrow(
      /Not a state machine ARN/,
    );
  });
});
