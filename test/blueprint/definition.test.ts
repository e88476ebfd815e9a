import { createHash } from 'node:crypto';
import jsonata from 'jsonata';
import {
  BUSINESS_RETRY_WAIT_SECONDS,
  businessTaskTimeoutSeconds,
  CLAIM_BUDGET_SECONDS,
  CLAIM_RETRY_WINDOW_SECONDS,
  COMPLETION_MARGIN_SECONDS,
  DEFINITION_DEFAULTS,
  type DefinitionOptions,
  DYNAMODB_RETRY_WAIT_SECONDS,
  defaultKeyExpression,
  defaultLeaseSeconds,
  definitionSubstitutions,
  definitionTemplate,
  IdempotencyConfigError,
  loadDefinitionTemplate,
  Placeholder,
  renderDefinition,
  STRUCTURAL_PLACEHOLDER,
  substitute,
  UnknownPlaceholderError,
  worstCaseRunSeconds,
} from '../../lib/definition';
import { catcherFor, type Definition, evaluate, expressions, state } from './asl';

// asl-validator ships no type declarations.
const aslValidator: (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
} = require('asl-validator');

const BASE: DefinitionOptions = {
  tableName: 'idempotency-records',
  businessFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:payment',
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
  'stored result': { ...BASE, duplicateResponse: 'RETURN_STORED_RESULT' },
  'in-progress fails': { ...BASE, inProgressPolicy: 'FAIL' },
  'payload validation': { ...BASE, payloadValidationExpression: '$states.input.detail' },
  envelope: { ...BASE, payloadShape: 'ENVELOPE' },
  'batch of one': { ...BASE, inputShape: 'BATCH_OF_ONE' },
  'all options': ALL_OPTIONS,
};

/** `${Name}`, written without tripping the template-literal lint. */
const placeholder = (name: string) => `\${${name}}`;

function render(options: DefinitionOptions = BASE): Definition {
  return JSON.parse(renderDefinition(options)) as Definition;
}

const ORDER_KEY = { ...BASE, keyExpression: '$states.input.detail.orderId', keyPrefix: 'payments' };

async function claimedId(options: DefinitionOptions, input: unknown): Promise<string> {
  const item = (await evaluate(state(render(options), 'ClaimIdempotencyKey').Arguments?.Item, { input })) as {
    id: { S: string };
  };
  return item.id.S;
}

/** The error Step Functions reports when DynamoDB answers with a code it has no exception class for. */
function dynamoDbError(code: string) {
  return {
    Error: 'DynamoDB.AmazonDynamoDBException',
    Cause: `Something went wrong (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ${code}; Request ID: R1; Proxy: null)`,
  };
}

/** Follows ClassifyRejectedClaim like the Choice state does: first true condition wins. */
async function classify(
  options: DefinitionOptions,
  input: unknown,
  claimError: unknown = dynamoDbError('ValidationException'),
  executionStartTime = new Date().toISOString(),
): Promise<string> {
  const choice = state(render(options), 'ClassifyRejectedClaim');
  const scope = { input, variables: { claimError }, executionStartTime };
  for (const rule of choice.Choices ?? []) {
    if ((await evaluate(rule.Condition, scope)) === true) return rule.Next;
  }
  return choice.Default ?? 'none';
}

