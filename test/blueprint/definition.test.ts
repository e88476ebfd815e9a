/**
 * The idempotent workflow's definition, executed on the local engine with stub services: each test
 * runs the definition the plan renders for some options and reads the states entered, the calls
 * made to DynamoDB and Lambda, and the execution's output or error.
 */
import { createHash } from 'node:crypto';
import { StatesError } from '@sfn-idempotency/local-runtime';
import {
  CLAIM_BUDGET_SECONDS,
  COMPLETION_MARGIN_SECONDS,
  DEFINITION_DEFAULTS,
  type DefinitionOptions,
  defaultKeyExpression,
  defaultLeaseSeconds,
  IdempotencyConfigError,
  resolveDefinitionOptions,
  worstCaseRunSeconds,
} from '../../lib/definition';
import { planWorkflow } from '../../lib/plan';
import type {
  ChoiceState,
  State,
  StateMachineDefinition,
  TaskState,
  WaitState,
} from '../../lib/state-machines/asl';
import { recordIdExpression } from '../../lib/state-machines/fragments';
import { IdempotencyError, StateName } from '../../lib/state-machines/names';
import { placeholder } from '../../lib/state-machines/placeholders';
import {
  BUSINESS_ATTEMPTS,
  BUSINESS_RETRY_WAIT_SECONDS,
  CONDITIONAL_CHECK_FAILED,
  DYNAMODB_RETRY_WAIT_SECONDS,
  longestRetryWaitSeconds,
  UNMODELED_DYNAMODB_ERROR,
} from '../../lib/state-machines/retries';
import {
  type Answers,
  claimLikeDynamoDb,
  compile,
  conditionFailed,
  evaluate,
  failing,
  firstTimes,
  run,
  SAMPLE,
  unmodeled,
} from '../support/engine';

const BASE: DefinitionOptions = SAMPLE;
const ORDER_KEY: DefinitionOptions = {
  ...BASE,
  keyExpression: '$states.input.detail.orderId',
  keyPrefix: 'payments',
};
const ALL_OPTIONS: DefinitionOptions = {
  ...BASE,
  keyExpression: '$states.input.detail."order-id"',
  keyPrefix: 'payments',
  duplicateResponse: 'RETURN_STORED_RESULT',
  inProgressPolicy: 'FAIL',
  payloadValidationExpression: '$states.input.detail.amount',
  payloadShape: 'ENVELOPE',
  maxStoredResultBytes: 100,
};
const VARIANTS: Record<string, DefinitionOptions> = {
  defaults: BASE,
  'a key expression of its own': ORDER_KEY,
  'stored result': { ...BASE, duplicateResponse: 'RETURN_STORED_RESULT' },
  'in-progress fails': { ...BASE, inProgressPolicy: 'FAIL' },
  'payload validation': { ...BASE, payloadValidationExpression: '$states.input.detail' },
  envelope: { ...BASE, payloadShape: 'ENVELOPE' },
  'batch of one': { ...BASE, inputShape: 'BATCH_OF_ONE' },
  'all options': { ...ALL_OPTIONS, inputShape: 'BATCH_OF_ONE' },
};

const definitionOf = (options: DefinitionOptions): string => planWorkflow(options).definition;
const parsed = (options: DefinitionOptions): StateMachineDefinition => JSON.parse(definitionOf(options));
const task = (options: DefinitionOptions, name: StateName): TaskState =>
  parsed(options).States[name] as TaskState;

/** Runs the workflow for `options` on one event; the claim is answered as DynamoDB would. */
const runWorkflow = (options: DefinitionOptions, input: unknown, answers: Answers = {}, startTime?: Date) =>
  run(definitionOf(options), input, { putItem: claimLikeDynamoDb, ...answers }, startTime);

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const order = (orderId: unknown) => ({ detail: { orderId } });

/** Every string value of a JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** Every `{% %}` expression of a JSON value. */
const expressionsIn = (value: unknown): string[] =>
  stringsIn(value).filter((text) => /^\{%[\s\S]*%\}$/.test(text));

/** The states a state can go to next: its Next, a Choice's rules and Default, its catchers. */
function successorsOf(state: State): string[] {
  const next = 'Next' in state ? [state.Next] : [];
  const choices = state.Type === 'Choice' ? [...state.Choices.map((rule) => rule.Next), state.Default] : [];
  const catchers = state.Type === 'Task' ? (state.Catch ?? []).map((catcher) => catcher.Next) : [];
  return [...next, ...choices, ...catchers];
}

/** The states reachable from StartAt. */
function reachable(definition: StateMachineDefinition): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const state = definition.States[name];
    if (seen.has(name) || state === undefined) return;
    seen.add(name);
    successorsOf(state).forEach(visit);
  };
  visit(definition.StartAt);
  return seen;
}

