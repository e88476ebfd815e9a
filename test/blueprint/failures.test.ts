/**
 * The failure sorting, pinned name by name: which of the three cases each error the workflow can
 * see belongs to (the function did not run, ran and failed, or unknown), and what the definition
 * does with it, checked by executing the definition with the business function failing that way.
 * The literal names and cases here are the contract; lib/state-machines/failures.ts must agree.
 */
import { StatesError } from '@sfn-idempotency/local-runtime';
import type { DefinitionOptions } from '../../lib/definition';
import { planWorkflow } from '../../lib/plan';
import {
  BUSINESS_FAILURES,
  BusinessOutcome,
  DYNAMODB_FAILURES,
  KeyAfter,
  Retried,
  WriteOutcome,
} from '../../lib/state-machines/failures';
import { IdempotencyError, StateName } from '../../lib/state-machines/names';
import { UNMODELED_DYNAMODB_ERROR } from '../../lib/state-machines/retries';
import { claimLikeDynamoDb, failing, firstTimes, run, SAMPLE } from '../support/engine';

const EVENT_SHAPE: DefinitionOptions = { ...SAMPLE, keyExpression: '$states.input.id' };
const ENVELOPE: DefinitionOptions = { ...EVENT_SHAPE, payloadShape: 'ENVELOPE' };

/** Every business error name the workflow sorts, with its case: the contract users read in the README. */
const BUSINESS_CASES: Record<string, BusinessOutcome> = {
  'Lambda.TooManyRequestsException': 'did not run',
  'Lambda.ServiceException': 'unknown',
  'Lambda.AWSLambdaException': 'unknown',
  'Lambda.SdkClientException': 'unknown',
  'States.Timeout': 'unknown',
  'Lambda.ClientExecutionTimeoutException': 'unknown',
  'States.DataLimitExceeded': 'unknown',
  'States.QueryEvaluationError': 'unknown',
  'Lambda.ResourceNotFoundException': 'did not run',
  'Lambda.ResourceNotReadyException': 'did not run',
  'Lambda.ResourceConflictException': 'did not run',
  'Lambda.InvalidParameterValueException': 'did not run',
  'Lambda.InvalidRequestContentException': 'did not run',
  'Lambda.RequestTooLargeException': 'did not run',
  'Lambda.UnsupportedMediaTypeException': 'did not run',
  'Lambda.RecursiveInvocationException': 'did not run',
  'Lambda.InvalidRuntimeException': 'did not run',
  'Lambda.InvalidZipFileException': 'did not run',
  'Lambda.KMSAccessDeniedException': 'did not run',
  'Lambda.KMSDisabledException': 'did not run',
  'Lambda.KMSInvalidStateException': 'did not run',
  'Lambda.KMSNotFoundException': 'did not run',
  'Lambda.EC2AccessDeniedException': 'did not run',
  'Lambda.EC2ThrottledException': 'did not run',
  'Lambda.EC2UnexpectedException': 'did not run',
  'Lambda.ENILimitReachedException': 'did not run',
  'Lambda.InvalidSubnetIDException': 'did not run',
  'Lambda.InvalidSecurityGroupIDException': 'did not run',
  'Lambda.SubnetIPAddressLimitReachedException': 'did not run',
  'Lambda.EFSMountConnectivityException': 'did not run',
  'Lambda.EFSMountFailureException': 'did not run',
  'Lambda.EFSMountTimeoutException': 'did not run',
  'Lambda.SnapStartException': 'did not run',
  'Lambda.SnapStartNotReadyException': 'did not run',
  'Lambda.SnapStartTimeoutException': 'did not run',
  'Lambda.Unknown': 'ran and failed',
  'Sandbox.Timedout': 'ran and failed',
  'Lambda.EFSIOException': 'ran and failed',
};

/** Errors no row names: the function's own, which it threw. */
const OWN_ERRORS = ['PaymentDeclined', 'Error', 'Runtime.ExitError'];

function rowOf(error: string) {
  return (
    BUSINESS_FAILURES.find((row) => row.errors.includes(error)) ??
    BUSINESS_FAILURES.find((row) => row.errors.length === 0)
  );
}

