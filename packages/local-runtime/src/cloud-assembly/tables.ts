/**
 * `AWS::DynamoDB::Table` and `AWS::DynamoDB::GlobalTable` → a DynamoDB Local table: key schema,
 * attribute definitions, global and local secondary indexes, TTL attribute and stream. Billing,
 * throughput, encryption, point-in-time recovery and the replicas of other regions have no local
 * meaning and are not read.
 */
import type { KeyAttribute, KeyAttributeType, SecondaryIndexOptions, TableOptions } from '../dynamodb-local';
import { UnresolvableIntrinsicError } from './errors';
import type { StackModel } from './model';

interface KeySchemaElement {
  readonly AttributeName: string;
  readonly KeyType: 'HASH' | 'RANGE';
}

function keyAttributes(
  schema: unknown,
  types: ReadonlyMap<string, KeyAttributeType>,
  fail: (message: string) => never,
): { hash: KeyAttribute; range?: KeyAttribute } {
  if (!Array.isArray(schema)) return fail('KeySchema must be a list of {AttributeName, KeyType}');
  const attribute = (element: KeySchemaElement | undefined): KeyAttribute | undefined => {
    if (!element) return undefined;
    const type = types.get(element.AttributeName);
    if (!type) return fail(`key attribute ${element.AttributeName} has no AttributeDefinitions entry`);
    return { name: element.AttributeName, type };
  };
  const elements = schema as KeySchemaElement[];
  const hash = attribute(elements.find((e) => e.KeyType === 'HASH'));
  if (!hash) return fail('KeySchema has no HASH key');
  const range = attribute(elements.find((e) => e.KeyType === 'RANGE'));
  return range ? { hash, range } : { hash };
}

function indexes(
  value: unknown,
  types: ReadonlyMap<string, KeyAttributeType>,
  fail: (message: string) => never,
): SecondaryIndexOptions[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail('secondary indexes must be a list');
  return value.map(
    (index: {
      IndexName?: string;
      KeySchema?: unknown;
      Projection?: SecondaryIndexOptions['projection'];
    }) => {
      const { hash, range } = keyAttributes(index.KeySchema, types, fail);
      return {
        indexName: String(index.IndexName),
        hashKey: hash,
        ...(range ? { rangeKey: range } : {}),
        ...(index.Projection ? { projection: index.Projection } : {}),
      };
    },
  );
}

/** The local table for a table resource of the template. */
export function tableOptionsFrom(stack: StackModel, logicalId: string): TableOptions {
  const fail =
    (property: string) =>
    (message: string): never => {
      throw new UnresolvableIntrinsicError(message, stack.at(logicalId, property));
    };
  const definitions = (stack.property(logicalId, 'AttributeDefinitions') ?? []) as {
    AttributeName: string;
    AttributeType: KeyAttributeType;
  }[];
  const types = new Map(definitions.map((d) => [d.AttributeName, d.AttributeType]));
  const { hash, range } = keyAttributes(stack.property(logicalId, 'KeySchema'), types, fail('KeySchema'));
  const ttl = stack.property(logicalId, 'TimeToLiveSpecification') as
    | { AttributeName?: string; Enabled?: boolean | string }
    | undefined;
  const stream = stack.property(logicalId, 'StreamSpecification') as
    | { StreamViewType?: TableOptions['streamViewType']; StreamEnabled?: boolean }
    | undefined;
  const globalIndexes = indexes(
    stack.property(logicalId, 'GlobalSecondaryIndexes'),
    types,
    fail('GlobalSecondaryIndexes'),
  );
  const localIndexes = indexes(
    stack.property(logicalId, 'LocalSecondaryIndexes'),
    types,
    fail('LocalSecondaryIndexes'),
  );
  const ttlEnabled = ttl?.AttributeName && (ttl.Enabled === true || ttl.Enabled === 'true');
  return {
    hashKey: hash.name,
    hashKeyType: hash.type,
    ...(range ? { rangeKey: range } : {}),
    ...(globalIndexes.length > 0 ? { globalSecondaryIndexes: globalIndexes } : {}),
    ...(localIndexes.length > 0 ? { localSecondaryIndexes: localIndexes } : {}),
    ...(ttlEnabled ? { timeToLiveAttribute: ttl.AttributeName } : {}),
    ...(stream?.StreamViewType && stream.StreamEnabled !== false
      ? { streamViewType: stream.StreamViewType }
      : {}),
  };
}