describe('the definition', () => {
  it.each(Object.entries(VARIANTS))(
    'compiles on the engine (schema and every expression) with %s',
    (_name, options) => {
      expect(() => compile(definitionOf(options))).not.toThrow();
    },
  );

  it.each(Object.entries(VARIANTS))(
    'leaves only the table and the function to CloudFormation, each a whole string value, with %s',
    (_name, options) => {
      const withPlaceholders = stringsIn(parsed(options)).filter((text) => text.includes('$' + '{'));
      expect(new Set(withPlaceholders)).toEqual(
        new Set([placeholder('TableName'), placeholder('BusinessFunctionArn')]),
      );
    },
  );

  it.each(Object.entries(VARIANTS))(
    'ships no branch decided at synth and computes no constant at run time, with %s',
    (_name, options) => {
      for (const expression of expressionsIn(parsed(options))) {
        expect(expression).not.toMatch(/\b(true|false)\b/);
        expect(expression).not.toMatch(/\d\s*\*\s*\d/);
        expect(expression).not.toMatch(/\$max\(\[\d/);
      }
    },
  );

  it.each(Object.entries(VARIANTS))('reaches every state it holds, with %s', (_name, options) => {
    const definition = parsed(options);
    expect([...reachable(definition)].sort()).toEqual(Object.keys(definition.States).sort());
  });

  it.each(Object.entries(VARIANTS))(
    'has no Choice whose last rule does what its Default does (a rule that changes nothing), with %s',
    (_name, options) => {
      for (const state of Object.values(parsed(options).States)) {
        if (state.Type !== 'Choice') continue;
        const last = (state as ChoiceState).Choices.at(-1);
        expect(last?.Next === (state as ChoiceState).Default && last.Output === undefined).toBe(false);
      }
    },
  );

  it('uses the JSONata query language and none of the JSONPath-only fields', () => {
    const text = definitionOf(ALL_OPTIONS);
    expect(parsed(ALL_OPTIONS).QueryLanguage).toBe('JSONata');
    for (const field of ['Parameters', 'ResultPath', 'InputPath', 'OutputPath', 'ResultSelector', '.$"']) {
      expect(text).not.toContain(`"${field}`);
    }
  });

  it.each<[string, DefinitionOptions, StateName[], StateName[]]>([
    [
      'the defaults',
      BASE,
      [],
      [
        StateName.LoadExistingRecord,
        StateName.InspectDuplicate,
        StateName.RejectPayloadMismatch,
        StateName.RejectWhileInProgress,
        StateName.RejectEventWithoutKey,
        StateName.RejectEventWithInvalidKey,
        StateName.RejectEventWithKeyTooLong,
      ],
    ],
    [
      'a key expression of its own (idempotencyKey)',
      ORDER_KEY,
      [
        StateName.RejectEventWithoutKey,
        StateName.RejectEventWithInvalidKey,
        StateName.RejectEventWithKeyTooLong,
      ],
      [StateName.LoadExistingRecord, StateName.InspectDuplicate],
    ],
    [
      'the stored result',
      VARIANTS['stored result'] as DefinitionOptions,
      [StateName.LoadExistingRecord, StateName.InspectDuplicate],
      [StateName.RejectPayloadMismatch, StateName.RejectWhileInProgress],
    ],
    [
      'the in-progress policy FAIL',
      VARIANTS['in-progress fails'] as DefinitionOptions,
      [StateName.LoadExistingRecord, StateName.InspectDuplicate, StateName.RejectWhileInProgress],
      [StateName.RejectPayloadMismatch],
    ],
    [
      'payload validation',
      VARIANTS['payload validation'] as DefinitionOptions,
      [StateName.LoadExistingRecord, StateName.InspectDuplicate, StateName.RejectPayloadMismatch],
      [StateName.RejectWhileInProgress],
    ],
  ])('emits the states an option needs only with it: %s', (_name, options, present, absent) => {
    const names = Object.keys(parsed(options).States);
    expect(names).toEqual(expect.arrayContaining(present));
    for (const name of absent) expect(names).not.toContain(name);
  });

  it('renders the record-id fragment wherever the id is derived, and only that', () => {
    const id = recordIdExpression(planWorkflow(ORDER_KEY).options);
    const occurrences = (options: DefinitionOptions) => definitionOf(options).split(id).length - 1;
    // The claim's Item and Assign, the duplicate's output, ClassifyRejectedClaim.
    expect(occurrences(ORDER_KEY)).toBe(4);
    // ... and the duplicate's Assign, for LoadExistingRecord.
    expect(occurrences({ ...ORDER_KEY, inProgressPolicy: 'FAIL' })).toBe(5);
  });

  it('renders the key expression, prefix, TTL, lease and task timeout at synth', () => {
    const text = definitionOf({
      ...ORDER_KEY,
      recordTtlSeconds: 600,
      businessTimeoutSeconds: 30,
      leaseSeconds: 500,
    });
    expect(text).toContain("'payments#' & $keyText");
    expect(text).toContain('$string($floor($now / 1000) + 600)');
    expect(text).toContain('$string($now + 500000)');
    expect(text).toContain('"TimeoutSeconds": 45');
    expect(text).toContain('The idempotency key expression $states.input.detail.orderId yielded nothing');
  });
});

describe.each([
  ['the default key', BASE, `idempotency#${sha256(JSON.stringify(order('o-1')))}`],
  ['a key expression of its own', ORDER_KEY, 'payments#o-1'],
])('transition budget, default setting, %s', (_name, options, id) => {
  it('a duplicate enters 2 states, makes 1 write, invokes nothing, and evaluates 3 expressions', async () => {
    const duplicate = await runWorkflow(options, order('o-1'), { putItem: conditionFailed });
    expect(duplicate.entered).toEqual([StateName.ClaimIdempotencyKey, StateName.AlreadyProcessed]);
    expect(duplicate.result.stateTransitions).toBe(2);
    expect(duplicate.parametersOf('putItem')).toHaveLength(1);
    expect(duplicate.parametersOf('invoke')).toHaveLength(0);
    expect(duplicate.output).toEqual({ duplicate: true, idempotencyKey: id });
    // The claim's Item and ExpressionAttributeValues, and the duplicate's output.
    const claim = task(options, StateName.ClaimIdempotencyKey);
    const catcher = claim.Catch?.find((c) => c.ErrorEquals.includes(CONDITIONAL_CHECK_FAILED));
    expect(catcher?.Assign).toBeUndefined();
    expect([...expressionsIn(claim.Arguments), ...expressionsIn(catcher)]).toHaveLength(3);
  });

  it('a new event enters 4 states, makes 2 writes and one invocation', async () => {
    const processed = await runWorkflow(options, order('o-1'));
    expect(processed.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.RecordCompletion,
      StateName.Processed,
    ]);
    expect(processed.result.stateTransitions).toBe(4);
    expect(processed.parametersOf('putItem')).toHaveLength(1);
    expect(processed.parametersOf('updateItem')).toHaveLength(1);
    expect(processed.parametersOf('invoke')).toHaveLength(1);
  });
});

describe('transition budget, options that read the record', () => {
  it('adds one read and one Choice to duplicates only', async () => {
    const input = { detail: { 'order-id': 'o-1', amount: 10 } };
    const record = { status: { S: 'COMPLETED' }, validation: { S: sha256('10') }, data: { S: '{"a":1}' } };
    const duplicate = await runWorkflow(ALL_OPTIONS, input, {
      putItem: conditionFailed,
      getItem: () => ({ Item: record }),
    });
    expect(duplicate.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.LoadExistingRecord,
      StateName.InspectDuplicate,
      StateName.AlreadyProcessed,
    ]);
    expect(duplicate.parametersOf('getItem')).toEqual([
      { TableName: SAMPLE.tableName, Key: { id: { S: 'payments#o-1' } }, ConsistentRead: true },
    ]);
    const processed = await runWorkflow(ALL_OPTIONS, input);
    expect(processed.result.stateTransitions).toBe(4);
  });
});

