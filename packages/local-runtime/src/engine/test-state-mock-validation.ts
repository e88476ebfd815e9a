/**
 * TestState's `mock.fieldValidationMode`: a mocked Task result is checked against the response shape of
 * the API the resource calls. The shapes are the installed SDK clients' own schemas (the `<Operation>$`
 * operation schemas of @aws-sdk/client-*), so there is no hand-written copy of any service model.
 *
 * Rules (AWS's MockInput reference, and AWS answers recorded by LocalStack in Nov 2025): STRICT checks that
 * every required member is present and every present member has the model's type; PRESENT checks only
 * present members; NONE checks nothing. Members the model does not have are never an error. Member names
 * are the model's with the first letter upper-cased, as Step Functions returns them.
 */

export type FieldValidationMode = 'STRICT' | 'PRESENT' | 'NONE';

export const MOCK_VALIDATION_PREFIX = 'Mock result schema validation error: ';

/** A mocked result that does not fit the API model; the message is AWS's. */
export class MockValidationError extends Error {
  constructor(detail: string) {
    super(`${MOCK_VALIDATION_PREFIX}${detail}`);
    this.name = 'ValidationException';
  }
}

interface Target {
  readonly client: string;
  readonly operation: string;
  /** Members the optimized integration returns in another form than the API (Lambda's JSON `Payload`). */
  readonly skip?: ReadonlySet<string>;
}

/** Clients whose schemas are installed, by the service name of `aws-sdk:<service>:<action>`. */
const SDK_CLIENTS: Readonly<Record<string, string>> = {
  dynamodb: '@aws-sdk/client-dynamodb',
  lambda: '@aws-sdk/client-lambda',
  sfn: '@aws-sdk/client-sfn',
  eventbridge: '@aws-sdk/client-eventbridge',
};

/** Optimized integrations (request-response only) and the API each one returns. */
const OPTIMIZED: Readonly<Record<string, Target>> = {
  'lambda:invoke': { client: SDK_CLIENTS.lambda as string, operation: 'Invoke', skip: new Set(['Payload']) },
  'dynamodb:getItem': { client: SDK_CLIENTS.dynamodb as string, operation: 'GetItem' },
  'dynamodb:putItem': { client: SDK_CLIENTS.dynamodb as string, operation: 'PutItem' },
  'dynamodb:updateItem': { client: SDK_CLIENTS.dynamodb as string, operation: 'UpdateItem' },
  'dynamodb:deleteItem': { client: SDK_CLIENTS.dynamodb as string, operation: 'DeleteItem' },
  'events:putEvents': { client: SDK_CLIENTS.eventbridge as string, operation: 'PutEvents' },
  'states:startExecution': { client: SDK_CLIENTS.sfn as string, operation: 'StartExecution' },
};

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** The API whose response a Task resource returns, when its schema is installed. */
function targetOf(resource: string): Target | undefined {
  const match = /^arn:[^:]+:states:::(.+)$/.exec(resource);
  if (match === null) return undefined;
  const service = match[1] as string;
  const sdk = /^aws-sdk:([a-z0-9-]+):([A-Za-z0-9]+)$/.exec(service);
  if (sdk !== null) {
    const client = SDK_CLIENTS[sdk[1] as string];
    return client === undefined ? undefined : { client, operation: pascal(sdk[2] as string) };
  }
  return OPTIMIZED[service];
}

/**
 * The SDK's static schemas (smithy's format, as @smithy/core reads them): a number is a simple type
 * (0 string, 1 number, 2 boolean, 4-7 timestamp, 15 document, 17/19 big number, 21/42 blob, 64|x a list
 * of x, 128|x a map of x); an array is [kind, namespace, name, traits, ...] with kind 3 structure
 * (memberNames, memberSchemas, requiredCount: the required members come first), 4 union, 1 list (value),
 * 2 map (key, value), 0 a simple type with traits (schema); a member with traits is [schema, traits]; a
 * function returns the schema (recursive shapes).
 */
type Shape =
  | { readonly kind: 'structure'; readonly members: [string, unknown][]; readonly required: number }
  | { readonly kind: 'list' | 'map'; readonly value: unknown }
  | { readonly kind: 'string' | 'number' | 'boolean' | 'any' };

