/**
 * Idempotency inside the function, the way Powertools for AWS Lambda does it (its
 * DynamoDBPersistenceLayer: a conditional PutItem of an INPROGRESS record with
 * ReturnValuesOnConditionCheckFailure ALL_OLD; on success the business logic, then an UpdateItem
 * to COMPLETED with the result; on a failed condition the stored record comes back on the error
 * and is answered without running the business logic). Written here against the same DynamoDB
 * Local so `npm run bench` can time it beside the blueprint; Powertools itself is not a dependency.
 */

import { createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { handler as business } from './business';

const table = process.env.TABLE_NAME ?? '';
const client = new DynamoDBClient({
  endpoint: process.env.DYNAMODB_ENDPOINT,
  region: process.env.AWS_REGION,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});

export const handler = async (event: unknown, context: { awsRequestId: string }): Promise<unknown> => {
  const id = `powertools#${createHash('sha256').update(JSON.stringify(event)).digest('hex')}`;
  const nowSeconds = Math.floor(Date.now() / 1000);
  try {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          id: { S: id },
          status: { S: 'INPROGRESS' },
          expiration: { N: String(nowSeconds + 3600) },
          in_progress_expiration: { N: String(Date.now() + 3000) },
        },
        ConditionExpression:
          'attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND #in_progress_expiry < :now_ms)',
        ExpressionAttributeNames: {
          '#id': 'id',
          '#expiry': 'expiration',
          '#status': 'status',
          '#in_progress_expiry': 'in_progress_expiration',
        },
        ExpressionAttributeValues: {
          ':now': { N: String(nowSeconds) },
          ':now_ms': { N: String(Date.now()) },
          ':inprogress': { S: 'INPROGRESS' },
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      const stored = error.Item?.data?.S;
      return stored === undefined ? { duplicate: true } : JSON.parse(stored);
    }
    throw error;
  }
  let result: unknown;
  try {
    result = await business(event as never);
  } catch (error) {
    await client.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: id } } }));
    throw error;
  }
  await client.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { id: { S: id } },
      UpdateExpression: 'SET #status = :completed, #data = :data, #request = :request',
      ExpressionAttributeNames: { '#status': 'status', '#data': 'data', '#request': 'request' },
      ExpressionAttributeValues: {
        ':completed': { S: 'COMPLETED' },
        ':data': { S: JSON.stringify(result) },
        ':request': { S: context.awsRequestId },
      },
    }),
  );
  return result;
};