describe(StateName.ClaimIdempotencyKey, () => {
  it('is one conditional PutItem: key absent, record expired, lease run out, or held INPROGRESS by this execution', async () => {
    const { parametersOf } = await runWorkflow(BASE, order('o-1'));
    const [claim] = parametersOf('putItem');
    expect(claim?.TableName).toBe(SAMPLE.tableName);
    expect(claim?.ConditionExpression).toBe(
      'attribute_not_exists(#id) OR #expiration < :now OR (#status = :inprogress AND #in_progress_expiration < :now_ms) OR (#execution = :me AND #status = :inprogress)',
    );
    expect(claim?.ExpressionAttributeNames).toEqual({
      '#id': 'id',
      '#expiration': 'expiration',
      '#status': 'status',
      '#in_progress_expiration': 'in_progress_expiration',
      '#execution': 'execution',
    });
  });

  it('writes an INPROGRESS record with Powertools attribute names, TTL in seconds and lease in milliseconds', async () => {
    const before = Date.now();
    const { parametersOf, executionArn } = await runWorkflow(
      { ...ORDER_KEY, recordTtlSeconds: 600, leaseSeconds: 60 },
      order('o-1'),
    );
    const after = Date.now();
    const [claim] = parametersOf('putItem');
    const item = claim?.Item as Record<string, { S?: string; N?: string }>;
    const values = claim?.ExpressionAttributeValues as Record<string, { S?: string; N?: string }>;
    expect(Object.keys(item)).toEqual(['id', 'status', 'expiration', 'in_progress_expiration', 'execution']);
    expect(item.id).toEqual({ S: 'payments#o-1' });
    expect(item.status).toEqual({ S: 'INPROGRESS' });
    expect(item.execution).toEqual({ S: executionArn });
    const expiration = Number(item.expiration?.N);
    expect(expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 600);
    expect(expiration).toBeLessThanOrEqual(Math.floor(after / 1000) + 600);
    const lease = Number(item.in_progress_expiration?.N);
    expect(lease).toBeGreaterThanOrEqual(before + 60_000);
    expect(lease).toBeLessThanOrEqual(after + 60_000);
    expect(values[':me']).toEqual({ S: executionArn });
    expect(values[':inprogress']).toEqual({ S: 'INPROGRESS' });
    expect(Number(values[':now_ms']?.N)).toBeGreaterThanOrEqual(before);
    expect(Number(values[':now']?.N)).toBe(Math.floor(Number(values[':now_ms']?.N) / 1000));
  });

  it('keeps an INPROGRESS record alive for the whole lease even when the TTL is shorter', async () => {
    const { parametersOf } = await runWorkflow(
      { ...ORDER_KEY, recordTtlSeconds: 5, leaseSeconds: 300 },
      order('o-1'),
    );
    const item = parametersOf('putItem')[0]?.Item as Record<string, { N?: string }>;
    expect(Number(item.expiration?.N)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 299);
  });

  it('stores the validation hash only when payload validation is on', async () => {
    const input = { detail: { orderId: 'o-1', amount: 10 } };
    const validated = await runWorkflow(
      { ...ORDER_KEY, payloadValidationExpression: '$states.input.detail.amount' },
      input,
    );
    expect(validated.parametersOf('putItem')[0]?.Item).toHaveProperty('validation', { S: sha256('10') });
    const plain = await runWorkflow(ORDER_KEY, input);
    expect(plain.parametersOf('putItem')[0]?.Item).not.toHaveProperty('validation');
  });

  it('hashes a validated string as its JSON text, and a missing part as "undefined"', async () => {
    const options = { ...ORDER_KEY, payloadValidationExpression: '$states.input.detail.note' };
    const withNote = await runWorkflow(options, { detail: { orderId: 'o-1', note: 'a "b"' } });
    expect(withNote.parametersOf('putItem')[0]?.Item).toHaveProperty('validation', {
      S: sha256('"a \\"b\\""'),
    });
    const without = await runWorkflow(options, order('o-2'));
    expect(without.parametersOf('putItem')[0]?.Item).toHaveProperty('validation', { S: sha256('undefined') });
  });

  it('keys on the SHA-256 of the whole event by default', async () => {
    const input = order('o-1');
    const { parametersOf } = await runWorkflow(BASE, input);
    expect(parametersOf('putItem')[0]?.Item).toHaveProperty('id', {
      S: `idempotency#${sha256(JSON.stringify(input))}`,
    });
  });

  it('accepts number keys as their decimal text', async () => {
    const { parametersOf } = await runWorkflow(ORDER_KEY, order(42));
    expect(parametersOf('putItem')[0]?.Item).toHaveProperty('id', { S: 'payments#42' });
  });

  it('escapes expressions for the JSON file: quoted field names work', async () => {
    const options = { ...BASE, keyExpression: '$states.input.detail."order-id"', keyPrefix: 'p' };
    const { parametersOf } = await runWorkflow(options, { detail: { 'order-id': 'x' } });
    expect(parametersOf('putItem')[0]?.Item).toHaveProperty('id', { S: 'p#x' });
  });

  it.each([
    ['the key is missing', { detail: {} }, StateName.RejectEventWithoutKey, IdempotencyError.KeyMissing],
    ['the key is null', order(null), StateName.RejectEventWithoutKey, IdempotencyError.KeyMissing],
    ['the key is an empty string', order(''), StateName.RejectEventWithoutKey, IdempotencyError.KeyMissing],
    [
      'the key is an object',
      order({ a: 1 }),
      StateName.RejectEventWithInvalidKey,
      IdempotencyError.KeyInvalidType,
    ],
    [
      'the key is a boolean',
      order(true),
      StateName.RejectEventWithInvalidKey,
      IdempotencyError.KeyInvalidType,
    ],
    [
      'the key is an array',
      order(['a', 'b']),
      StateName.RejectEventWithInvalidKey,
      IdempotencyError.KeyInvalidType,
    ],
    [
      'the record id is over 2048 bytes',
      order('x'.repeat(2048 - 8)),
      StateName.RejectEventWithKeyTooLong,
      IdempotencyError.KeyTooLong,
    ],
    [
      'the record id is over 2048 bytes in UTF-8',
      order('é'.repeat(1020)),
      StateName.RejectEventWithKeyTooLong,
      IdempotencyError.KeyTooLong,
    ],
  ])(
    'writes an empty id, which DynamoDB rejects, when %s; then names the reason, the expression and the prefix',
    async (_why, input, failState, error) => {
      const rejected = await runWorkflow(ORDER_KEY, input);
      expect(rejected.parametersOf('putItem')[0]?.Item).toHaveProperty('id', { S: '' });
      expect(rejected.entered).toEqual([
        StateName.ClaimIdempotencyKey,
        StateName.ClassifyRejectedClaim,
        failState,
      ]);
      expect(rejected.result.error).toBe(error);
      expect(rejected.result.cause).toContain('$states.input.detail.orderId');
      if (error === IdempotencyError.KeyTooLong) expect(rejected.result.cause).toContain("'payments#'");
      expect(rejected.parametersOf('invoke')).toHaveLength(0);
    },
  );

  it('accepts a record id of exactly 2048 bytes', async () => {
    const key = `${'é'.repeat(1019)}x`; // "payments#" is 9 bytes: 9 + 2038 + 1 = 2048
    const { parametersOf } = await runWorkflow(ORDER_KEY, order(key));
    expect(parametersOf('putItem')[0]?.Item).toHaveProperty('id', { S: `payments#${key}` });
  });

  it.each([
    ['a validation error with a valid key', 'ValidationException', order('o-1'), 0],
    ['throttling past the retry window, with a missing key', 'ThrottlingException', { detail: {} }, 16_000],
    ['throttling past the retry window, with a valid key', 'ThrottlingException', order('o-1'), 16_000],
  ])(
    'fails in ClaimFailed with DynamoDB’s own error and cause, not as an invalid key, on %s',
    async (_why, code, input, startedAgo) => {
      const error = unmodeled(code);
      const failed = await runWorkflow(
        ORDER_KEY,
        input,
        { putItem: failing(error) },
        new Date(Date.now() - startedAgo),
      );
      expect(failed.entered).toEqual([
        StateName.ClaimIdempotencyKey,
        StateName.ClassifyRejectedClaim,
        StateName.ClaimFailed,
      ]);
      expect(failed.result.error).toBe(UNMODELED_DYNAMODB_ERROR);
      expect(failed.result.cause).toBe(error.cause);
    },
  );

  it.each([
    ['ThrottlingException', 'a valid key', order('o-1'), [StateName.RunBusinessLogic]],
    ['InternalFailure', 'a valid key', order('o-1'), [StateName.RunBusinessLogic]],
    [
      'ServiceUnavailable',
      'a missing key',
      { detail: {} },
      [StateName.ClassifyRejectedClaim, StateName.RejectEventWithoutKey],
    ],
  ])(
    'claims again after a pause when DynamoDB rejects the claim with %s (not a validation error), for %s',
    async (code, _key, input, then) => {
      const retried = await runWorkflow(ORDER_KEY, input, {
        putItem: firstTimes(1, failing(unmodeled(code, 500)), claimLikeDynamoDb),
      });
      expect(retried.entered.slice(0, 4 + then.length)).toEqual([
        StateName.ClaimIdempotencyKey,
        StateName.ClassifyRejectedClaim,
        StateName.WaitBeforeClaimingAgain,
        StateName.ClaimIdempotencyKey,
        ...then,
      ]);
    },
  );

  it('pauses 1 to 3 s, at random, before claiming again', async () => {
    const wait = parsed(ORDER_KEY).States[StateName.WaitBeforeClaimingAgain] as WaitState;
    const seen = new Set<unknown>();
    for (let i = 0; i < 30; i++) seen.add(await evaluate(String(wait.Seconds)));
    expect([...seen].every((seconds) => [1, 2, 3].includes(seconds as number))).toBe(true);
    expect(seen.size).toBeGreaterThan(1);
  });

  it('fails a rejected claim without a cause in ClaimFailed: nothing says it was throttling or a 5xx', async () => {
    const failed = await runWorkflow(ORDER_KEY, order('o-1'), {
      putItem: firstTimes(1, failing(new StatesError(UNMODELED_DYNAMODB_ERROR)), claimLikeDynamoDb),
    });
    expect(failed.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.ClassifyRejectedClaim,
      StateName.ClaimFailed,
    ]);
    expect(failed.result).toMatchObject({ status: 'FAILED', error: UNMODELED_DYNAMODB_ERROR, cause: '' });
  });

  it('treats a conditional failure as a duplicate: no retry, Succeed with a marker', async () => {
    const retried = task(ORDER_KEY, StateName.ClaimIdempotencyKey).Retry?.flatMap((r) => r.ErrorEquals);
    expect(retried).not.toContain(CONDITIONAL_CHECK_FAILED);
    expect(retried).not.toContain('States.ALL');
    const duplicate = await runWorkflow(ORDER_KEY, order('o-1'), { putItem: conditionFailed });
    expect(duplicate.parametersOf('putItem')).toHaveLength(1);
    expect(duplicate.result.status).toBe('SUCCEEDED');
  });

  it('retries DynamoDB throttling with backoff and full jitter, and is then processed', async () => {
    const throttled = await runWorkflow(ORDER_KEY, order('o-1'), {
      putItem: firstTimes(
        2,
        failing(new StatesError('DynamoDB.ProvisionedThroughputExceededException', 'slow down')),
        claimLikeDynamoDb,
      ),
    });
    expect(throttled.parametersOf('putItem')).toHaveLength(3);
    expect(throttled.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.RecordCompletion,
      StateName.Processed,
    ]);
  });

  it.each([
    StateName.ClaimIdempotencyKey,
    StateName.RecordCompletion,
    StateName.ReleaseIdempotencyKey,
    StateName.LoadExistingRecord,
  ])('%s retries DynamoDB throttling and internal errors within the retry budget the margins use', (name) => {
    const [retry] = task(ALL_OPTIONS, name).Retry ?? [];
    expect(retry).toMatchObject({
      BackoffRate: 2,
      JitterStrategy: 'FULL',
      IntervalSeconds: 1,
      MaxAttempts: 4,
    });
    expect(retry?.ErrorEquals).toEqual(
      expect.arrayContaining([
        'DynamoDB.ProvisionedThroughputExceededException',
        'DynamoDB.RequestLimitExceededException',
        'DynamoDB.InternalServerErrorException',
        'DynamoDB.SdkClientException',
      ]),
    );
    expect(retry && longestRetryWaitSeconds(retry)).toBe(DYNAMODB_RETRY_WAIT_SECONDS);
  });

  it('retries unmodeled DynamoDB errors (AmazonDynamoDBException) after the claim, where the key is known to be valid', async () => {
    for (const name of [
      StateName.RecordCompletion,
      StateName.ReleaseIdempotencyKey,
      StateName.LoadExistingRecord,
    ]) {
      expect(task(ALL_OPTIONS, name).Retry?.flatMap((r) => r.ErrorEquals)).toContain(
        UNMODELED_DYNAMODB_ERROR,
      );
    }
    // On the claim it may be a validation error (an invalid key): caught and classified instead.
    expect(task(BASE, StateName.ClaimIdempotencyKey).Retry?.flatMap((r) => r.ErrorEquals)).not.toContain(
      UNMODELED_DYNAMODB_ERROR,
    );
    const completed = await runWorkflow(ORDER_KEY, order('o-1'), {
      updateItem: firstTimes(1, failing(unmodeled('ThrottlingException')), () => ({})),
    });
    expect(completed.parametersOf('updateItem')).toHaveLength(2);
    expect(completed.result.status).toBe('SUCCEEDED');
  });
});

