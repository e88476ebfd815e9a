/**
 * The load test's business function. Its side effect is an item in its own ledger table, counted
 * from outside the guard:
 * - given the envelope (`{ idempotencyKey, event }`), one conditional put keyed by the idempotency
 *   key, as a downstream API with a client token (EC2's `clientToken`) does: a second call with the
 *   same key changes nothing and gets the first result back;
 * - given the bare event, there is no key to pass on: every call puts an item of its own (key and
 *   request id), so a second call is a second side effect.
 * A second table gets one item per call, also for the calls the conditional put refused.
 */
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

interface LoadEvent {
  readonly eventId: string;
}
interface Envelope {
  readonly idempotencyKey: string;
  readonly event: LoadEvent;
}

// The local runtime gives the function AWS_ENDPOINT_URL_DYNAMODB (DynamoDB Local, not the fault proxy).
const client = new DynamoDBClient({});

const isEnvelope = (payload: unknown): payload is Envelope =>
  typeof (payload as Envelope)?.idempotencyKey === 'string' &&
  typeof (payload as Envelope).event === 'object';

export async function handler(payload: LoadEvent | Envelope, context: { awsRequestId: string }) {
  const envelope = isEnvelope(payload) ? payload : undefined;
  const eventId = envelope ? envelope.event.eventId : (payload as LoadEvent).eventId;
  const requestId = context.awsRequestId;
  const at = String(Date.now());
  let outcome: 'applied' | 'already applied' = 'applied';
  try {
    await client.send(
      new PutItemCommand({
        TableName: process.env.LEDGER_TABLE,
        Item: {
          id: { S: envelope ? envelope.idempotencyKey : `${eventId}#${requestId}` },
          eventId: { S: eventId },
          requestId: { S: requestId },
          at: { N: at },
        },
        ...(envelope ? { ConditionExpression: 'attribute_not_exists(id)' } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    outcome = 'already applied';
  }
  await client.send(
    new PutItemCommand({
      TableName: process.env.CALLS_TABLE,
      Item: {
        id: { S: requestId },
        eventId: { S: eventId },
        outcome: { S: outcome },
        at: { N: at },
      },
    }),
  );
  return { eventId, outcome };
}
