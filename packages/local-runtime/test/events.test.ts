import {
  type EventPattern,
  InvalidEventPatternError,
  LocalEventBus,
  matchesPattern,
  statusChangeEvent,
} from '../src/events';
import type { ExecutionRecord, StepFunctionsApi } from '../src/sfn';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:orders:run-1';
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';
const LOCATION = { region: 'us-east-1', accountId: '123456789012' };

function record(overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    executionArn: ARN,
    stateMachineArn: MACHINE,
    stateMachineName: 'orders',
    name: 'run-1',
    type: 'STANDARD',
    input: '{"orderId":"o-1"}',
    startDate: new Date(1_795_000_000_000),
    execution: {} as ExecutionRecord['execution'],
    status: 'FAILED',
    stopDate: new Date(1_795_000_060_000),
    error: 'PaymentDeclined',
    cause: 'declined',
    ...overrides,
  };
}

describe('statusChangeEvent', () => {
  it('has the shape of the event Step Functions sends to EventBridge', () => {
    const event = statusChangeEvent(record(), LOCATION);

    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '123456789012',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: 'us-east-1',
      resources: [ARN],
      detail: {
        executionArn: ARN,
        stateMachineArn: MACHINE,
        name: 'run-1',
        status: 'FAILED',
        startDate: 1_795_000_000_000,
        stopDate: 1_795_000_060_000,
        input: '{"orderId":"o-1"}',
        inputDetails: { included: true },
        output: null,
        outputDetails: null,
        error: 'PaymentDeclined',
        cause: 'declined',
      },
    });
  });

  it('leaves input and output out when, escaped, they add up to more than 248 KiB', () => {
    // 130,000 characters of quotes escape to 260,000 bytes: over the limit although the raw text is not.
    const input = JSON.stringify({ quotes: '"'.repeat(65_000) });
    const event = statusChangeEvent(record({ input, status: 'SUCCEEDED', output: '{"ok":true}' }), LOCATION);

    expect(event.detail).toMatchObject({
      input: null,
      inputDetails: { included: false },
      output: null,
      outputDetails: { included: false },
    });
  });

  it('keeps input and output up to 248 KiB escaped', () => {
    const input = JSON.stringify({ blob: 'x'.repeat(200_000) });
    const event = statusChangeEvent(record({ input }), LOCATION);

    expect(event.detail.input).toBe(input);
    expect(event.detail.inputDetails).toEqual({ included: true });
  });

  it('has no stop date and no output while running', () => {
    const event = statusChangeEvent(
      record({ status: 'RUNNING', stopDate: undefined, error: undefined, cause: undefined }),
      LOCATION,
    );
    expect(event.detail).toMatchObject({
      status: 'RUNNING',
      stopDate: null,
      output: null,
      outputDetails: null,
    });
    expect(event.detail).not.toHaveProperty('error');
  });
});

describe('matchesPattern', () => {
  const event = statusChangeEvent(record(), LOCATION);
  const pattern = (detail: EventPattern): EventPattern => ({
    source: ['aws.states'],
    'detail-type': ['Step Functions Execution Status Change'],
    detail,
  });

  it('matches when every field has one of its values', () => {
    expect(
      matchesPattern(pattern({ status: ['FAILED', 'TIMED_OUT'], stateMachineArn: [MACHINE] }), event),
    ).toBe(true);
  });

  it('does not match another status or another state machine', () => {
    expect(matchesPattern(pattern({ status: ['SUCCEEDED'] }), event)).toBe(false);
    expect(matchesPattern(pattern({ stateMachineArn: [`${MACHINE}-other`] }), event)).toBe(false);
  });

  it('matches a field that is absent only through exists: false', () => {
    expect(matchesPattern(pattern({ redriveCount: [{ exists: false }] }), event)).toBe(true);
    expect(matchesPattern(pattern({ redriveCount: [null] }), event)).toBe(false);
    expect(matchesPattern(pattern({ error: [{ exists: true }] }), event)).toBe(true);
  });

  it('supports prefix and anything-but, and matches any element of an array field', () => {
    expect(matchesPattern({ resources: [{ prefix: 'arn:aws:states:us-east-1:' }] }, event)).toBe(true);
    expect(matchesPattern(pattern({ status: [{ 'anything-but': ['SUCCEEDED'] }] }), event)).toBe(true);
    expect(matchesPattern(pattern({ status: [{ 'anything-but': ['FAILED'] }] }), event)).toBe(false);
  });

  it('fails when a pattern uses a filter the local bus does not implement', () => {
    const numeric = { detail: { startDate: [{ numeric: ['>', 0] }] } } as unknown as EventPattern;
    expect(() => matchesPattern(numeric, event)).toThrow(InvalidEventPatternError);
  });
});