describe('the default key (no idempotencyKey): the SHA-256 of the event, always a valid record id', () => {
  const definition = parsed(BASE);
  const id = "'idempotency#' & $hash($string($states.input), 'SHA-256')";

  it('is the plain id, without the checks a key expression of the user’s own needs', () => {
    expect(recordIdExpression(planWorkflow(BASE).options)).toBe(id);
    expect(task(BASE, StateName.ClaimIdempotencyKey).Assign).toEqual({ idempotencyKey: `{% ${id} %}` });
    for (const check of ['$keyText', '$encodeUrlComponent', '2048']) {
      expect(definitionOf(BASE)).not.toContain(check);
    }
  });

  it('has no key rejections: ClassifyRejectedClaim claims again on a non-validation error, else ClaimFailed', () => {
    const classify = definition.States[StateName.ClassifyRejectedClaim] as ChoiceState;
    expect(classify.Choices.map((rule) => rule.Next)).toEqual([StateName.WaitBeforeClaimingAgain]);
    expect(classify.Default).toBe(StateName.ClaimFailed);
    const errors = Object.values(definition.States).flatMap((state) =>
      state.Type === 'Fail' ? [state.Error] : [],
    );
    for (const error of [
      IdempotencyError.KeyMissing,
      IdempotencyError.KeyInvalidType,
      IdempotencyError.KeyTooLong,
    ]) {
      expect(errors).not.toContain(error);
    }
  });

  it.each<[string, unknown]>([
    ['an object', order('o-1')],
    ['a string', 'plain text'],
    ['a number', 42],
    ['null', null],
    ['a boolean', false],
    ['an empty array', []],
    ['a large event with multi-byte characters', { note: 'é'.repeat(5000) }],
  ])('gives %s a 64-character hex key, and processes it', async (_what, input) => {
    const processed = await runWorkflow(BASE, input);
    // JSONata's $string leaves a string as it is and writes anything else as JSON.
    const text = typeof input === 'string' ? input : JSON.stringify(input);
    expect(processed.parametersOf('putItem')[0]?.Item).toHaveProperty('id', {
      S: `idempotency#${sha256(text)}`,
    });
    expect(processed.result.status).toBe('SUCCEEDED');
  });

  it('stays far below DynamoDB’s 2048 bytes with the longest prefix: 128 + 1 + 64 = 193 bytes', async () => {
    const prefix = 'p'.repeat(128);
    const { parametersOf } = await runWorkflow({ ...BASE, keyPrefix: prefix }, order('o-1'));
    const item = parametersOf('putItem')[0]?.Item as { id?: { S?: string } } | undefined;
    expect(Buffer.byteLength(item?.id?.S ?? '')).toBe(193);
  });

  it('sends a ValidationException to ClaimFailed, with DynamoDB’s error: it can only be a real one (a table without the id key)', async () => {
    const error = unmodeled('ValidationException');
    const failed = await runWorkflow(BASE, order('o-1'), { putItem: failing(error) });
    expect(failed.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.ClassifyRejectedClaim,
      StateName.ClaimFailed,
    ]);
    expect(failed.result).toMatchObject({ error: UNMODELED_DYNAMODB_ERROR, cause: error.cause });
  });

  it('claims again after a pause on a non-validation error, and is then processed', async () => {
    const retried = await runWorkflow(BASE, order('o-1'), {
      putItem: firstTimes(1, failing(unmodeled('ThrottlingException', 500)), () => ({})),
    });
    expect(retried.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.ClassifyRejectedClaim,
      StateName.WaitBeforeClaimingAgain,
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.RecordCompletion,
      StateName.Processed,
    ]);
  });

  it('fails in ClaimFailed, with DynamoDB’s error, on a non-validation error past the retry window', async () => {
    const error = unmodeled('ThrottlingException', 500);
    const failed = await runWorkflow(
      BASE,
      order('o-1'),
      { putItem: failing(error) },
      new Date(Date.now() - 16_000),
    );
    expect(failed.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.ClassifyRejectedClaim,
      StateName.ClaimFailed,
    ]);
    expect(failed.result).toMatchObject({ error: UNMODELED_DYNAMODB_ERROR, cause: error.cause });
  });
});

