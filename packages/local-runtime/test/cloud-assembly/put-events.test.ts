/**
 * The local EventBridge endpoint through @aws-sdk/client-eventbridge: AWS JSON 1.1 PutEvents, the
 * response AWS gives ({FailedEntryCount, Entries:[{EventId} | {ErrorCode, ErrorMessage}]}), and the
 * events it delivers to the rules of the bus (no services needed: the bus starts a recorder).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LOCAL_AWS_CONFIG } from '../../src/dynamodb-local';
import { type EventBridgeService, startEventBridgeService } from '../../src/eventbridge';
import { LocalEventBus, targetInput } from '../../src/events';
import type { StepFunctionsApi } from '../../src/sfn';

const LOCATION = { partition: 'aws', region: 'us-east-1', accountId: '123456789012' };

function recordingBus() {
  const started: { stateMachineArn: string; input: string }[] = [];
  const api = {
    location: LOCATION,
    subscribe: () => () => {},
    startExecution: (input: { stateMachineArn: string; input: string }) => {
      started.push(input);
      return {};
    },
  } as unknown as StepFunctionsApi;
  return { bus: new LocalEventBus(api), started };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the local EventBridge endpoint (PutEvents)', () => {
  let service: EventBridgeService;
  let client: EventBridgeClient;
  let bus: LocalEventBus;
  let started: { stateMachineArn: string; input: string }[];

  beforeEach(async () => {
    ({ bus, started } = recordingBus());
    service = await startEventBridgeService({ bus, region: 'us-east-1', accountId: '123456789012' });
    client = new EventBridgeClient({
      endpoint: service.endpoint,
      region: 'us-east-1',
      credentials: LOCAL_AWS_CONFIG.credentials,
      maxAttempts: 1,
    });
  });
  afterEach(async () => {
    client.destroy();
    bus.close();
    await service.stop();
  });

  it('answers with an EventId per entry and delivers the event EventBridge builds to the matching rule, InputPath applied', async () => {
    bus.putRule({
      name: 'orders',
      pattern: { source: ['shop.orders'], 'detail-type': ['OrderPlaced'] },
      targetStateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders',
      inputPath: '$.detail',
    });
    bus.putRule({
      name: 'everything',
      pattern: { source: ['shop.orders'] },
      targetStateMachineArn: 'arn:whole',
    });

    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'shop.orders',
            DetailType: 'OrderPlaced',
            Detail: '{"orderId":"o-1"}',
            Resources: ['arn:aws:s3:::x'],
            Time: new Date('2026-01-02T03:04:05.678Z'),
          },
          { Source: 'shop.other', DetailType: 'Nothing', Detail: '{}' },
        ],
      }),
    );

    expect(answer.FailedEntryCount).toBe(0);
    expect(answer.Entries).toHaveLength(2);
    expect(answer.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    await settle();
    expect(started).toEqual([
      {
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:orders',
        input: '{"orderId":"o-1"}',
      },
      { stateMachineArn: 'arn:whole', input: expect.any(String) },
    ]);
    expect(JSON.parse(started[1]?.input ?? '')).toEqual({
      version: '0',
      id: answer.Entries?.[0]?.EventId,
      'detail-type': 'OrderPlaced',
      source: 'shop.orders',
      account: '123456789012',
      time: '2026-01-02T03:04:05Z',
      region: 'us-east-1',
      resources: ['arn:aws:s3:::x'],
      detail: { orderId: 'o-1' },
    });
  });

  it('fails single entries as AWS does: missing Source, DetailType or Detail, Detail not a JSON object, an unknown bus', async () => {
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          { DetailType: 'x', Detail: '{}' },
          { Source: 's', Detail: '{}' },
          { Source: 's', DetailType: 'x' },
          { Source: 's', DetailType: 'x', Detail: '[1]' },
          { Source: 's', DetailType: 'x', Detail: '{}', EventBusName: 'nope' },
          { Source: 's', DetailType: 'x', Detail: '{}' },
        ],
      }),
    );
    expect(answer.FailedEntryCount).toBe(5);
    expect(answer.Entries).toEqual([
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus nope does not exist.' },
      { EventId: expect.any(String) },
    ]);
  });

  it('rejects a request of more than 10 entries with ValidationException', async () => {
    const entries = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'x', Detail: '{}' }));
    await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/Member must have length less than or equal to 10/),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('delivers to the rules of the bus named (by name or ARN) with the target Input, and not to the default bus', async () => {
    bus.createEventBus('audit');
    bus.putRule({
      name: 'audited',
      eventBusName: 'audit',
      pattern: { source: [{ prefix: 'shop.' }] },
      targetStateMachineArn: 'arn:audit',
      input: '{"fixed":true}',
    });
    bus.putRule({
      name: 'default-only',
      pattern: { source: [{ prefix: 'shop.' }] },
      targetStateMachineArn: 'arn:default',
    });

    await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'shop.a', DetailType: 'x', Detail: '{}', EventBusName: 'audit' },
          {
            Source: 'shop.b',
            DetailType: 'x',
            Detail: '{}',
            EventBusName: 'arn:aws:events:us-east-1:123456789012:event-bus/audit',
          },
        ],
      }),
    );
    await settle();

    expect(started).toEqual([
      { stateMachineArn: 'arn:audit', input: '{"fixed":true}' },
      { stateMachineArn: 'arn:audit', input: '{"fixed":true}' },
    ]);
    expect(bus.deliveries.get('audit|audited')).toEqual({ invoked: 2, failed: 0 });
  });

  it('answers other operations with UnknownOperationException', async () => {
    const response = await fetch(service.endpoint, {
      method: 'POST',
      headers: { 'X-Amz-Target': 'AWSEvents.ListRules', 'Content-Type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});

describe('target input', () => {
  const event = { detail: { order: { id: 1 } }, source: 's' };
  it('is the event, the constant Input, or what InputPath selects (nothing selected: no delivery)', () => {
    expect(targetInput({}, event)).toBe(JSON.stringify(event));
    expect(targetInput({ input: '"x"' }, event)).toBe('"x"');
    expect(targetInput({ inputPath: '$.detail.order' }, event)).toBe('{"id":1}');
    expect(targetInput({ inputPath: '$.missing' }, event)).toBeUndefined();
  });
});
