/**
 * Every error the workflow can see, sorted by what it proves about the side effects: the one table
 * the retriers, the catchers, the docs and the README are built from, and that a test pins name by
 * name. Step Functions names the errors of its optimized integrations after the exception classes
 * of the AWS SDK for Java v1 (`<Service>.<Class>`; an error code the SDK has no class for arrives
 * as the service's base class, the code only in the cause). That SDK has taken no new service
 * models since it entered maintenance on 31 July 2024, so newer codes (DynamoDB's
 * ThrottlingException) can only arrive under the base class.
 */

/** What a failed business invocation proves. */
export const BusinessOutcome = {
  /** The Lambda service refused the invocation: the function did not run. */
  NotRun: 'did not run',
  /** The function ran and reported a failure (its own error, a crash, its own timeout). */
  RanAndFailed: 'ran and failed',
  /** The function may have run, may still be running, or may have succeeded. */
  Unknown: 'unknown',
} as const;
export type BusinessOutcome = (typeof BusinessOutcome)[keyof typeof BusinessOutcome];

/** When RunBusinessLogic retries an error. */
export const Retried = {
  Always: 'always',
  /** Only when the function receives the key (payloadShape ENVELOPE) and can drop a second call itself. */
  WithEnvelope: "only with payloadShape 'ENVELOPE'",
  Never: 'never',
} as const;
export type Retried = (typeof Retried)[keyof typeof Retried];

/** What becomes of the key once an error is final (retries exhausted, or none). */
export const KeyAfter = {
  /** Deleted (fenced on this execution): a redelivery runs the business logic again. */
  Released: 'released',
  /** Left INPROGRESS: a redelivery is a duplicate until the lease ends or the release workflow frees it. */
  Kept: 'kept',
} as const;
export type KeyAfter = (typeof KeyAfter)[keyof typeof KeyAfter];

export interface BusinessFailure {
  /** The error names, as Step Functions reports them; empty: any other error (States.ALL). */
  readonly errors: readonly string[];
  readonly outcome: BusinessOutcome;
  readonly retried: Retried;
  readonly key: KeyAfter;
  readonly when: string;
  /** Where the meaning of these errors is documented. */
  readonly source: string;
}

const LAMBDA_INVOKE_ERRORS =
  'https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors';
const LAMBDA_TRANSIENT =
  'https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html';
const SFN_ERRORS = 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html';
const LAMBDA_FUNCTION_ERRORS = 'https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html';

/** RunBusinessLogic's errors, most specific first; the last row is everything else. */
export const BUSINESS_FAILURES: readonly BusinessFailure[] = [
  {
    errors: ['Lambda.TooManyRequestsException'],
    outcome: BusinessOutcome.NotRun,
    retried: Retried.Always,
    key: KeyAfter.Released,
    when: 'Lambda throttled the invocation (429) before the function ran.',
    source: LAMBDA_INVOKE_ERRORS,
  },
  {
    errors: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'],
    outcome: BusinessOutcome.Unknown,
    retried: Retried.WithEnvelope,
    key: KeyAfter.Kept,
    when: 'A 5xx from the Lambda service, an error code the SDK has no class for, or a client-side failure (a connection reset, an unreadable response): each can arrive after the function ran.',
    source: LAMBDA_TRANSIENT,
  },
  {
    errors: ['States.Timeout', 'Lambda.ClientExecutionTimeoutException'],
    outcome: BusinessOutcome.Unknown,
    retried: Retried.Never,
    key: KeyAfter.Kept,
    when: 'Step Functions stopped waiting (TimeoutSeconds, or the SDK call timed out): the invocation may still be running.',
    source: SFN_ERRORS,
  },
  {
    errors: ['States.DataLimitExceeded', 'States.QueryEvaluationError'],
    outcome: BusinessOutcome.Unknown,
    retried: Retried.Never,
    key: KeyAfter.Kept,
    when: "The function returned, but its result could not be used (over 256 KiB, or this state's Output or Assign failed on it): it may have succeeded.",
    source: SFN_ERRORS,
  },
  {
    errors: [
      'Lambda.ResourceNotFoundException',
      'Lambda.ResourceNotReadyException',
      'Lambda.ResourceConflictException',
      'Lambda.InvalidParameterValueException',
      'Lambda.InvalidRequestContentException',
      'Lambda.RequestTooLargeException',
      'Lambda.UnsupportedMediaTypeException',
      'Lambda.RecursiveInvocationException',
      'Lambda.InvalidRuntimeException',
      'Lambda.InvalidZipFileException',
      'Lambda.KMSAccessDeniedException',
      'Lambda.KMSDisabledException',
      'Lambda.KMSInvalidStateException',
      'Lambda.KMSNotFoundException',
      'Lambda.EC2AccessDeniedException',
      'Lambda.EC2ThrottledException',
      'Lambda.EC2UnexpectedException',
      'Lambda.ENILimitReachedException',
      'Lambda.InvalidSubnetIDException',
      'Lambda.InvalidSecurityGroupIDException',
      'Lambda.SubnetIPAddressLimitReachedException',
      'Lambda.EFSMountConnectivityException',
      'Lambda.EFSMountFailureException',
      'Lambda.EFSMountTimeoutException',
      'Lambda.SnapStartException',
      'Lambda.SnapStartNotReadyException',
      'Lambda.SnapStartTimeoutException',
    ],
    outcome: BusinessOutcome.NotRun,
    retried: Retried.Never,
    key: KeyAfter.Released,
    when: 'Lambda rejected the request, or could not set up the execution environment (VPC, KMS, EFS mount, SnapStart restore), before the function ran.',
    source: LAMBDA_INVOKE_ERRORS,
  },
  {
    errors: ['Lambda.Unknown', 'Sandbox.Timedout', 'Lambda.EFSIOException'],
    outcome: BusinessOutcome.RanAndFailed,
    retried: Retried.Never,
    key: KeyAfter.Released,
    when: 'The function ran and ended without a result: out of memory, its own timeout (reported as `Sandbox.Timedout` or `Lambda.Unknown`), a runtime crash, a file-system error while it ran. The invocation is over.',
    source: SFN_ERRORS,
  },
  {
    errors: [],
    outcome: BusinessOutcome.RanAndFailed,
    retried: Retried.Never,
    key: KeyAfter.Released,
    when: "Any other error: the function's own (an error it threw, under its name, such as `PaymentDeclined`). The invocation is over.",
    source: LAMBDA_FUNCTION_ERRORS,
  },
];