describe(StateName.RunBusinessLogic, () => {
  const event = order('o-1');

  it('passes the raw event by default, to the function CloudFormation substitutes', async () => {
    const { parametersOf } = await runWorkflow(ORDER_KEY, event);
    expect(parametersOf('invoke')).toEqual([{ FunctionName: SAMPLE.businessFunctionArn, Payload: event }]);
  });

  it('passes { idempotencyKey, event } with the ENVELOPE payload shape', async () => {
    const { parametersOf } = await runWorkflow({ ...ORDER_KEY, payloadShape: 'ENVELOPE' }, event);
    expect(parametersOf('invoke')[0]?.Payload).toEqual({ idempotencyKey: 'payments#o-1', event });
  });

  it('times out after the business timeout plus Lambda’s 10 s Init phase plus the invoke margin', () => {
    expect(task({ ...BASE, businessTimeoutSeconds: 30 }, StateName.RunBusinessLogic).TimeoutSeconds).toBe(45);
    expect(planWorkflow({ ...BASE, businessTimeoutSeconds: 30 }).timeBudget.businessTaskTimeoutSeconds).toBe(
      45,
    );
  });

  it('always retries throttling, with full jitter; Lambda service errors only with the ENVELOPE payload shape', async () => {
    const throttlingOnly = ['Lambda.TooManyRequestsException'];
    const withEnvelope = [
      'Lambda.TooManyRequestsException',
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
    ];
    for (const [options, errors] of [
      [BASE, throttlingOnly],
      [ORDER_KEY, throttlingOnly],
      [{ ...BASE, payloadShape: 'ENVELOPE' as const }, withEnvelope],
    ] as const) {
      expect(task(options, StateName.RunBusinessLogic).Retry).toEqual([
        expect.objectContaining({ ErrorEquals: errors, JitterStrategy: 'FULL', MaxAttempts: 2 }),
      ]);
    }
    const throttled = await runWorkflow(ORDER_KEY, event, {
      invoke: firstTimes(
        1,
        failing(new StatesError('Lambda.TooManyRequestsException', 'Rate exceeded')),
        () => ({ Payload: { ok: true }, StatusCode: 200 }),
      ),
    });
    expect(throttled.parametersOf('invoke')).toHaveLength(2);
    expect(throttled.result.status).toBe('SUCCEEDED');
  });

  it('outputs the function result payload', async () => {
    const { output } = await runWorkflow(ORDER_KEY, event, {
      invoke: () => ({ Payload: { paymentId: 'p-1' }, StatusCode: 200 }),
    });
    expect(output).toEqual({ paymentId: 'p-1' });
  });

  it.each([
    ['an object', { paymentId: 'p', amount: 5 }],
    ['a string', 'done "quoted" é'],
    ['null', null],
    ['a number', 12.5],
    ['an array', [1, 'a']],
    ['false', false],
  ])('stores %s as JSON that a duplicate turns back into the result', async (_what, payload) => {
    const options = { ...ORDER_KEY, duplicateResponse: 'RETURN_STORED_RESULT' as const };
    const first = await runWorkflow(options, event, {
      invoke: () => ({ Payload: payload, StatusCode: 200 }),
    });
    const [completion] = first.parametersOf('updateItem');
    expect(completion?.UpdateExpression).toBe(
      'SET #status = :completed, #expiration = :expiration, #data = :data',
    );
    const data = (completion?.ExpressionAttributeValues as Record<string, { S: string }> | undefined)?.[
      ':data'
    ];
    expect(JSON.parse(data?.S ?? '')).toEqual(payload);
    const duplicate = await runWorkflow(options, event, {
      putItem: conditionFailed,
      getItem: () => ({ Item: { status: { S: 'COMPLETED' }, data } }),
    });
    expect(duplicate.output).toEqual(payload);
  });

  it('does not store a result larger than the cap (in UTF-8 bytes)', async () => {
    const options = {
      ...ORDER_KEY,
      duplicateResponse: 'RETURN_STORED_RESULT' as const,
      maxStoredResultBytes: 9,
    };
    const completionFor = async (payload: string) =>
      (
        await runWorkflow(options, event, { invoke: () => ({ Payload: payload, StatusCode: 200 }) })
      ).parametersOf('updateItem')[0];
    const fits = await completionFor('ééé'); // "ééé" is 8 bytes
    expect(fits?.ExpressionAttributeValues).toHaveProperty([':data'], { S: '"ééé"' });
    const tooLarge = await completionFor('éééé'); // 10 bytes
    expect(tooLarge?.UpdateExpression).toBe(
      'SET #status = :completed, #expiration = :expiration REMOVE #data',
    );
    expect(tooLarge?.ExpressionAttributeValues).not.toHaveProperty([':data']);
  });

  it('does not store results unless the duplicate response returns them, nor name `data`', async () => {
    const { parametersOf } = await runWorkflow(ORDER_KEY, event);
    const [completion] = parametersOf('updateItem');
    // The claim wrote the record whole, so it holds no `data` to remove.
    expect(completion?.UpdateExpression).toBe('SET #status = :completed, #expiration = :expiration');
    expect(completion?.ExpressionAttributeNames).toEqual({
      '#status': 'status',
      '#expiration': 'expiration',
      '#execution': 'execution',
    });
    expect(Object.keys(completion?.ExpressionAttributeValues as object)).toEqual([
      ':completed',
      ':expiration',
      ':me',
    ]);
    expect(task(ORDER_KEY, StateName.RunBusinessLogic).Assign).toBeUndefined();
  });

  it('on a function error releases the key, then fails with the business error name and cause', async () => {
    const cause = '{"errorType":"PaymentDeclined"}';
    const declined: Answers = {
      invoke: failing(new StatesError('PaymentDeclined', cause)),
    };
    const failed = await runWorkflow(ORDER_KEY, event, declined);
    expect(failed.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.ReleaseIdempotencyKey,
      StateName.BusinessLogicFailed,
    ]);
    expect(failed.result).toMatchObject({ status: 'FAILED', error: 'PaymentDeclined', cause });
    expect(failed.parametersOf('deleteItem')).toEqual([
      {
        TableName: SAMPLE.tableName,
        Key: { id: { S: 'payments#o-1' } },
        ConditionExpression: '#execution = :me',
        ExpressionAttributeNames: { '#execution': 'execution' },
        ExpressionAttributeValues: { ':me': { S: failed.executionArn } },
      },
    ]);
    // Not ours any more: nothing is deleted, the business error is still what the sender sees.
    const taken = await runWorkflow(ORDER_KEY, event, { ...declined, deleteItem: conditionFailed });
    expect(taken.entered.at(-1)).toBe(StateName.BusinessLogicFailed);
    expect(taken.result).toMatchObject({ error: 'PaymentDeclined', cause });
  });
});

