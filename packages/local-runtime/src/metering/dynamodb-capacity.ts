/**
 * A capacity meter in front of DynamoDB Local: it asks DynamoDB for the capacity each call consumes
 * (`ReturnConsumedCapacity: TOTAL`) and records it, then answers the caller with what it would have
 * had without the meter (the added `ConsumedCapacity` removed, `x-amz-crc32` recomputed), so the
 * engine's results and history do not change.
 *
 * DynamoDB Local reports the capacity of a successful call as DynamoDB does (item sizes rounded up
 * to 1 KB for writes, 4 KB for reads, halved for eventually consistent reads, doubled in
 * transactions), but a failed conditional write comes back without any, although DynamoDB charges
 * it: "sized on the larger of the existing item and the new one, at least 1 unit" (DynamoDB
 * Developer Guide, "DynamoDB read and write operations", conditional writes). So for a write with
 * a condition the meter also asks for the stored item on failure
 * (`ReturnValuesOnConditionCheckFailure: ALL_OLD`, removed again from the answer) and sizes the
 * failed write by that rule, with DynamoDB's item-size rules (`itemSizeBytes`).
 */
import { crc32 } from 'node:zlib';
import { type ProxiedCall, type ProxyAnswer, startDynamoDbProxy } from '../dynamodb-proxy';

/** One metered call. */
export interface MeteredCall {
  /** e.g. `PutItem` (from `X-Amz-Target`). */
  readonly operation: string;
  readonly tableName?: string;
  /** The string value of the item's `id` (its Key, or its Item for a PutItem), when it has one. */
  readonly id?: string;
  readonly status: number;
  /** The error type for a failed call, e.g. `ConditionalCheckFailedException`. */
  readonly error?: string;
  /** Write units: as DynamoDB reported them, or sized by the meter for a failed conditional write. */
  readonly writeUnits: number;
  readonly readUnits: number;
  /** How the units were found: reported by DynamoDB Local, or sized by the meter (failed condition). */
  readonly source: 'reported' | 'sized' | 'none';
  /** When the request arrived (`performance.now()` of this process). */
  readonly startedAt: number;
  /** Milliseconds from the request's arrival to DynamoDB Local's answer. */
  readonly ms: number;
}

export interface DynamoDbCapacityMeterOptions {
  /** DynamoDB's endpoint (DynamoDB Local, or a fault proxy in front of it). */
  readonly upstream: string;
  /** Port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /** Told of every call once it is answered. */
  readonly onCall?: (call: MeteredCall) => void;
}

export interface DynamoDbCapacityMeter {
  /** `http://127.0.0.1:<port>`: give it to a DynamoDB client instead of the upstream. */
  readonly endpoint: string;
  /** Every call so far, in the order they were answered. */
  calls(): readonly MeteredCall[];
  /** Forgets the calls recorded so far. */
  reset(): void;
  stop(): Promise<void>;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const KB = 1024;

type AttributeValue = Record<string, unknown>;

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/** A number's size: about one byte per two significant digits, plus one (DynamoDB's rule). */
function numberSize(text: string): number {
  const digits = text
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '');
  const significant = digits.replace(/0+$/, '');
  return Math.ceil(Math.max(1, significant.length) / 2) + 1;
}

/** The size of one attribute value, by DynamoDB's item-size rules (Developer Guide, "Item sizes and formats"). */
export function attributeValueSize(value: AttributeValue): number {
  const [type, content] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return utf8(String(content));
    case 'N':
      return numberSize(String(content));
    case 'B':
      return typeof content === 'string' ? Buffer.from(content, 'base64').length : 0;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return (content as string[]).reduce((sum, s) => sum + utf8(s), 0);
    case 'NS':
      return (content as string[]).reduce((sum, n) => sum + numberSize(n), 0);
    case 'BS':
      return (content as string[]).reduce((sum, b) => sum + Buffer.from(b, 'base64').length, 0);
    case 'L':
      return 3 + (content as AttributeValue[]).reduce((sum, v) => sum + 1 + attributeValueSize(v), 0);
    case 'M':
      return (
        3 +
        Object.entries(content as Record<string, AttributeValue>).reduce(
          (sum, [name, v]) => sum + 1 + utf8(name) + attributeValueSize(v),
          0,
        )
      );
    default:
      return 0;
  }
}