function shapeOf(schema: unknown): Shape {
  let ref = typeof schema === 'function' ? (schema as () => unknown)() : schema;
  if (Array.isArray(ref) && ref.length === 2) ref = ref[0];
  if (typeof ref === 'function') ref = (ref as () => unknown)();
  if (typeof ref === 'number') {
    if (ref & 64) return { kind: 'list', value: ref & 63 };
    if (ref & 128) return { kind: 'map', value: ref & 127 };
    if (ref === 1 || ref === 17 || ref === 19) return { kind: 'number' };
    if (ref === 2) return { kind: 'boolean' };
    // Strings, timestamps and blobs: AWS answers "must be a string" for each.
    if (ref === 0 || (ref >= 4 && ref <= 7) || ref === 21 || ref === 42) return { kind: 'string' };
    return { kind: 'any' };
  }
  if (!Array.isArray(ref)) return { kind: 'any' };
  const [kind] = ref;
  if (kind === 3 || kind === 4) {
    const names = ref[4] as string[];
    const schemas = ref[5] as unknown[];
    const required = kind === 3 && typeof ref[6] === 'number' ? ref[6] : 0;
    return { kind: 'structure', members: names.map((name, i) => [name, schemas[i]]), required };
  }
  if (kind === 1) return { kind: 'list', value: ref[4] };
  if (kind === 2) return { kind: 'map', value: ref[5] };
  if (kind === 0) return shapeOf(ref[4]);
  return { kind: 'any' };
}

function outputSchema(target: Target): unknown {
  let module: Record<string, unknown>;
  try {
    module = require(target.client) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  // An operation schema is [9, namespace, name, traits, input, output].
  const operation = module[`${target.operation}$`];
  return Array.isArray(operation) && operation[0] === 9 ? operation[5] : undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const ARTICLES: Readonly<Record<string, string>> = {
  structure: 'an object',
  map: 'an object',
  list: 'an array',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
};

function check(value: unknown, schema: unknown, field: string, strict: boolean): void {
  const shape = shapeOf(schema);
  const fits =
    shape.kind === 'any' ||
    (shape.kind === 'structure' || shape.kind === 'map'
      ? isObject(value)
      : shape.kind === 'list'
        ? Array.isArray(value)
        : typeof value === shape.kind);
  if (!fits) throw new MockValidationError(`Field '${field}' must be ${ARTICLES[shape.kind]}`);
  if (shape.kind === 'structure') checkStructure(value as Record<string, unknown>, shape, strict);
  else if (shape.kind === 'list')
    for (const item of value as unknown[]) check(item, shape.value, field, strict);
  else if (shape.kind === 'map') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>))
      check(item, shape.value, key, strict);
  }
}

function checkStructure(
  value: Record<string, unknown>,
  shape: Extract<Shape, { kind: 'structure' }>,
  strict: boolean,
  skip?: ReadonlySet<string>,
): void {
  shape.members.forEach(([memberName, member], index) => {
    const field = pascal(memberName);
    const present = value[field] !== undefined && value[field] !== null;
    if (!present) {
      if (strict && index < shape.required)
        throw new MockValidationError(`Required field '${field}' is missing`);
    } else if (!skip?.has(field)) {
      check(value[field], member, field, strict);
    }
  });
}

/**
 * Checks a mocked Task result against the response model of the API its resource calls. Resources whose
 * response is not an API response (a Lambda function ARN, `.sync`, `.waitForTaskToken`, an Activity) and
 * services whose SDK client is not installed are not checked; neither is a result that is not an object.
 */
export function validateMockResult(resource: unknown, result: unknown, mode: FieldValidationMode): void {
  if (mode === 'NONE' || typeof resource !== 'string' || !isObject(result)) return;
  const target = targetOf(resource);
  if (target === undefined) return;
  const schema = outputSchema(target);
  if (schema === undefined) return;
  const shape = shapeOf(schema);
  if (shape.kind === 'structure') checkStructure(result, shape, mode === 'STRICT', target.skip);
}