describe(`${StateName.RunBusinessLogic} when the outcome of the invocation is unknown`, () => {
  it.each([
    'States.Timeout',
    'Lambda.ClientExecutionTimeoutException',
    'States.DataLimitExceeded',
    'States.QueryEvaluationError',
  ])(
    'keeps the key claimed on %s: fails with Idempotency.BusinessOutcomeUnknown, naming the error, without a retry or a release',
    async (error) => {
      const unknown = await runWorkflow(ORDER_KEY, order('o-1'), {
        invoke: failing(new StatesError(error, 'gave up after 18 s')),
      });
      expect(unknown.entered).toEqual([
        StateName.ClaimIdempotencyKey,
        StateName.RunBusinessLogic,
        StateName.BusinessOutcomeUnknown,
      ]);
      expect(unknown.parametersOf('invoke')).toHaveLength(1);
      expect(unknown.parametersOf('deleteItem')).toHaveLength(0);
      expect(unknown.result.error).toBe(IdempotencyError.BusinessOutcomeUnknown);
      for (const part of [error, 'gave up after 18 s', 'INPROGRESS', '(77 s)']) {
        expect(unknown.result.cause).toContain(part);
      }
    },
  );

  it('names the error when it came without a cause', async () => {
    const unknown = await runWorkflow(ORDER_KEY, order('o-1'), {
      invoke: failing(new StatesError('States.Timeout')),
    });
    expect(
      unknown.result.cause?.startsWith(`${StateName.RunBusinessLogic} ended with States.Timeout although`),
    ).toBe(true);
  });
});

