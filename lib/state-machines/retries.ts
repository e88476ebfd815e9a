/**
 * The retriers of both workflows, each written once, and the longest waits they can add: the lease
 * and the worst-case run are computed from these very policies, so they cannot drift apart.
 */
import type { Retrier } from './asl';
import { DYNAMODB_FAILURES, retriedBusinessErrors } from './failures';

/** The DynamoDB errors every call retries: throttling, 5xx and client-side failures (see failures.ts). */
const DYNAMODB_RETRIED_ERRORS = DYNAMODB_FAILURES.filter((f) => f.retried).flatMap((f) => f.errors);

/**
 * Every DynamoDB code the AWS SDK for Java v1 has no exception class for (ThrottlingException, a
 * 503, and also a ValidationException) arrives under this name, the code only in the cause.
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
    'DynamoDB throttling, 5xx and client-side failures: the claim is safe to repeat (a claim this execution already holds wins again)',
  ErrorEquals: DYNAMODB_RETRIED_ERRORS.filter((error) => error !== UNMODELED_DYNAMODB_ERROR),
  ...DYNAMODB_BACKOFF,
};

/** The retrier of every DynamoDB call made after the key was accepted, in both workflows. */
export const DYNAMODB_RETRIER: Retrier = {
  Comment:
    'DynamoDB throttling, 5xx and client-side failures (unmodeled codes such as ThrottlingException or a 503 arrive as AmazonDynamoDBException; a validation error cannot happen here, the key was already accepted): every call is safe to repeat (a read, or a write conditional on the execution that owns the key)',
  ErrorEquals: DYNAMODB_RETRIED_ERRORS,
  ...DYNAMODB_BACKOFF,
};

const BUSINESS_BACKOFF = {
  IntervalSeconds: 1,
  MaxAttempts: 2,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
} as const;

/**
 * RunBusinessLogic's retrier. Throttling (the function did not run) is always retried. The Lambda
 * errors that can come after the function ran are retried only when the function receives the key
 * (`envelope`) and can drop a second call itself; one retrier either way, so the attempts, and the
 * lease computed from them, do not depend on the payload shape.
 */
export function businessRetrier(envelope: boolean): Retrier {
  return {
    Comment: envelope
      ? 'Lambda throttling (the function did not run), and Lambda service errors that may come after it ran: the function receives the key and drops a second call'
      : 'Lambda throttling: the function did not run (service errors that may come after it ran are not retried: the function does not receive the key)',
    ErrorEquals: retriedBusinessErrors(envelope),
    ...BUSINESS_BACKOFF,
  };
}

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
/** Attempts of RunBusinessLogic: the first and its retries. */
export const BUSINESS_ATTEMPTS = 1 + BUSINESS_BACKOFF.MaxAttempts;
/** Longest total retry wait of RunBusinessLogic. */
export const BUSINESS_RETRY_WAIT_SECONDS = longestRetryWaitSeconds(businessRetrier(true));
