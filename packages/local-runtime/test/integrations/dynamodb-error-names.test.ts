/**
 * The names Step Functions gives DynamoDB's errors: the AWS SDK for Java v1 class of the code, or
 * its base class for a code that SDK never modeled. The SDK this runtime uses models more (DynamoDB
 * added codes after the Java v1 SDK stopped taking models), so the mapping must not follow it.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ReplicatedWriteConflictException,
  RequestLimitExceeded,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { createDynamoDbIntegration } from '../../src/integrations/dynamodb';
import { failureOf } from './helpers';

const metadata = { $metadata: { httpStatusCode: 400, requestId: 'R1' } };

/** A putItem whose client fails with `error`. */
const putFailingWith = (error: Error) =>
  createDynamoDbIntegration(
    'putItem',
    () => ({ send: () => Promise.reject(error) }) as unknown as DynamoDBClient,
  ).invoke({
    resource: 'arn:aws:states:::dynamodb:putItem',
    parameters: { TableName: 'records', Item: { id: { S: 'k' } } },
    signal: new AbortController().signal,
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:test:run-1',
    stateName: 'Claim',
  });

describe('DynamoDB error names, as Step Functions reports them', () => {
  it.each([
    [
      'ConditionalCheckFailedException',
      new ConditionalCheckFailedException({ message: 'The conditional request failed', ...metadata }),
      'DynamoDB.ConditionalCheckFailedException',
    ],
    [
      'ProvisionedThroughputExceededException',
      new ProvisionedThroughputExceededException({ message: 'slow down', ...metadata }),
      'DynamoDB.ProvisionedThroughputExceededException',
    ],
    [
      'InternalServerError',
      new InternalServerError({ message: 'Internal server error', ...metadata }),
      'DynamoDB.InternalServerErrorException',
    ],
    [
      'RequestLimitExceeded',
      new RequestLimitExceeded({ message: 'Throughput exceeds the current throughput limit', ...metadata }),
      'DynamoDB.RequestLimitExceededException',
    ],
    [
      'ThrottlingException',
      new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput.', ...metadata }),
      'DynamoDB.AmazonDynamoDBException',
    ],
    [
      'ReplicatedWriteConflictException',
      new ReplicatedWriteConflictException({ message: 'conflict', ...metadata }),
      'DynamoDB.AmazonDynamoDBException',
    ],
  ])('%s is %s', async (code, error, name) => {
    const failure = await failureOf(putFailingWith(error));
    expect(failure.error).toBe(name);
    expect(failure.cause).toContain(`Error Code: ${code};`);
  });
});