describe(StateName.RecordCompletion, () => {
  it('marks the record COMPLETED, fenced on this execution, with a fresh TTL', async () => {
    const completed = await runWorkflow({ ...ORDER_KEY, recordTtlSeconds: 120 }, order('o-1'));
    const [completion] = completed.parametersOf('updateItem');
    expect(completion).toMatchObject({
      TableName: SAMPLE.tableName,
      Key: { id: { S: 'payments#o-1' } },
      ConditionExpression: '#execution = :me',
    });
    const values = completion?.ExpressionAttributeValues as Record<string, { S?: string; N?: string }>;
    expect(values[':completed']).toEqual({ S: 'COMPLETED' });
    expect(values[':me']).toEqual({ S: completed.executionArn });
    expect(Number(values[':expiration']?.N)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 119);
    expect(completed.output).toEqual({ ok: true });
  });

  it('fails with Idempotency.LeaseLost when another execution took the key over', async () => {
    const lost = await runWorkflow(ORDER_KEY, order('o-1'), { updateItem: conditionFailed });
    expect(lost.entered.slice(-2)).toEqual([StateName.RecordCompletion, StateName.LeaseLost]);
    expect(lost.result.error).toBe(IdempotencyError.LeaseLost);
    expect(lost.result.cause).toContain('its lease (77 s) ran out');
  });
});

describe('inputShape BATCH_OF_ONE (EventBridge Pipes deliver [event] even with batch size 1)', () => {
  const event = { detail: { orderId: 'o-1', amount: 10 } };
  const BATCH = { ...ORDER_KEY, inputShape: 'BATCH_OF_ONE' as const };
  const payloadFor = async (options: DefinitionOptions, input: unknown) =>
    (await runWorkflow(options, input)).parametersOf('invoke')[0]?.Payload;

  it('passes the business function the event, not the one-element array, at no extra transition', async () => {
    const processed = await runWorkflow(BATCH, [event]);
    expect(processed.parametersOf('invoke')[0]?.Payload).toEqual(event);
    expect(processed.result.stateTransitions).toBe(4);
  });

  it('passes a non-array input as it is, so other sources of the same workflow keep working', async () => {
    expect(await payloadFor(BATCH, event)).toEqual(event);
  });

  it('puts the event, not the array, in the ENVELOPE', async () => {
    expect(await payloadFor({ ...BATCH, payloadShape: 'ENVELOPE' }, [event])).toEqual({
      idempotencyKey: 'payments#o-1',
      event,
    });
  });

  it('reads the array as the event only with this shape: the default passes the input unchanged', async () => {
    expect(await payloadFor(ORDER_KEY, [event])).toEqual([event]);
  });

  it('finds the same key with a path expression, which maps over the one element', async () => {
    for (const input of [[event], event]) {
      const { parametersOf } = await runWorkflow(BATCH, input);
      expect(parametersOf('putItem')[0]?.Item).toHaveProperty('id', { S: 'payments#o-1' });
    }
  });

  it('hashes the event, not the array, by default: a message body and the same event from a rule share one key', async () => {
    const expected = { S: `idempotency#${sha256(JSON.stringify(event))}` };
    expect(defaultKeyExpression('BATCH_OF_ONE')).toBe("$hash($string($states.input[0]), 'SHA-256')");
    const batch = { ...BASE, inputShape: 'BATCH_OF_ONE' as const };
    for (const [options, input] of [
      [batch, [event]],
      [batch, event],
      [BASE, event],
    ] as const) {
      const { parametersOf } = await runWorkflow(options, input);
      expect(parametersOf('putItem')[0]?.Item).toHaveProperty('id', expected);
    }
  });

  it('still names the reason of an invalid key in a batch', async () => {
    expect((await runWorkflow(BATCH, [{ detail: {} }])).result.error).toBe(IdempotencyError.KeyMissing);
    expect((await runWorkflow(BATCH, [order(true)])).result.error).toBe(IdempotencyError.KeyInvalidType);
  });
});

describe('duplicates with options that read the record', () => {
  const input = { detail: { 'order-id': 'o-1', amount: 10 } };
  const hashOf10 = sha256('10');

  /** A duplicate of `input` that finds `record` (undefined: the record is gone). */
  const duplicateFinding = (record: Record<string, unknown> | undefined, answers: Answers = {}) =>
    runWorkflow(ALL_OPTIONS, input, {
      putItem: conditionFailed,
      getItem: () => (record === undefined ? {} : { Item: record }),
      ...answers,
    });

  it('returns the stored result of a completed record whose payload matches', async () => {
    const found = await duplicateFinding({
      status: { S: 'COMPLETED' },
      validation: { S: hashOf10 },
      data: { S: '{"paymentId":"p1"}' },
    });
    expect(found.entered.at(-1)).toBe(StateName.AlreadyProcessed);
    expect(found.output).toEqual({ paymentId: 'p1' });
  });

  it('succeeds with the marker when a completed record has no stored result', async () => {
    const found = await duplicateFinding({ status: { S: 'COMPLETED' }, validation: { S: hashOf10 } });
    expect(found.output).toEqual({ duplicate: true, idempotencyKey: 'payments#o-1' });
  });

  it('fails with Idempotency.AlreadyInProgress while the first execution runs', async () => {
    const found = await duplicateFinding({ status: { S: 'INPROGRESS' }, validation: { S: hashOf10 } });
    expect(found.entered.at(-1)).toBe(StateName.RejectWhileInProgress);
    expect(found.result.error).toBe(IdempotencyError.AlreadyInProgress);
  });

  it('fails with Idempotency.PayloadMismatch when the stored record has no validation hash', async () => {
    const found = await duplicateFinding({ status: { S: 'COMPLETED' }, data: { S: '{"paymentId":"p1"}' } });
    expect(found.entered.at(-1)).toBe(StateName.RejectPayloadMismatch);
    expect(found.result.error).toBe(IdempotencyError.PayloadMismatch);
  });

  it('fails with Idempotency.PayloadMismatch, naming the validated part, when it differs', async () => {
    const found = await duplicateFinding({ status: { S: 'COMPLETED' }, validation: { S: sha256('11') } });
    expect(found.result.error).toBe(IdempotencyError.PayloadMismatch);
    expect(found.result.cause).toContain('($states.input.detail.amount)');
  });

  it('claims again, with the original event, when the record vanished after the claim failed', async () => {
    const found = await duplicateFinding(undefined, {
      putItem: firstTimes(1, conditionFailed, claimLikeDynamoDb),
    });
    expect(found.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.LoadExistingRecord,
      StateName.InspectDuplicate,
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.RecordCompletion,
      StateName.Processed,
    ]);
    expect(found.parametersOf('invoke')[0]?.Payload).toEqual({
      idempotencyKey: 'payments#o-1',
      event: input,
    });
  });
});