describe('the failure table', () => {
  it('sorts exactly the pinned names, each into its pinned case', () => {
    const named = Object.fromEntries(
      BUSINESS_FAILURES.flatMap((row) => row.errors.map((error) => [error, row.outcome])),
    );
    expect(named).toEqual(BUSINESS_CASES);
    for (const error of OWN_ERRORS) expect(rowOf(error)?.outcome).toBe(BusinessOutcome.RanAndFailed);
  });

  it('keeps the key exactly for the unknown outcomes, and retries only throttling or, with the envelope, unknown service errors', () => {
    for (const row of BUSINESS_FAILURES) {
      expect(row.key).toBe(row.outcome === BusinessOutcome.Unknown ? KeyAfter.Kept : KeyAfter.Released);
      if (row.retried === Retried.Always) expect(row.outcome).toBe(BusinessOutcome.NotRun);
      if (row.retried === Retried.WithEnvelope) expect(row.outcome).toBe(BusinessOutcome.Unknown);
      expect(row.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    }
  });

  it('names no error twice, and no DynamoDB name AWS does not raise', () => {
    const names = [...BUSINESS_FAILURES, ...DYNAMODB_FAILURES].flatMap((row) => row.errors);
    expect(new Set(names).size).toBe(names.length);
    for (const never of [
      'DynamoDB.ThrottlingException',
      'DynamoDB.RequestLimitExceeded',
      'DynamoDB.ValidationException',
    ]) {
      expect(names).not.toContain(never);
    }
  });
});

describe.each([
  ['the event as payload', EVENT_SHAPE, false],
  ['the ENVELOPE payload', ENVELOPE, true],
] as const)('RunBusinessLogic failing every attempt, with %s', (_shape, options, envelope) => {
  const definition = planWorkflow(options).definition;

  it.each([...Object.keys(BUSINESS_CASES), ...OWN_ERRORS])('%s', async (error) => {
    const row = rowOf(error);
    if (row === undefined) throw new Error(`no row for ${error}`);
    const failed = await run(
      definition,
      { id: 'order-1' },
      {
        putItem: claimLikeDynamoDb,
        invoke: failing(new StatesError(error, 'the cause')),
      },
    );
    const retried = row.retried === Retried.Always || (envelope && row.retried === Retried.WithEnvelope);
    expect(failed.parametersOf('invoke')).toHaveLength(retried ? 3 : 1);
    expect(failed.result.status).toBe('FAILED');
    if (row.key === KeyAfter.Kept) {
      expect(failed.entered.at(-1)).toBe(StateName.BusinessOutcomeUnknown);
      expect(failed.parametersOf('deleteItem')).toHaveLength(0);
      expect(failed.result.error).toBe(IdempotencyError.BusinessOutcomeUnknown);
    } else {
      expect(failed.entered.slice(-2)).toEqual([
        StateName.ReleaseIdempotencyKey,
        StateName.BusinessLogicFailed,
      ]);
      expect(failed.parametersOf('deleteItem')).toHaveLength(1);
      expect(failed.result).toMatchObject({ error, cause: 'the cause' });
    }
  });
});

/** An unmodeled DynamoDB error's cause as the AWS SDK for Java v1 writes it, and as v2 does. */
const causes = (message: string, status: number, code: string) => ({
  v1: `${message} (Service: AmazonDynamoDBv2; Status Code: ${status}; Error Code: ${code}; Request ID: R1; Proxy: null)`,
  v2: `${message} (Service: DynamoDb, Status Code: ${status}, Request ID: R1)`,
});

describe('a claim DynamoDB rejected with an unmodeled error, in either SDK’s cause format', () => {
  it.each([
    [
      'ThrottlingException',
      causes('Rate of requests exceeds the allowed throughput.', 400, 'ThrottlingException'),
    ],
    ['a 503', causes('Service unavailable', 503, 'ServiceUnavailable')],
    ['a 500', causes('Internal server error', 500, 'InternalServerError')],
  ])('claims %s again after a pause', async (_what, formats) => {
    for (const cause of Object.values(formats)) {
      const retried = await run(
        planWorkflow(EVENT_SHAPE).definition,
        { id: 'order-1' },
        {
          putItem: firstTimes(
            1,
            failing(new StatesError(UNMODELED_DYNAMODB_ERROR, cause)),
            claimLikeDynamoDb,
          ),
        },
      );
      expect(retried.entered.slice(0, 4)).toEqual([
        StateName.ClaimIdempotencyKey,
        StateName.ClassifyRejectedClaim,
        StateName.WaitBeforeClaimingAgain,
        StateName.ClaimIdempotencyKey,
      ]);
      expect(retried.result.status).toBe('SUCCEEDED');
    }
  });

  it.each([
    [
      'a ValidationException (a table without the id key)',
      causes(
        'One or more parameter values were invalid: Missing the key id in the item',
        400,
        'ValidationException',
      ),
    ],
    [
      'an access error',
      causes('User is not authorized to perform: dynamodb:PutItem', 400, 'AccessDeniedException'),
    ],
  ])('fails %s in ClaimFailed at once, with DynamoDB’s error', async (_what, formats) => {
    for (const options of [SAMPLE, EVENT_SHAPE]) {
      for (const cause of Object.values(formats)) {
        const failed = await run(
          planWorkflow(options).definition,
          { id: 'order-1' },
          { putItem: failing(new StatesError(UNMODELED_DYNAMODB_ERROR, cause)) },
        );
        expect(failed.entered).toEqual([
          StateName.ClaimIdempotencyKey,
          StateName.ClassifyRejectedClaim,
          StateName.ClaimFailed,
        ]);
        expect(failed.result).toMatchObject({ error: UNMODELED_DYNAMODB_ERROR, cause });
      }
    }
  });
});

describe('the DynamoDB errors of the guard’s own writes', () => {
  it.each(
    DYNAMODB_FAILURES.filter((row) => row.retried && row.outcome !== WriteOutcome.Answer).flatMap((row) =>
      row.errors.filter((error) => error !== UNMODELED_DYNAMODB_ERROR),
    ),
  )('retries %s on the claim and on completion, then goes on', async (error) => {
    const flaky = (then: (call: never) => unknown) =>
      firstTimes(1, failing(new StatesError(error, 'the cause')), then as never);
    const processed = await run(
      planWorkflow(EVENT_SHAPE).definition,
      { id: 'order-1' },
      { putItem: flaky(claimLikeDynamoDb as never), updateItem: flaky(() => ({})) },
    );
    expect(processed.parametersOf('putItem')).toHaveLength(2);
    expect(processed.parametersOf('updateItem')).toHaveLength(2);
    expect(processed.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.RecordCompletion,
      StateName.Processed,
    ]);
  });
});