describe('the ASL file', () => {
  it('uses exactly the placeholders the definition module substitutes', () => {
    const used = new Set([...loadDefinitionTemplate().matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...Object.values(Placeholder), STRUCTURAL_PLACEHOLDER].sort());
  });

  it.each(Object.entries(VARIANTS))('renders valid ASL with %s', (_name, options) => {
    const result = aslValidator(render(options));
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it.each(Object.entries(VARIANTS))(
    'holds only JSONata expressions that parse, with %s',
    (_name, options) => {
      const found = expressions(render(options));
      expect(found.length).toBeGreaterThan(20);
      for (const { at, text } of found) {
        expect(() => jsonata(text)).not.toThrow();
        expect(at).not.toBe('');
      }
    },
  );

  it('uses the JSONata query language and none of the JSONPath-only fields', () => {
    const text = renderDefinition(ALL_OPTIONS);
    expect(render(ALL_OPTIONS).QueryLanguage).toBe('JSONata');
    for (const field of ['Parameters', 'ResultPath', 'InputPath', 'OutputPath', 'ResultSelector', '.$"']) {
      expect(text).not.toContain(`"${field}`);
    }
  });

  it('keeps only the states the options can reach (Step Functions rejects unreachable states)', () => {
    expect(Object.keys(render(BASE).States)).not.toContain('LoadExistingRecord');
    expect(Object.keys(render(ALL_OPTIONS).States)).toEqual(
      expect.arrayContaining([
        'LoadExistingRecord',
        'InspectDuplicate',
        'RejectPayloadMismatch',
        'RejectWhileInProgress',
      ]),
    );
  });

  it('computes the same record id in every place it is derived', () => {
    const definition = render({ ...ORDER_KEY, duplicateResponse: 'RETURN_STORED_RESULT' });
    const claim = state(definition, 'ClaimIdempotencyKey');
    const fromAssign = claim.Assign?.idempotencyKey as string;
    const duplicate = catcherFor(
      definition,
      'ClaimIdempotencyKey',
      'DynamoDB.ConditionalCheckFailedException',
    );
    expect(duplicate.Assign?.idempotencyKey).toBe(fromAssign);
    expect((duplicate.Output as { idempotencyKey: string }).idempotencyKey).toBe(fromAssign);
    expect(claim.Arguments?.Item).toContain(fromAssign.slice(3, -3));
  });
});

describe('the duplicate catcher', () => {
  it('assigns nothing when duplicates do not read the record (the variables would be dead)', () => {
    const duplicate = catcherFor(
      render(ORDER_KEY),
      'ClaimIdempotencyKey',
      'DynamoDB.ConditionalCheckFailedException',
    );
    expect(duplicate.Assign).toBeUndefined();
    expect(duplicate.Next).toBe('AlreadyProcessed');
  });

  it('assigns the record id and payload hash when LoadExistingRecord reads them', () => {
    const duplicate = catcherFor(
      render({ ...ORDER_KEY, inProgressPolicy: 'FAIL' }),
      'ClaimIdempotencyKey',
      'DynamoDB.ConditionalCheckFailedException',
    );
    expect(Object.keys(duplicate.Assign ?? {})).toEqual(['idempotencyKey', 'payloadHash']);
    expect(duplicate.Next).toBe('LoadExistingRecord');
  });
});

describe('transition budget (design.md §3), default settings', () => {
  const WRITES = ['putItem', 'updateItem', 'deleteItem'].map((a) => `arn:aws:states:::dynamodb:${a}`);

  it('a duplicate costs 2 transitions and 1 write: ClaimIdempotencyKey -> AlreadyProcessed', () => {
    const definition = render();
    const path = [definition.StartAt];
    path.push(catcherFor(definition, definition.StartAt, 'DynamoDB.ConditionalCheckFailedException').Next);
    expect(path).toEqual(['ClaimIdempotencyKey', 'AlreadyProcessed']);
    expect(state(definition, 'AlreadyProcessed').Type).toBe('Succeed');
    expect(path.filter((name) => WRITES.includes(state(definition, name).Resource ?? ''))).toHaveLength(1);
  });

  it('a new event costs 4 transitions and 2 writes', () => {
    const definition = render();
    const path: string[] = [];
    for (
      let name: string | undefined = definition.StartAt;
      name !== undefined;
      name = state(definition, name).Next
    ) {
      path.push(name);
    }
    expect(path).toEqual(['ClaimIdempotencyKey', 'RunBusinessLogic', 'RecordCompletion', 'Processed']);
    expect(path.filter((name) => WRITES.includes(state(definition, name).Resource ?? ''))).toHaveLength(2);
  });

  it('options that need the stored record add one read and one Choice to duplicates only', () => {
    const definition = render(ALL_OPTIONS);
    expect(
      catcherFor(definition, 'ClaimIdempotencyKey', 'DynamoDB.ConditionalCheckFailedException').Next,
    ).toBe('LoadExistingRecord');
    expect(state(definition, 'LoadExistingRecord').Resource).toBe('arn:aws:states:::dynamodb:getItem');
    expect(state(definition, 'LoadExistingRecord').Arguments?.ConsistentRead).toBe(true);
    expect(state(definition, 'LoadExistingRecord').Next).toBe('InspectDuplicate');
    expect(state(definition, 'ClaimIdempotencyKey').Next).toBe('RunBusinessLogic');
  });
});

describe('ClaimIdempotencyKey', () => {
  it('is one conditional PutItem: key absent, record expired, lease run out, or held INPROGRESS by this execution', () => {
    const claim = state(render(), 'ClaimIdempotencyKey');
    expect(claim.Resource).toBe('arn:aws:states:::dynamodb:putItem');
    expect(claim.Arguments?.TableName).toBe('idempotency-records');
    expect(claim.Arguments?.ConditionExpression).toBe(
      'attribute_not_exists(#id) OR #expiration < :now OR (#status = :inprogress AND #in_progress_expiration < :now_ms) OR (#execution = :me AND #status = :inprogress)',
    );
    expect(claim.Arguments?.ExpressionAttributeNames).toEqual({
      '#id': 'id',
      '#expiration': 'expiration',
      '#status': 'status',
      '#in_progress_expiration': 'in_progress_expiration',
      '#execution': 'execution',
    });
  });

  it('writes an INPROGRESS record with Powertools attribute names, TTL in seconds and lease in milliseconds', async () => {
    const claim = state(
      render({ ...ORDER_KEY, recordTtlSeconds: 600, leaseSeconds: 60 }),
      'ClaimIdempotencyKey',
    );
    const before = Date.now();
    const item = (await evaluate(claim.Arguments?.Item, {
      input: { detail: { orderId: 'o-1' } },
      executionId: 'arn:exec',
    })) as Record<string, { S?: string; N?: string }>;
    const values = (await evaluate(claim.Arguments?.ExpressionAttributeValues, {
      input: {},
      executionId: 'arn:exec',
    })) as Record<string, { S?: string; N?: string }>;
    const after = Date.now();
    expect(Object.keys(item)).toEqual(['id', 'status', 'expiration', 'in_progress_expiration', 'execution']);
    expect(item.id).toEqual({ S: 'payments#o-1' });
    expect(item.status).toEqual({ S: 'INPROGRESS' });
    expect(item.execution).toEqual({ S: 'arn:exec' });
    const expiration = Number(item.expiration?.N);
    expect(expiration).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 600);
    expect(expiration).toBeLessThanOrEqual(Math.floor(after / 1000) + 600);
    const lease = Number(item.in_progress_expiration?.N);
    expect(lease).toBeGreaterThanOrEqual(before + 60_000);
    expect(lease).toBeLessThanOrEqual(after + 60_000);
    expect(values[':me']).toEqual({ S: 'arn:exec' });
    expect(values[':inprogress']).toEqual({ S: 'INPROGRESS' });
    expect(Number(values[':now_ms']?.N)).toBeGreaterThanOrEqual(before);
    expect(Number(values[':now']?.N)).toBe(Math.floor(Number(values[':now_ms']?.N) / 1000));
  });

  it('keeps an INPROGRESS record alive for the whole lease even when the TTL is shorter', async () => {
    const claim = state(
      render({ ...ORDER_KEY, recordTtlSeconds: 5, leaseSeconds: 300 }),
      'ClaimIdempotencyKey',
    );
    const item = (await evaluate(claim.Arguments?.Item, { input: { detail: { orderId: 'o-1' } } })) as Record<
      string,
      { N?: string }
    >;
    expect(Number(item.expiration?.N)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 299);
  });

  it('stores the validation hash only when payload validation is on', async () => {
    const input = { detail: { orderId: 'o-1', amount: 10 } };
    const withValidation = { ...ORDER_KEY, payloadValidationExpression: '$states.input.detail.amount' };
    const item = (await evaluate(state(render(withValidation), 'ClaimIdempotencyKey').Arguments?.Item, {
      input,
    })) as Record<string, { S?: string }>;
    expect(item.validation).toEqual({ S: createHash('sha256').update('10').digest('hex') });
    const plain = (await evaluate(state(render(ORDER_KEY), 'ClaimIdempotencyKey').Arguments?.Item, {
      input,
    })) as Record<string, unknown>;
    expect(plain).not.toHaveProperty('validation');
  });

  it('keys on the SHA-256 of the whole event by default', async () => {
    const input = { detail: { orderId: 'o-1' } };
    const digest = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    expect(await claimedId(BASE, input)).toBe(`idempotency#${digest}`);
  });

  it('accepts number keys as their decimal text', async () => {
    expect(await claimedId(ORDER_KEY, { detail: { orderId: 42 } })).toBe('payments#42');
  });

  it('escapes expressions for the JSON file: quoted field names work', async () => {
    const options = { ...BASE, keyExpression: '$states.input.detail."order-id"', keyPrefix: 'p' };
    expect(await claimedId(options, { detail: { 'order-id': 'x' } })).toBe('p#x');
  });

  it.each([
    ['the key is missing', { detail: {} }, 'RejectEventWithoutKey'],
    ['the key is null', { detail: { orderId: null } }, 'RejectEventWithoutKey'],
    ['the key is an empty string', { detail: { orderId: '' } }, 'RejectEventWithoutKey'],
    ['the key is an object', { detail: { orderId: { a: 1 } } }, 'RejectEventWithInvalidKey'],
    ['the key is a boolean', { detail: { orderId: true } }, 'RejectEventWithInvalidKey'],
    ['the key is an array', { detail: { orderId: ['a', 'b'] } }, 'RejectEventWithInvalidKey'],
    [
      'the record id is over 2048 bytes',
      { detail: { orderId: 'x'.repeat(2048 - 8) } },
      'RejectEventWithKeyTooLong',
    ],
    [
      'the record id is over 2048 bytes in UTF-8',
      { detail: { orderId: 'é'.repeat(1020) } },
      'RejectEventWithKeyTooLong',
    ],
  ])(
    'writes an empty id, which DynamoDB rejects, when %s; then names the reason',
    async (_why, input, failState) => {
      expect(await claimedId(ORDER_KEY, input)).toBe('');
      const rejected = catcherFor(
        render(ORDER_KEY),
        'ClaimIdempotencyKey',
        'DynamoDB.AmazonDynamoDBException',
      );
      expect(rejected.Next).toBe('ClassifyRejectedClaim');
      expect(await evaluate(rejected.Output, { input })).toEqual(input);
      expect(await classify(ORDER_KEY, input)).toBe(failState);
    },
  );

  it('accepts a record id of exactly 2048 bytes', async () => {
    const key = `${'é'.repeat(1019)}x`; // "payments#" is 9 bytes: 9 + 2038 + 1 = 2048
    expect(await claimedId(ORDER_KEY, { detail: { orderId: key } })).toBe(`payments#${key}`);
  });

  it('sends a DynamoDB validation error with a valid key to ClaimFailed, carrying its error', async () => {
    expect(await classify(ORDER_KEY, { detail: { orderId: 'o-1' } })).toBe('ClaimFailed');
    const failed = state(render(ORDER_KEY), 'ClaimFailed');
    const claimError = dynamoDbError('ValidationException');
    expect(await evaluate(failed.Error, { input: {}, variables: { claimError } })).toBe(claimError.Error);
    expect(await evaluate(failed.Cause, { input: {}, variables: { claimError } })).toBe(claimError.Cause);
  });

  it.each([
    ['ThrottlingException', 'a valid key', { detail: { orderId: 'o-1' } }],
    ['InternalFailure', 'a valid key', { detail: { orderId: 'o-1' } }],
    ['ServiceUnavailable', 'a missing key', { detail: {} }],
  ])(
    'claims again after a pause when DynamoDB rejects the claim with %s (not a validation error), for %s',
    async (code, _key, input) => {
      const definition = render(ORDER_KEY);
      expect(await classify(ORDER_KEY, input, dynamoDbError(code))).toBe('WaitBeforeClaimingAgain');
      const wait = state(definition, 'WaitBeforeClaimingAgain');
      expect(wait.Type).toBe('Wait');
      expect(wait.Next).toBe('ClaimIdempotencyKey');
      for (let i = 0; i < 20; i++) {
        const seconds = await evaluate(wait.Seconds, { input });
        expect([1, 2, 3]).toContain(seconds);
      }
    },
  );

  it('fails with DynamoDB’s own error, not as an invalid key, when the claim is still throttled after the retry window', async () => {
    const started = new Date(Date.now() - (CLAIM_RETRY_WINDOW_SECONDS + 1) * 1000).toISOString();
    const throttled = dynamoDbError('ThrottlingException');
    expect(await classify(ORDER_KEY, { detail: {} }, throttled, started)).toBe('ClaimFailed');
    expect(await classify(ORDER_KEY, { detail: { orderId: 'o-1' } }, throttled, started)).toBe('ClaimFailed');
  });

  it('treats a rejected claim without a cause as not a validation error', async () => {
    const noCause = { Error: 'DynamoDB.AmazonDynamoDBException' };
    expect(await classify(ORDER_KEY, { detail: { orderId: 'o-1' } }, noCause)).toBe(
      'WaitBeforeClaimingAgain',
    );
  });

  it('fails invalid events with named errors and causes that show the expression', () => {
    const definition = render(ORDER_KEY);
    expect(state(definition, 'RejectEventWithoutKey').Error).toBe('Idempotency.KeyMissing');
    expect(state(definition, 'RejectEventWithInvalidKey').Error).toBe('Idempotency.KeyInvalidType');
    expect(state(definition, 'RejectEventWithKeyTooLong').Error).toBe('Idempotency.KeyTooLong');
    expect(state(definition, 'RejectEventWithoutKey').Cause).toContain('$states.input.detail.orderId');
  });

  it('treats a conditional failure as a duplicate: no retry, Succeed with a marker', async () => {
    const definition = render(ORDER_KEY);
    const retried = state(definition, 'ClaimIdempotencyKey').Retry?.flatMap((r) => r.ErrorEquals) ?? [];
    expect(retried).not.toContain('DynamoDB.ConditionalCheckFailedException');
    expect(retried).not.toContain('States.ALL');
    const duplicate = catcherFor(
      definition,
      'ClaimIdempotencyKey',
      'DynamoDB.ConditionalCheckFailedException',
    );
    expect(await evaluate(duplicate.Output, { input: { detail: { orderId: 'o-1' } } })).toEqual({
      duplicate: true,
      idempotencyKey: 'payments#o-1',
    });
  });

  it('retries DynamoDB throttling and internal errors with backoff and full jitter', () => {
    for (const name of [
      'ClaimIdempotencyKey',
      'RecordCompletion',
      'ReleaseIdempotencyKey',
      'LoadExistingRecord',
    ]) {
      const [retry] = state(render(ALL_OPTIONS), name).Retry ?? [];
      expect(retry).toMatchObject({
        BackoffRate: 2,
        JitterStrategy: 'FULL',
        IntervalSeconds: 1,
        MaxAttempts: 4,
      });
      expect(retry?.ErrorEquals).toEqual(
        expect.arrayContaining([
          'DynamoDB.ProvisionedThroughputExceededException',
          'DynamoDB.ThrottlingException',
          'DynamoDB.RequestLimitExceeded',
          'DynamoDB.InternalServerErrorException',
        ]),
      );
    }
  });

  it('retries unmodeled DynamoDB errors (AmazonDynamoDBException) after the claim, where the key is known to be valid', () => {
    for (const name of ['RecordCompletion', 'ReleaseIdempotencyKey', 'LoadExistingRecord']) {
      const retried = state(render(ALL_OPTIONS), name).Retry?.flatMap((r) => r.ErrorEquals) ?? [];
      expect(retried).toContain('DynamoDB.AmazonDynamoDBException');
    }
    // On the claim it may be a validation error (an invalid key): caught and classified instead.
    const claimRetried = state(render(), 'ClaimIdempotencyKey').Retry?.flatMap((r) => r.ErrorEquals) ?? [];
    expect(claimRetried).not.toContain('DynamoDB.AmazonDynamoDBException');
  });

  it('retries within the DynamoDB retry budget the margins are computed from', () => {
    for (const name of [
      'ClaimIdempotencyKey',
      'RecordCompletion',
      'ReleaseIdempotencyKey',
      'LoadExistingRecord',
    ]) {
      const [retry] = state(render(ALL_OPTIONS), name).Retry ?? [];
      const { IntervalSeconds, MaxAttempts, BackoffRate, MaxDelaySeconds } = retry as Record<string, number>;
      let total = 0;
      for (let attempt = 0; attempt < (MaxAttempts ?? 0); attempt++) {
        total += Math.min(
          (IntervalSeconds ?? 0) * (BackoffRate ?? 1) ** attempt,
          MaxDelaySeconds ?? Infinity,
        );
      }
      expect(total).toBe(DYNAMODB_RETRY_WAIT_SECONDS);
    }
  });
});

describe('RunBusinessLogic', () => {
  const event = { detail: { orderId: 'o-1' } };

  it('passes the raw event by default', async () => {
    const run = state(render(ORDER_KEY), 'RunBusinessLogic');
    expect(run.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(run.Arguments?.FunctionName).toBe(BASE.businessFunctionArn);
    expect(
      await evaluate(run.Arguments?.Payload, { input: event, variables: { idempotencyKey: 'payments#o-1' } }),
    ).toEqual(event);
  });

  it('passes { idempotencyKey, event } with the ENVELOPE payload shape', async () => {
    const run = state(render({ ...ORDER_KEY, payloadShape: 'ENVELOPE' }), 'RunBusinessLogic');
    expect(
      await evaluate(run.Arguments?.Payload, { input: event, variables: { idempotencyKey: 'payments#o-1' } }),
    ).toEqual({
      idempotencyKey: 'payments#o-1',
      event,
    });
  });

  it('times out after the business timeout plus Lambda’s 10 s Init phase plus the invoke margin', async () => {
    const run = state(render({ ...BASE, businessTimeoutSeconds: 30 }), 'RunBusinessLogic');
    expect(await evaluate(run.TimeoutSeconds, { input: {} })).toBe(30 + 10 + 5);
    expect(businessTaskTimeoutSeconds(30)).toBe(45);
  });

  it('retries Lambda service errors and throttling with full jitter, and nothing else', () => {
    const retry = state(render(), 'RunBusinessLogic').Retry;
    expect(retry).toEqual([
      expect.objectContaining({
        ErrorEquals: [
          'Lambda.ServiceException',
          'Lambda.AWSLambdaException',
          'Lambda.SdkClientException',
          'Lambda.TooManyRequestsException',
        ],
        JitterStrategy: 'FULL',
        MaxAttempts: 2,
      }),
    ]);
  });

  it('outputs the function result payload', async () => {
    const run = state(render(), 'RunBusinessLogic');
    expect(
      await evaluate(run.Output, { input: event, result: { Payload: { ok: 1 }, StatusCode: 200 } }),
    ).toEqual({ ok: 1 });
  });

  it.each([
    ['an object', { paymentId: 'p', amount: 5 }],
    ['a string', 'done "quoted" é'],
    ['null', null],
    ['a number', 12.5],
  ])('stores %s as JSON that $parse turns back into the result', async (_what, payload) => {
    const options = { ...BASE, duplicateResponse: 'RETURN_STORED_RESULT' as const };
    const stored = await evaluate(state(render(options), 'RunBusinessLogic').Assign?.storedResult, {
      input: event,
      result: { Payload: payload },
    });
    expect(typeof stored).toBe('string');
    expect(JSON.parse(stored as string)).toEqual(payload);
  });

  it('does not store a result larger than the cap (in UTF-8 bytes)', async () => {
    const options = { ...BASE, duplicateResponse: 'RETURN_STORED_RESULT' as const, maxStoredResultBytes: 9 };
    const assign = state(render(options), 'RunBusinessLogic').Assign?.storedResult;
    expect(await evaluate(assign, { input: event, result: { Payload: 'ééé' } })).toBe('"ééé"'); // 8 bytes
    expect(await evaluate(assign, { input: event, result: { Payload: 'éééé' } })).toBeNull(); // 10 bytes
  });

  it('does not store results unless the duplicate response returns them', async () => {
    const assign = state(render(), 'RunBusinessLogic').Assign?.storedResult;
    expect(await evaluate(assign, { input: event, result: { Payload: { a: 1 } } })).toBeNull();
  });

  it('on a function error or a Lambda service error releases the key, then fails with the business error name and cause', async () => {
    const definition = render();
    const failure = catcherFor(definition, 'RunBusinessLogic', 'States.ALL');
    expect(state(definition, 'RunBusinessLogic').Catch?.at(-1)).toBe(failure);
    expect(failure.Next).toBe('ReleaseIdempotencyKey');
    const release = state(definition, 'ReleaseIdempotencyKey');
    expect(release.Resource).toBe('arn:aws:states:::dynamodb:deleteItem');
    expect(release.Arguments?.ConditionExpression).toBe('#execution = :me');
    expect(release.Next).toBe('BusinessLogicFailed');
    expect(catcherFor(definition, 'ReleaseIdempotencyKey', 'States.ALL').Next).toBe('BusinessLogicFailed');
    const businessError = { Error: 'PaymentDeclined', Cause: '{"errorType":"PaymentDeclined"}' };
    const failed = state(definition, 'BusinessLogicFailed');
    expect(await evaluate(failed.Error, { input: {}, variables: { businessError } })).toBe('PaymentDeclined');
    expect(await evaluate(failed.Cause, { input: {}, variables: { businessError } })).toBe(
      businessError.Cause,
    );
  });
});

describe('RunBusinessLogic when the outcome of the invocation is unknown', () => {
  const UNKNOWN_OUTCOME = [
    'States.Timeout',
    'Lambda.ClientExecutionTimeoutException',
    'States.DataLimitExceeded',
    'States.QueryEvaluationError',
  ];

  it.each(UNKNOWN_OUTCOME)(
    'keeps the key claimed on %s: fails in BusinessOutcomeUnknown without releasing',
    (error) => {
      const definition = render();
      const catchers = state(definition, 'RunBusinessLogic').Catch ?? [];
      const first = catchers.find(
        (c) => c.ErrorEquals.includes(error) || c.ErrorEquals.includes('States.ALL'),
      );
      expect(first?.Next).toBe('BusinessOutcomeUnknown');
      expect(state(definition, 'BusinessOutcomeUnknown').Type).toBe('Fail');
    },
  );

  it('fails with Idempotency.BusinessOutcomeUnknown, naming the original error and cause', async () => {
    const failed = state(render(), 'BusinessOutcomeUnknown');
    const businessError = { Error: 'States.Timeout', Cause: 'timed out after 18 s' };
    expect(failed.Error).toBe('Idempotency.BusinessOutcomeUnknown');
    const cause = await evaluate(failed.Cause, { input: {}, variables: { businessError } });
    expect(cause).toContain('States.Timeout');
    expect(cause).toContain('timed out after 18 s');
    expect(cause).toContain('INPROGRESS');
    expect(
      await evaluate(failed.Cause, { input: {}, variables: { businessError: { Error: 'X' } } }),
    ).toContain('X');
  });

  it('does not retry those errors: a new invocation could run next to the one still running', () => {
    const retried = state(render(), 'RunBusinessLogic').Retry?.flatMap((r) => r.ErrorEquals) ?? [];
    for (const error of UNKNOWN_OUTCOME) expect(retried).not.toContain(error);
  });
});

describe('RecordCompletion', () => {
  it('marks the record COMPLETED, fenced on this execution, with a fresh TTL', async () => {
    const complete = state(render({ ...BASE, recordTtlSeconds: 120 }), 'RecordCompletion');
    expect(complete.Resource).toBe('arn:aws:states:::dynamodb:updateItem');
    expect(complete.Arguments?.ConditionExpression).toBe('#execution = :me');
    const scope = {
      input: { ok: true },
      variables: { storedResult: null, idempotencyKey: 'k' },
      executionId: 'arn:me',
    };
    expect(await evaluate(complete.Arguments?.Key, scope)).toEqual({ id: { S: 'k' } });
    expect(await evaluate(complete.Arguments?.UpdateExpression, scope)).toBe(
      'SET #status = :completed, #expiration = :expiration REMOVE #data',
    );
    const values = (await evaluate(complete.Arguments?.ExpressionAttributeValues, scope)) as Record<
      string,
      { N?: string }
    >;
    expect(Object.keys(values)).toEqual([':completed', ':expiration', ':me']);
    expect(values[':me']).toEqual({ S: 'arn:me' });
    expect(Number(values[':expiration']?.N)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 119);
    expect(await evaluate(complete.Output, scope)).toEqual({ ok: true });
    expect(complete.Next).toBe('Processed');
  });

  it('stores the result as data when it was kept', async () => {
    const complete = state(render(), 'RecordCompletion');
    const scope = { input: {}, variables: { storedResult: '{"a":1}', idempotencyKey: 'k' } };
    expect(await evaluate(complete.Arguments?.UpdateExpression, scope)).toBe(
      'SET #status = :completed, #expiration = :expiration, #data = :data',
    );
    expect(await evaluate(complete.Arguments?.ExpressionAttributeValues, scope)).toMatchObject({
      ':data': { S: '{"a":1}' },
    });
  });

  it('fails with Idempotency.LeaseLost when another execution took the key over', () => {
    const definition = render();
    expect(catcherFor(definition, 'RecordCompletion', 'DynamoDB.ConditionalCheckFailedException').Next).toBe(
      'LeaseLost',
    );
    expect(state(definition, 'LeaseLost').Error).toBe('Idempotency.LeaseLost');
  });
});

describe('inputShape BATCH_OF_ONE (EventBridge Pipes deliver [event] even with batch size 1)', () => {
  const event = { detail: { orderId: 'o-1', amount: 10 } };
  const BATCH = { ...ORDER_KEY, inputShape: 'BATCH_OF_ONE' as const };

  /** What RunBusinessLogic sends: the claim's output becomes its input. */
  async function payloadFor(options: DefinitionOptions, input: unknown): Promise<unknown> {
    const definition = render(options);
    const claimed = await evaluate(state(definition, 'ClaimIdempotencyKey').Output, { input });
    return evaluate(state(definition, 'RunBusinessLogic').Arguments?.Payload, {
      input: claimed,
      variables: { idempotencyKey: 'payments#o-1' },
    });
  }

  it('passes the business function the event, not the one-element array, at no extra transition', async () => {
    expect(await payloadFor(BATCH, [event])).toEqual(event);
    expect(state(render(BATCH), 'ClaimIdempotencyKey').Next).toBe('RunBusinessLogic');
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
    expect(definitionSubstitutions(BATCH).Event).toBe('$states.input[0]');
  });

  it('finds the same key with a path expression, which maps over the one element', async () => {
    expect(await claimedId(BATCH, [event])).toBe('payments#o-1');
    expect(await claimedId(BATCH, event)).toBe('payments#o-1');
  });

  it('hashes the event, not the array, by default: a message body and the same event from a rule share one key', async () => {
    const options = { ...BASE, inputShape: 'BATCH_OF_ONE' as const };
    const digest = createHash('sha256').update(JSON.stringify(event)).digest('hex');
    expect(defaultKeyExpression('BATCH_OF_ONE')).toBe("$hash($string($states.input[0]), 'SHA-256')");
    expect(await claimedId(options, [event])).toBe(`idempotency#${digest}`);
    expect(await claimedId(options, event)).toBe(`idempotency#${digest}`);
    expect(await claimedId(BASE, event)).toBe(`idempotency#${digest}`);
  });

  it('still names the reason of an invalid key in a batch', async () => {
    expect(await classify(BATCH, [{ detail: {} }])).toBe('RejectEventWithoutKey');
    expect(await classify(BATCH, [{ detail: { orderId: true } }])).toBe('RejectEventWithInvalidKey');
  });
});

describe('duplicates with options that read the record', () => {
  const definition = render(ALL_OPTIONS);
  const input = { detail: { 'order-id': 'o-1', amount: 10 } };
  const hashOf10 = createHash('sha256').update('10').digest('hex');

  async function route(
    existingRecord: unknown,
    payloadHash = hashOf10,
  ): Promise<{ next: string; output?: unknown }> {
    const choice = state(definition, 'InspectDuplicate');
    const scope = { input: { duplicate: true }, variables: { existingRecord, payloadHash } };
    for (const rule of choice.Choices ?? []) {
      if ((await evaluate(rule.Condition, scope)) === true) {
        return {
          next: rule.Next,
          output: rule.Output === undefined ? undefined : await evaluate(rule.Output, scope),
        };
      }
    }
    return { next: choice.Default ?? 'none' };
  }

  it('computes the payload hash of the duplicate from its own event', async () => {
    const duplicate = catcherFor(
      definition,
      'ClaimIdempotencyKey',
      'DynamoDB.ConditionalCheckFailedException',
    );
    expect(await evaluate(duplicate.Assign?.payloadHash, { input })).toBe(hashOf10);
  });

  it('returns the stored result of a completed record', async () => {
    const record = {
      status: { S: 'COMPLETED' },
      validation: { S: hashOf10 },
      data: { S: '{"paymentId":"p1"}' },
    };
    expect(await route(record)).toEqual({ next: 'AlreadyProcessed', output: { paymentId: 'p1' } });
  });

  it('succeeds with the marker when a completed record has no stored result', async () => {
    expect(await route({ status: { S: 'COMPLETED' }, validation: { S: hashOf10 } })).toEqual({
      next: 'AlreadyProcessed',
    });
  });

  it('fails with Idempotency.AlreadyInProgress while the first execution runs', async () => {
    expect(await route({ status: { S: 'INPROGRESS' }, validation: { S: hashOf10 } })).toEqual({
      next: 'RejectWhileInProgress',
    });
    expect(state(definition, 'RejectWhileInProgress').Error).toBe('Idempotency.AlreadyInProgress');
  });

  it('fails with Idempotency.PayloadMismatch when the stored record has no validation hash', async () => {
    expect(await route({ status: { S: 'COMPLETED' }, data: { S: '{"paymentId":"p1"}' } })).toEqual({
      next: 'RejectPayloadMismatch',
    });
  });

  it('fails with Idempotency.PayloadMismatch when the validated part differs', async () => {
    expect(await route({ status: { S: 'COMPLETED' }, validation: { S: 'other' } })).toEqual({
      next: 'RejectPayloadMismatch',
    });
    expect(state(definition, 'RejectPayloadMismatch').Error).toBe('Idempotency.PayloadMismatch');
  });

  it('claims again, with the original event, when the record vanished after the claim failed', async () => {
    const choice = state(definition, 'InspectDuplicate');
    const rule = choice.Choices?.[0];
    expect(rule?.Next).toBe('ClaimIdempotencyKey');
    expect(rule?.Output).toBe('{% $states.context.Execution.Input %}');
    expect((await route(null)).next).toBe('ClaimIdempotencyKey');
  });
});

describe('definitionSubstitutions', () => {
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
    expect(definitionSubstitutions(BASE)).toEqual({
      TableName: 'idempotency-records',
      BusinessFunctionArn: BASE.businessFunctionArn,
      KeyExpression: "$hash($string($states.input), 'SHA-256')",
      KeyPrefix: 'idempotency',
      RecordIdExpression:
        "( $key := ($hash($string($states.input), 'SHA-256')); $keyText := $type($key) = 'string' ? $key : ($type($key) = 'number' ? $string($key) : ''); $recordId := $keyText = '' ? '' : 'idempotency#' & $keyText; ( $encoded := $encodeUrlComponent($recordId); 2 * $length($replace($encoded, '%', '')) - $length($encoded) ) > 2048 ? '' : $recordId )",
      RecordTtlSeconds: '3600',
      LeaseSeconds: '77',
      BusinessTaskTimeoutSeconds: '18',
      ReturnStoredResult: 'false',
      MaxStoredResultBytes: '32768',
      FailWhenInProgress: 'false',
      PayloadValidation: 'false',
      PayloadValidationExpression: 'null',
      EnvelopePayload: 'false',
      Event: '$states.input',
      ClaimRetryWindowSeconds: '15',
    });
  });

  it('derives the default lease from every invoke attempt, retry waits and the completion write', () => {
    expect(defaultLeaseSeconds(3)).toBe(3 * 18 + 3 + 20);
    expect(defaultLeaseSeconds(60)).toBe(3 * 75 + 3 + 20);
  });

  it('reserves for the completion write at least its own retry budget', () => {
    expect(COMPLETION_MARGIN_SECONDS).toBeGreaterThanOrEqual(DYNAMODB_RETRY_WAIT_SECONDS);
  });

  it('counts the claim, every invoke attempt and the completion write, with their retries, in the worst-case run', () => {
    expect(CLAIM_BUDGET_SECONDS).toBe(15 + 3 + 15);
    expect(worstCaseRunSeconds(3)).toBe(
      CLAIM_BUDGET_SECONDS + 3 * 18 + BUSINESS_RETRY_WAIT_SECONDS + COMPLETION_MARGIN_SECONDS,
    );
  });

  it('leaves value placeholders for CloudFormation in the template and fills them in renderDefinition', () => {
    const template = definitionTemplate(BASE);
    expect(template).toContain(placeholder('TableName'));
    expect(template).not.toContain(placeholder(STRUCTURAL_PLACEHOLDER));
    expect(renderDefinition(BASE)).not.toMatch(/\$\{[A-Za-z]+\}/);
  });

  it('fails when a placeholder has no value', () => {
    const template = `{"a": "${placeholder('Missing')}"}`;
    expect(() => substitute(template, {})).toThrow(UnknownPlaceholderError);
    expect(() => substitute(template, {})).toThrow(placeholder('Missing'));
  });

  it.each<[string, Partial<DefinitionOptions>, string]>([
    [
      'the key expression does not parse',
      { keyExpression: '$states.input.(' },
      '"$states.input.(" is not valid JSONata',
    ],
    [
      'the key expression reads the input implicitly',
      { keyExpression: 'detail.orderId' },
      'start from $states.input',
    ],
    ['the key expression is $', { keyExpression: '$' }, 'start from $states.input'],
    ['the key expression is empty', { keyExpression: ' ' }, 'keyExpression must not be empty'],
    [
      'the validation expression does not parse',
      { payloadValidationExpression: '{' },
      'payloadValidationExpression',
    ],
    ['the key prefix has a #', { keyPrefix: 'a#b' }, 'keyPrefix must be'],
    ['the key prefix is empty', { keyPrefix: '' }, 'keyPrefix must be'],
    ['the TTL is zero', { recordTtlSeconds: 0 }, 'recordTtlSeconds must be'],
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
    expect(() => definitionSubstitutions({ ...BASE, ...change })).toThrow(IdempotencyConfigError);
    expect(() => definitionSubstitutions({ ...BASE, ...change })).toThrow(message);
  });
});