describe('the definition options', () => {
  it('pins the defaults', () => {
    expect(DEFINITION_DEFAULTS).toEqual({
      keyExpression: "$hash($string($states.input), 'SHA-256')",
      keyPrefix: 'idempotency',
      recordTtlSeconds: 3600,
      businessTimeoutSeconds: 3,
      duplicateResponse: 'SUCCEED',
      inProgressPolicy: 'SUCCEED',
      payloadShape: 'EVENT',
      maxStoredResultBytes: 32768,
      inputShape: 'EVENT',
    });
  });

  it('derives the default lease from every invoke attempt, retry waits and the completion write', () => {
    expect(defaultLeaseSeconds(3)).toBe(3 * 18 + 3 + 20);
    expect(defaultLeaseSeconds(60)).toBe(3 * 75 + 3 + 20);
  });

  it('takes the retry budgets from the retriers: 1 + 2 + 4 + 8 s for DynamoDB, 3 invoke attempts and 1 + 2 s', () => {
    expect(DYNAMODB_RETRY_WAIT_SECONDS).toBe(15);
    expect(BUSINESS_ATTEMPTS).toBe(3);
    expect(BUSINESS_RETRY_WAIT_SECONDS).toBe(3);
    expect(COMPLETION_MARGIN_SECONDS).toBeGreaterThanOrEqual(DYNAMODB_RETRY_WAIT_SECONDS);
  });

  it('counts the claim, every invoke attempt and the completion write, with their retries, in the worst-case run', () => {
    expect(CLAIM_BUDGET_SECONDS).toBe(15 + 3 + 15);
    expect(worstCaseRunSeconds(3)).toBe(
      CLAIM_BUDGET_SECONDS + 3 * 18 + BUSINESS_RETRY_WAIT_SECONDS + COMPLETION_MARGIN_SECONDS,
    );
  });

  it.each<[string, Partial<DefinitionOptions>, string]>([
    [
      'the key expression does not parse: JSONata’s message and where it fails, under the option’s name',
      { keyExpression: '$states.input.(' },
      'keyExpression "$states.input.(" is not valid JSONata: Expected ")" before end of expression (at character 15)',
    ],
    [
      'the key expression reads the input implicitly',
      { keyExpression: 'detail.orderId' },
      'start from $states.input',
    ],
    ['the key expression is $', { keyExpression: '$' }, 'start from $states.input'],
    ['the key expression is empty', { keyExpression: ' ' }, 'keyExpression must not be empty'],
    [
      'the key expression holds ${, which CloudFormation would substitute',
      { keyExpression: `$states.input.id & '${placeholder('TableName')}'` },
      'CloudFormation would take for a placeholder',
    ],
    [
      'the validation expression does not parse',
      { payloadValidationExpression: '{' },
      'payloadValidationExpression "{" is not valid JSONata: Expected ":" before end of expression (at character 1)',
    ],
    ['the key prefix has a #', { keyPrefix: 'a#b' }, 'keyPrefix must be'],
    ['the key prefix is empty', { keyPrefix: '' }, 'keyPrefix must be'],
    ['the TTL is zero', { recordTtlSeconds: 0 }, 'recordTtlSeconds must be'],
    ['the lease is zero', { leaseSeconds: 0 }, 'leaseSeconds must be a whole number of seconds'],
    ['the TTL is fractional', { recordTtlSeconds: 1.5 }, 'recordTtlSeconds must be'],
    [
      'the lease is shorter than one invoke plus completion',
      { businessTimeoutSeconds: 30, leaseSeconds: 64 },
      'at least 65',
    ],
    ['the input shape is unknown', { inputShape: 'LIST' as never }, 'inputShape'],
    [
      'the business timeout exceeds Lambda’s 900 s',
      { businessTimeoutSeconds: 901 },
      'businessTimeoutSeconds',
    ],
    ['the stored-result cap is too large', { maxStoredResultBytes: 200_000 }, 'maxStoredResultBytes'],
    ['the duplicate response is unknown', { duplicateResponse: 'CACHE' as never }, 'duplicateResponse'],
    ['the in-progress policy is unknown', { inProgressPolicy: 'WAIT' as never }, 'inProgressPolicy'],
    ['the payload shape is unknown', { payloadShape: 'RAW' as never }, 'payloadShape'],
  ])('fails when %s', (_why, change, message) => {
    expect(() => resolveDefinitionOptions({ ...BASE, ...change })).toThrow(IdempotencyConfigError);
    expect(() => planWorkflow({ ...BASE, ...change })).toThrow(message);
  });

  it('fails when a key expression does not parse, with JSONata’s message, never "[object Object]"', () => {
    // jsonata throws plain objects ({ code, position, token, message }), not Errors.
    expect(() => planWorkflow({ ...BASE, keyExpression: 'a b' })).toThrow(
      'keyExpression "a b" is not valid JSONata: Syntax error: "b" (at character 3)',
    );
    expect(() => planWorkflow({ ...BASE, keyExpression: '$states.input.(' })).not.toThrow('[object Object]');
  });

  it('fails naming each option as the caller calls it, the options’ own names by default', () => {
    const bad = { ...BASE, keyExpression: '(', recordTtlSeconds: 0 };
    expect(() => resolveDefinitionOptions(bad)).toThrow(
      /^recordTtlSeconds must be[\s\S]*\nkeyExpression "\("/,
    );
    expect(() => resolveDefinitionOptions(bad, { keyExpression: 'key', recordTtlSeconds: 'ttl' })).toThrow(
      /^ttl must be[\s\S]*\nkey "\("/,
    );
    expect(() => planWorkflow(bad, { recordTtlSeconds: 'ttl' })).toThrow(/^ttl must be/);
  });
});
