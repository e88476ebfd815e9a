import { useLocalServices } from '../../src/testing/local-services';
import { failureOf, runTask } from './helpers';

const PUT = 'arn:aws:states:::dynamodb:putItem';
const GET = 'arn:aws:states:::dynamodb:getItem';
const UPDATE = 'arn:aws:states:::dynamodb:updateItem';
const DELETE = 'arn:aws:states:::dynamodb:deleteItem';
const CAUSE = (message: string, code: string) =>
  new RegExp(
    `^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ${code}; Request ID: \\S+; Proxy: null\\)$`,
  );

const services = useLocalServices({ dynamodb: { tables: { records: {} } } });
const run = (resource: string, parameters: unknown) => runTask(services().integrations, resource, parameters);

describe('dynamodb optimized integration against DynamoDB Local', () => {
  test('Given a new item, when putItem runs, then the result is only the SDK metadata, as AWS records it', async () => {
    const result = (await run(PUT, {
      TableName: 'records',
      Item: { id: { S: 'put-1' }, status: { S: 'INPROGRESS' } },
    })) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['SdkHttpMetadata', 'SdkResponseMetadata']);
    expect(result.SdkHttpMetadata).toEqual({
      AllHttpHeaders: {
        Server: ['Server'],
        Connection: ['keep-alive'],
        'x-amzn-RequestId': [expect.any(String)],
        'x-amz-crc32': [expect.any(String)],
        'Content-Length': ['2'],
        Date: [expect.any(String)],
        'Content-Type': ['application/x-amz-json-1.0'],
      },
      HttpHeaders: expect.objectContaining({ 'Content-Length': '2', Connection: 'keep-alive' }),
      HttpStatusCode: 200,
    });
    expect(Object.keys((result.SdkHttpMetadata as { HttpHeaders: object }).HttpHeaders)).toEqual([
      'Connection',
      'Content-Length',
      'Content-Type',
      'Date',
      'Server',
      'x-amz-crc32',
      'x-amzn-RequestId',
    ]);
    expect(result.SdkResponseMetadata).toEqual({ RequestId: expect.any(String) });
  });

  test('Given a stored item, when getItem runs, then Item comes first in low-level attribute form', async () => {
    await run(PUT, { TableName: 'records', Item: { id: { S: 'get-1' }, n: { N: '7' }, b: { B: 'aGk=' } } });
    const result = (await run(GET, { TableName: 'records', Key: { id: { S: 'get-1' } } })) as Record<
      string,
      unknown
    >;
    expect(Object.keys(result)).toEqual(['Item', 'SdkHttpMetadata', 'SdkResponseMetadata']);
    expect(result.Item).toEqual({ id: { S: 'get-1' }, n: { N: '7' }, b: { B: 'aGk=' } });
  });

  test('Given no stored item, when getItem runs, then the result has no Item member', async () => {
    const result = (await run(GET, { TableName: 'records', Key: { id: { S: 'absent' } } })) as object;
    expect(Object.keys(result)).toEqual(['SdkHttpMetadata', 'SdkResponseMetadata']);
  });

  test('Given ReturnValues UPDATED_NEW, when updateItem runs, then Attributes holds the new values', async () => {
    await run(PUT, { TableName: 'records', Item: { id: { S: 'upd-1' }, status: { S: 'INPROGRESS' } } });
    const result = (await run(UPDATE, {
      TableName: 'records',
      Key: { id: { S: 'upd-1' } },
      UpdateExpression: 'SET #s = :done',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':done': { S: 'COMPLETED' } },
      ReturnValues: 'UPDATED_NEW',
    })) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['Attributes', 'SdkHttpMetadata', 'SdkResponseMetadata']);
    expect(result.Attributes).toEqual({ status: { S: 'COMPLETED' } });
  });

  test('Given a stored item, when deleteItem runs, then only metadata comes back and the item is gone', async () => {
    await run(PUT, { TableName: 'records', Item: { id: { S: 'del-1' } } });
    const result = (await run(DELETE, { TableName: 'records', Key: { id: { S: 'del-1' } } })) as object;
    expect(Object.keys(result)).toEqual(['SdkHttpMetadata', 'SdkResponseMetadata']);
    const after = (await run(GET, { TableName: 'records', Key: { id: { S: 'del-1' } } })) as object;
    expect(after).not.toHaveProperty('Item');
  });

  test('fails with DynamoDB.ConditionalCheckFailedException when the condition is false', async () => {
    const claim = {
      TableName: 'records',
      Item: { id: { S: 'claim-1' } },
      ConditionExpression: 'attribute_not_exists(id)',
    };
    await run(PUT, claim);
    const failure = await failureOf(run(PUT, claim));
    expect(failure.error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect(failure.cause).toMatch(CAUSE('The conditional request failed', 'ConditionalCheckFailedException'));
  });

  test('fails with DynamoDB.ResourceNotFoundException when the table does not exist', async () => {
    const failure = await failureOf(run(PUT, { TableName: 'no_such_table', Item: { id: { S: 'x' } } }));
    expect(failure.error).toBe('DynamoDB.ResourceNotFoundException');
    expect(failure.cause).toMatch(CAUSE('Requested resource not found', 'ResourceNotFoundException'));
  });

  test('fails with DynamoDB.AmazonDynamoDBException when Item is null, with AWS validation wording', async () => {
    const failure = await failureOf(run(PUT, { TableName: 'no_such_table', Item: null }));
    expect(failure.error).toBe('DynamoDB.AmazonDynamoDBException');
    expect(failure.cause).toMatch(
      CAUSE(
        "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null",
        'ValidationException',
      ),
    );
  });

  test('fails with DynamoDB.AmazonDynamoDBException in the words AWS recorded when the table name breaks its pattern', async () => {
    const failure = await failureOf(run(PUT, { TableName: '/records', Item: { id: { S: 'x' } } }));
    expect(failure.error).toBe('DynamoDB.AmazonDynamoDBException');
    expect(failure.cause).toMatch(
      CAUSE(
        "1 validation error detected: Value '/records' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        'ValidationException',
      ),
    );
  });

  test('fails with every broken constraint in one cause when the table name is too short and Item is null', async () => {
    const failure = await failureOf(run(PUT, { TableName: '', Item: null }));
    expect(failure.cause).toMatch(
      CAUSE(
        "3 validation errors detected: Value '' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; Value '' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value null at 'item' failed to satisfy constraint: Member must not be null",
        'ValidationException',
      ),
    );
  });

  test('Given a table ARN as TableName, When getItem runs, Then the name rules do not apply', async () => {
    const failure = await failureOf(
      run(GET, {
        TableName: 'arn:aws:dynamodb:us-east-1:000000000000:table/missing',
        Key: { id: { S: 'x' } },
      }),
    );
    expect(failure.cause).not.toMatch(/at 'tableName'/);
  });

  test('fails with DynamoDB.AmazonDynamoDBException when DynamoDB rejects an expression', async () => {
    const failure = await failureOf(
      run(PUT, {
        TableName: 'records',
        Item: { id: { S: 'v-1' } },
        ConditionExpression: 'attribute_not_exists(',
      }),
    );
    expect(failure.error).toBe('DynamoDB.AmazonDynamoDBException');
    expect(failure.cause).toMatch(/Error Code: ValidationException; Request ID: \S+; Proxy: null\)$/);
  });

  test('fails with States.Runtime when a parameter is not supported by Step Functions for the action', async () => {
    const failure = await failureOf(
      run(GET, {
        TableName: 'records',
        Key: { id: { S: 'a' } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    expect(failure.error).toBe('States.Runtime');
    expect(failure.cause).toContain(
      'The field "ReturnValuesOnConditionCheckFailure" is not supported by Step Functions',
    );
  });
});
