import {
  DeleteItemCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { StatesError } from '../engine/errors';
import type { Integration, TaskCall } from '../engine/types';
import {
  captureHeaders,
  responseHeaders,
  sdkMetadata,
  serviceCause,
  toStatesError,
  unsupportedParameter,
} from './aws-metadata';

/**
 * The optimized DynamoDB integration (`arn:aws:states:::dynamodb:<action>`): the low-level request goes to
 * DynamoDB as given; the result is the API response plus `SdkHttpMetadata`/`SdkResponseMetadata`; errors
 * are named as Step Functions names them (AWS SDK for Java v1 classes, service `AmazonDynamoDBv2`).
 */

export type DynamoDbAction = 'putItem' | 'getItem' | 'updateItem' | 'deleteItem';

const WRITE_COMMON = [
  'TableName',
  'ConditionalOperator',
  'ConditionExpression',
  'Expected',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
  'ReturnConsumedCapacity',
  'ReturnItemCollectionMetrics',
  'ReturnValues',
];

/** Parameters Step Functions accepts per action (AWS "Call DynamoDB APIs with Step Functions"). */
export const SUPPORTED_PARAMETERS: Readonly<Record<DynamoDbAction, ReadonlySet<string>>> = {
  getItem: new Set([
    'Key',
    'TableName',
    'AttributesToGet',
    'ConsistentRead',
    'ExpressionAttributeNames',
    'ProjectionExpression',
    'ReturnConsumedCapacity',
  ]),
  putItem: new Set(['Item', ...WRITE_COMMON]),
  updateItem: new Set(['Key', 'AttributeUpdates', 'UpdateExpression', ...WRITE_COMMON]),
  deleteItem: new Set(['Key', ...WRITE_COMMON]),
};

/** Required members besides TableName, in the DynamoDB model's order (TableName comes first in each). */
const REQUIRED: Readonly<Record<DynamoDbAction, readonly string[]>> = {
  getItem: ['Key'],
  putItem: ['Item'],
  updateItem: ['Key'],
  deleteItem: ['Key'],
};

const TABLE_NAME_PATTERN = '[a-zA-Z0-9_.-]+';
const TABLE_NAME = /^[a-zA-Z0-9_.-]+$/;

/**
 * DynamoDB's checks of a table name that is not an ARN (3-255 characters of TABLE_NAME_PATTERN), in the
 * words AWS answers, e.g. "Value '/t' at 'tableName' failed to satisfy constraint: Member must satisfy
 * regular expression pattern: [a-zA-Z0-9_.-]+" (recorded on AWS through Step Functions). DynamoDB Local
 * words an invalid name differently, so the integration checks it before sending the request.
 */
function tableNameViolations(name: unknown): string[] {
  if (name === undefined)
    return ["Value null at 'tableName' failed to satisfy constraint: Member must not be null"];
  if (typeof name !== 'string' || name.startsWith('arn:')) return [];
  const at = `Value '${name}' at 'tableName' failed to satisfy constraint: `;
  const found: string[] = [];
  if (name.length < 3) found.push(`${at}Member must have length greater than or equal to 3`);
  if (name.length > 255) found.push(`${at}Member must have length less than or equal to 255`);
  if (!TABLE_NAME.test(name))
    found.push(`${at}Member must satisfy regular expression pattern: ${TABLE_NAME_PATTERN}`);
  return found;
}

// biome-ignore lint/suspicious/noExplicitAny: the request is DynamoDB's wire shape, checked by the service.
function command(action: DynamoDbAction, input: any) {
  switch (action) {
    case 'getItem':
      return new GetItemCommand(input);
    case 'putItem':
      return new PutItemCommand(input);
    case 'updateItem':
      return new UpdateItemCommand(input);
    case 'deleteItem':
      return new DeleteItemCommand(input);
  }
}

/** Header order of `AllHttpHeaders` in DynamoDB results recorded on AWS. */
const HEADER_ORDER = [
  'Server',
  'Connection',
  'x-amzn-RequestId',
  'x-amz-crc32',
  'Content-Length',
  'Date',
  'Content-Type',
];

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Binary attribute values travel as base64 text in state data and as bytes in the SDK. */
function convertBinary(value: unknown, toBytes: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => convertBinary(item, toBytes));
  if (value instanceof Uint8Array) return toBytes ? value : Buffer.from(value).toString('base64');
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (toBytes && key === 'B' && typeof item === 'string') out[key] = Buffer.from(item, 'base64');
    else if (toBytes && key === 'BS' && Array.isArray(item) && item.every((b) => typeof b === 'string')) {
      out[key] = item.map((b: string) => Buffer.from(b, 'base64'));
    } else out[key] = convertBinary(item, toBytes);
  }
  return out;
}