/** The business errors RunBusinessLogic retries, with or without the envelope. */
export function retriedBusinessErrors(envelope: boolean): string[] {
  return BUSINESS_FAILURES.filter(
    (f) => f.retried === Retried.Always || (envelope && f.retried === Retried.WithEnvelope),
  ).flatMap((f) => f.errors);
}

/** The business errors after which the key stays claimed (BusinessOutcomeUnknown). */
export function keptKeyBusinessErrors(): string[] {
  return BUSINESS_FAILURES.filter((f) => f.key === KeyAfter.Kept).flatMap((f) => f.errors);
}

/** What a DynamoDB error on one of the guard's own writes proves. */
export const WriteOutcome = {
  /** The condition did not hold: an answer, not a failure. */
  Answer: 'an answer',
  /** Refused before writing: throttled, or invalid. */
  NotApplied: 'not applied',
  /** A 5xx or a client-side failure: the write may or may not have been applied. */
  Unknown: 'unknown',
} as const;
export type WriteOutcome = (typeof WriteOutcome)[keyof typeof WriteOutcome];

export interface DynamoDbFailure {
  readonly errors: readonly string[];
  readonly outcome: WriteOutcome;
  /** Retried on every DynamoDB call (every write is fenced on this execution, so repeating one is safe). */
  readonly retried: boolean;
  readonly when: string;
  readonly source: string;
}

const DYNAMODB_ERRORS =
  'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html';

/** The DynamoDB errors of the guard's own calls (claim, completion, release, reads). */
export const DYNAMODB_FAILURES: readonly DynamoDbFailure[] = [
  {
    errors: ['DynamoDB.ConditionalCheckFailedException'],
    outcome: WriteOutcome.Answer,
    retried: false,
    when: 'On the claim: the key is held, a duplicate. On completion or release: another execution took the key over.',
    source: DYNAMODB_ERRORS,
  },
  {
    errors: ['DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.RequestLimitExceededException'],
    outcome: WriteOutcome.NotApplied,
    retried: true,
    when: 'Throttled by the table or the account (400): nothing was written.',
    source: DYNAMODB_ERRORS,
  },
  {
    errors: ['DynamoDB.InternalServerErrorException', 'DynamoDB.SdkClientException'],
    outcome: WriteOutcome.Unknown,
    retried: true,
    when: 'A 500, or a client-side failure after sending: the write may have been applied, and repeating it is safe (a claim already held by this execution wins again; completion and release are fenced on it).',
    source: DYNAMODB_ERRORS,
  },
  {
    errors: ['DynamoDB.AmazonDynamoDBException'],
    outcome: WriteOutcome.Unknown,
    retried: true,
    when: 'A code the SDK has no class for: ThrottlingException (400), ServiceUnavailable (503), or ValidationException (400). After the claim it is retried: the key is known to be valid. On the claim, ClassifyRejectedClaim reads the cause: a 5xx status or throttling is claimed again; anything else (a validation error) fails in ClaimFailed, having written nothing.',
    source: DYNAMODB_ERRORS,
  },
];
