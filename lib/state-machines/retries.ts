/**
 * The retriers of both workflows, each written once, and the longest waits they can add: the lease
 * and the worst-case run are computed from these very policies, so they cannot drift apart.
 */
import type { Retrier } from './asl';

/** Throttling and internal errors DynamoDB reports under their own names. */
const DYNAMODB_TRANSIENT_ERRORS = [
  'DynamoDB.ProvisionedThroughputExceededException',
  'DynamoDB.ThrottlingException',
  // Both spellings: the name Step Functions uses is not documented (the SDK class adds Exception).
  'DynamoDB.RequestLimitExceeded',
  'DynamoDB.RequestLimitExceededException',
  'DynamoDB.InternalServerErrorException',
  'DynamoDB.SdkClientException',
] as const;

/**
 * Every DynamoDB code the AWS SDK for Java v1 has no exception class for (throttling, a 5xx, and
 * also a ValidationException) arrives under this name, the code only in the cause.
 */
export const UNMODELED_DYNAMODB_ERROR = 'DynamoDB.AmazonDynamoDBException';

/** A conditional write whose condition did not hold: never retried, it is an answer. */
export const CONDITIONAL_CHECK_FAILED = 'DynamoDB.ConditionalCheckFailedException';

const DYNAMODB_BACKOFF = {
  IntervalSeconds: 1,
  MaxAttempts: 4,
  BackoffRate: 2,
  MaxDelaySeconds: 8,
  JitterStrategy: 'FULL',
} as const;

/**
 * The claim's retrier. It leaves out the unmodeled error: on the claim that may be the
 * ValidationException of an invalid key, which ClassifyRejectedClaim tells apart instead.
 */
export const CLAIM_RETRIER: Retrier = {
  Comment:
    'DynamoDB throttling and internal errors: every write is safe to repeat (fenced on this execution)',
  ErrorEquals: DYNAMODB_TRANSIENT_ERRORS,
  ...DYNAMODB_BACKOFF,
};

/** The retrier of every DynamoDB call made after the key was accepted, in both workflows. */
export const DYNAMODB_RETRIER: Retrier = {
  Comment:
    'DynamoDB throttling and internal errors (unmodeled codes such as ThrottlingException or a 5xx arrive as AmazonDynamoDBException; a validation error cannot happen here, the key was already accepted): every call is safe to repeat (a read, or a write conditional on the execution that owns the key)',
  ErrorEquals: [...DYNAMODB_TRANSIENT_ERRORS, UNMODELED_DYNAMODB_ERROR],
  ...DYNAMODB_BACKOFF,
};

/** RunBusinessLogic's retrier: the Lambda service failed or throttled, so the function did not complete. */
export const LAMBDA_SERVICE_RETRIER: Retrier = {
  Comment: 'Lambda service errors and throttling: the function did not complete',
  ErrorEquals: [
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  IntervalSeconds: 1,
  MaxAttempts: 2,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
};

/** The longest a retrier can wait in all: every retry at its full (un-jittered, capped) interval. */
export function longestRetryWaitSeconds(retrier: Retrier): number {
  let total = 0;
  for (let retry = 0; retry < retrier.MaxAttempts; retry++) {
    total += Math.min(
      retrier.IntervalSeconds * retrier.BackoffRate ** retry,
      retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY,
    );
  }
  return total;
}

/** Longest total wait of one DynamoDB task's retrier: 1 + 2 + 4 + 8 s. */
export const DYNAMODB_RETRY_WAIT_SECONDS = longestRetryWaitSeconds(DYNAMODB_RETRIER);
/** Attempts of RunBusinessLogic: the first and its Lambda service-error retries. */
export const BUSINESS_ATTEMPTS = 1 + LAMBDA_SERVICE_RETRIER.MaxAttempts;
/** Longest total retry wait of RunBusinessLogic. */
export const BUSINESS_RETRY_WAIT_SECONDS = longestRetryWaitSeconds(LAMBDA_SERVICE_RETRIER);