const LOCAL_MISSING_TABLE = 'Cannot do operations on a non-existent table';

/**
 * Error codes whose AWS SDK for Java v1 exception class, the name Step Functions reports, is not the
 * code itself (com.amazonaws.services.dynamodbv2.model.InternalServerErrorException has the code
 * InternalServerError); every other modeled code is its class name.
 */
const JAVA_EXCEPTION_CLASS: Readonly<Record<string, string>> = {
  InternalServerError: 'InternalServerErrorException',
  RequestLimitExceeded: 'RequestLimitExceededException',
};

/**
 * Codes this SDK models that the AWS SDK for Java v1 has no class for: that SDK has taken no new
 * service models since it entered maintenance (31 July 2024), and DynamoDB added these later
 * (ThrottlingException in 2025, ReplicatedWriteConflictException with multi-Region strong
 * consistency in December 2024). Step Functions reports them under the base class, as any other
 * code without a class.
 */
const NOT_IN_JAVA_V1: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ReplicatedWriteConflictException',
]);

function mapError(err: { name?: string; message?: string }, code: string): StatesError {
  // Exceptions the Java v1 SDK models keep their class name; anything else (ValidationException,
  // ThrottlingException, ...) is reported under its base exception class, the code inside the cause.
  const modeled =
    err instanceof DynamoDBServiceException &&
    Object.getPrototypeOf(err) !== DynamoDBServiceException.prototype &&
    !NOT_IN_JAVA_V1.has(code);
  const name = modeled
    ? `DynamoDB.${JAVA_EXCEPTION_CLASS[code] ?? code}`
    : 'DynamoDB.AmazonDynamoDBException';
  // DynamoDB Local words a missing table differently from DynamoDB; report what AWS says.
  const message = err.message === LOCAL_MISSING_TABLE ? 'Requested resource not found' : err.message;
  return new StatesError(name, serviceCause('AmazonDynamoDBv2', { ...err, message }, code));
}

export function createDynamoDbIntegration(action: DynamoDbAction, client: () => DynamoDBClient): Integration {
  return {
    resourceType: 'dynamodb',
    resource: action,
    async invoke(call: TaskCall): Promise<unknown> {
      const params = call.parameters;
      if (params === null || typeof params !== 'object' || Array.isArray(params)) {
        throw new StatesError(
          'States.Runtime',
          `An error occurred while executing the state '${call.stateName}'. The Parameters of a dynamodb:${action} task must be a JSON object, got ${JSON.stringify(params)}`,
        );
      }
      const input: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(params)) {
        if (!SUPPORTED_PARAMETERS[action].has(key)) throw unsupportedParameter(call, key);
        if (value !== null && value !== undefined) input[key] = value;
      }
      // DynamoDB's own validation wording, raised before the request as the service would.
      const violations = [
        ...tableNameViolations(input.TableName),
        ...REQUIRED[action]
          .filter((key) => input[key] === undefined)
          .map(
            (key) => `Value null at '${camel(key)}' failed to satisfy constraint: Member must not be null`,
          ),
      ];
      if (violations.length > 0) {
        const count =
          violations.length === 1
            ? '1 validation error detected'
            : `${violations.length} validation errors detected`;
        throw mapError(
          { name: 'ValidationException', message: `${count}: ${violations.join('; ')}` },
          'ValidationException',
        );
      }
      let output: Record<string, unknown>;
      try {
        const request = command(action, convertBinary(input, true));
        // biome-ignore lint/suspicious/noExplicitAny: one call site for four command types.
        output = (await client().send(request as any, { abortSignal: call.signal })) as unknown as Record<
          string,
          unknown
        >;
      } catch (err) {
        toStatesError(err, call.signal, 'DynamoDB', mapError);
      }
      const { $metadata, ...fields } = output as { $metadata?: { requestId?: string } };
      const result = convertBinary(fields, false) as Record<string, unknown>;
      const metadata = sdkMetadata(
        HEADER_ORDER,
        { Server: 'Server', Connection: 'keep-alive', 'Content-Type': 'application/x-amz-json-1.0' },
        responseHeaders(output),
        $metadata?.requestId,
      );
      return { ...result, ...metadata };
    },
  };
}

/** A client for one endpoint whose commands report their HTTP headers. */
export function dynamoDbClient(options: DynamoDBClientConfig): DynamoDBClient {
  const client = new DynamoDBClient(options);
  captureHeaders(client.middlewareStack);
  return client;
}