/** An item's size in bytes: each attribute's name and value. */
export function itemSizeBytes(item: Record<string, AttributeValue> | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8(name) + attributeValueSize(value);
  return size;
}

/** Write units of a failed conditional write: the larger of the stored and the new item, 1 KB steps, at least 1. */
export function failedConditionWriteUnits(stored: number, written: number): number {
  return Math.max(1, Math.ceil(Math.max(stored, written) / KB));
}

function idOf(request: Record<string, unknown>): string | undefined {
  const key = (request.Key ?? request.Item) as { id?: { S?: unknown } } | undefined;
  return typeof key?.id?.S === 'string' ? key.id.S : undefined;
}

function unitsOf(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0), 0);
}

/** Starts the meter in front of `upstream`. */
export async function startDynamoDbCapacityMeter(
  options: DynamoDbCapacityMeterOptions,
): Promise<DynamoDbCapacityMeter> {
  let recorded: MeteredCall[] = [];

  const handle = async ({ operation, body: raw, forward }: ProxiedCall): Promise<ProxyAnswer> => {
    const started = performance.now();
    let request: Record<string, unknown> | undefined;
    try {
      request = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      request = undefined;
    }
    const addedCapacity = request !== undefined && request.ReturnConsumedCapacity === undefined;
    const addedOld =
      request !== undefined &&
      WRITES.has(operation) &&
      (request.ConditionExpression !== undefined || request.Expected !== undefined) &&
      request.ReturnValuesOnConditionCheckFailure === undefined;
    let body = raw;
    if (request && (addedCapacity || addedOld)) {
      body = Buffer.from(
        JSON.stringify({
          ...request,
          ...(addedCapacity ? { ReturnConsumedCapacity: 'TOTAL' } : {}),
          ...(addedOld ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } : {}),
        }),
      );
    }
    const answer = await forward(body);
    let answerBody = answer.body;
    let document: Record<string, unknown> | undefined;
    try {
      document = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      document = undefined;
    }
    const errorType =
      answer.status >= 400 && typeof document?.__type === 'string'
        ? document.__type.slice(document.__type.indexOf('#') + 1)
        : undefined;
    let units = 0;
    let source: MeteredCall['source'] = 'none';
    if (answer.status === 200 && document) {
      units = unitsOf(document.ConsumedCapacity);
      source = document.ConsumedCapacity === undefined ? 'none' : 'reported';
      if (addedCapacity && 'ConsumedCapacity' in document) {
        const { ConsumedCapacity: _consumed, ...rest } = document;
        answerBody = Buffer.from(JSON.stringify(rest));
      }
    } else if (errorType === 'ConditionalCheckFailedException' && document) {
      const stored = itemSizeBytes(document.Item as Record<string, AttributeValue> | undefined);
      const written =
        operation === 'PutItem' ? itemSizeBytes(request?.Item as Record<string, AttributeValue>) : 0;
      units = failedConditionWriteUnits(stored, written);
      source = 'sized';
      if (addedOld && 'Item' in document) {
        const { Item: _item, ...rest } = document;
        answerBody = Buffer.from(JSON.stringify(rest));
      }
    }
    const read = READS.has(operation);
    recorded.push({
      operation,
      ...(typeof request?.TableName === 'string' ? { tableName: request.TableName } : {}),
      ...(request && idOf(request) !== undefined ? { id: idOf(request) } : {}),
      status: answer.status,
      ...(errorType ? { error: errorType } : {}),
      writeUnits: read ? 0 : units,
      readUnits: read ? units : 0,
      source,
      startedAt: started,
      ms: performance.now() - started,
    });
    options.onCall?.(recorded[recorded.length - 1] as MeteredCall);
    const headers = { ...answer.headers };
    if (answerBody !== answer.body && headers['x-amz-crc32'] !== undefined) {
      headers['x-amz-crc32'] = String(crc32(answerBody));
    }
    return { status: answer.status, headers, body: answerBody };
  };

  const proxy = await startDynamoDbProxy({ upstream: options.upstream, port: options.port, handle });
  return {
    endpoint: proxy.endpoint,
    calls: () => recorded,
    reset() {
      recorded = [];
    },
    stop: () => proxy.stop(),
  };
}