describe('LocalEventBus', () => {
  function fakeApi() {
    const started: { stateMachineArn: unknown; input: unknown }[] = [];
    let listener: ((event: Parameters<Parameters<StepFunctionsApi['subscribe']>[0]>[0]) => void) | undefined;
    const api = {
      location: LOCATION,
      subscribe: (l: typeof listener) => {
        listener = l;
        return () => {
          listener = undefined;
        };
      },
      startExecution: (input: { stateMachineArn: unknown; input: unknown }) => {
        if (input.stateMachineArn === 'missing') throw new Error('StateMachineDoesNotExist');
        started.push(input);
        return {};
      },
    } as unknown as StepFunctionsApi;
    return { api, started, emit: (e: Parameters<NonNullable<typeof listener>>[0]) => listener?.(e) };
  }
  const rule = {
    name: 'release',
    pattern: { source: ['aws.states'], detail: { status: ['FAILED', 'ABORTED'] } },
    targetStateMachineArn: 'release-arn',
  };

  it('starts the target with the status-change event of a matching STANDARD execution, after the change', async () => {
    const { api, started, emit } = fakeApi();
    const bus = new LocalEventBus(api);
    bus.putRule(rule);

    emit({ kind: 'executionFinished', execution: record() });
    expect(started).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));

    expect(started).toHaveLength(1);
    expect(started[0]?.stateMachineArn).toBe('release-arn');
    expect(JSON.parse(String(started[0]?.input)).detail).toMatchObject({
      executionArn: ARN,
      status: 'FAILED',
    });
    expect(bus.deliveries.get('release')).toEqual({ invoked: 1, failed: 0 });
    bus.close();
  });

  it('ignores EXPRESS executions, history events and non-matching statuses', async () => {
    const { api, started, emit } = fakeApi();
    const bus = new LocalEventBus(api);
    bus.putRule(rule);

    emit({ kind: 'executionFinished', execution: record({ type: 'EXPRESS' }) });
    emit({ kind: 'executionFinished', execution: record({ status: 'SUCCEEDED' }) });
    emit({ kind: 'executionStarted', execution: record({ status: 'RUNNING' }) });
    await new Promise((resolve) => setImmediate(resolve));

    expect(started).toHaveLength(0);
    bus.close();
  });

  it('counts a delivery whose target cannot be started as failed', () => {
    const { api } = fakeApi();
    const bus = new LocalEventBus(api);
    bus.putRule({ ...rule, targetStateMachineArn: 'missing' });

    bus.publish(statusChangeEvent(record(), LOCATION));

    expect(bus.deliveries.get('release')).toEqual({ invoked: 1, failed: 1 });
    bus.close();
  });

  it('fails when a rule uses an unsupported filter', () => {
    const bus = new LocalEventBus(fakeApi().api);
    const numeric = { detail: { startDate: [{ numeric: ['>', 0] }] } } as unknown as EventPattern;
    expect(() => bus.putRule({ ...rule, pattern: numeric })).toThrow(InvalidEventPatternError);
    bus.close();
  });
});
