/**
 * The options of `npm run load`: the stream (events, duplicates, concurrency), the redelivery of
 * failed executions (as SQS with a dead-letter queue), the shape of the business payload, and one
 * share per fault kind. Plain data, parsed from the command line and checked once.
 */
import type { InProgressPolicy } from './constants';

/** A share of calls or runs, from 0 to 1, per fault kind. */
export interface FaultRates {
  /** The business function fails before its side effect (the handler does not run). */
  readonly businessErrorBefore: number;
  /** The business function fails after its side effect. */
  readonly businessErrorAfter: number;
  /** The business function's answer is held past RunBusinessLogic's TimeoutSeconds (after the side effect). */
  readonly businessTimeout: number;
  /** Lambda answers 500 ServiceException after the function ran. */
  readonly lambda5xx: number;
  /** StopExecution while the business function runs. */
  readonly crashWhileRunning: number;
  /** StopExecution between the business function's return and RecordCompletion. */
  readonly crashBeforeCompletion: number;
  /** The workflow's DynamoDB calls answered 400 ProvisionedThroughputExceededException. */
  readonly dynamodbThrottle: number;
  /** The workflow's DynamoDB calls answered 500 InternalServerError, not applied. */
  readonly dynamodb5xx: number;
  /** The workflow's DynamoDB writes applied, then answered 500 InternalServerError. */
  readonly dynamodb5xxAfterWrite: number;
  /** The workflow's DynamoDB calls delayed by `dynamodbSlowMs`. */
  readonly dynamodbSlow: number;
}

export type FaultKind = keyof FaultRates;

export const FAULT_KINDS: readonly FaultKind[] = [
  'businessErrorBefore',
  'businessErrorAfter',
  'businessTimeout',
  'lambda5xx',
  'crashWhileRunning',
  'crashBeforeCompletion',
  'dynamodbThrottle',
  'dynamodb5xx',
  'dynamodb5xxAfterWrite',
  'dynamodbSlow',
];

export interface LoadOptions {
  readonly events: number;
  /** Share of the events that are copies of another event (same message, same key). */
  readonly duplicates: number;
  /** Executions in flight at once. */
  readonly concurrency: number;
  /** Deliveries of one message before it goes to the dead-letter list. */
  readonly maxAttempts: number;
  /** The first redelivery's delay; each next one doubles, up to 30 s. */
  readonly redeliveryDelayMs: number;
  /** `false`: the workflow gives the function the bare event (payloadShape EVENT). */
  readonly withKey: boolean;
  /** The workflow's inProgressPolicy: 'FAIL' (a source that redelivers failures needs it) or the default 'SUCCEED'. */
  readonly inProgressPolicy: InProgressPolicy;
  readonly faults: FaultRates;
  readonly dynamodbSlowMs: number;
  /**
   * Multiplies the runtime's Wait durations and Retry pauses (the release workflow's wait too, so a
   * key can be freed while a slow invocation still runs: harmless with the key, doubles without).
   */
  readonly timeScale: number;
  /** Seed of every random choice (stream order, faults). */
  readonly seed: number;
  readonly json: boolean;
}

/** Each fault kind at a low rate: what `npm run load` runs without fault options. */
export const DEFAULT_FAULTS: FaultRates = {
  businessErrorBefore: 0.01,
  businessErrorAfter: 0.01,
  businessTimeout: 0.002,
  lambda5xx: 0.01,
  crashWhileRunning: 0.005,
  crashBeforeCompletion: 0.005,
  dynamodbThrottle: 0.01,
  dynamodb5xx: 0.005,
  dynamodb5xxAfterWrite: 0.005,
  dynamodbSlow: 0.01,
};

export const NO_FAULTS: FaultRates = Object.fromEntries(
  FAULT_KINDS.map((k) => [k, 0]),
) as unknown as FaultRates;

export const DEFAULT_OPTIONS: LoadOptions = {
  events: 2000,
  duplicates: 0.3,
  concurrency: 32,
  maxAttempts: 6,
  redeliveryDelayMs: 2000,
  withKey: true,
  inProgressPolicy: 'FAIL',
  faults: DEFAULT_FAULTS,
  dynamodbSlowMs: 200,
  timeScale: 1,
  seed: 1,
  json: false,
};

export const USAGE = `npm run load -- [options]

Drives the blueprint on the local runtime as an at-least-once source does (SQS with a dead-letter
queue): every event is delivered, duplicates arrive too, a failed execution is delivered again up
to --max-attempts times, then dead-lettered with its reason. Side effects are counted in the
business function's own ledger, outside the guard.

Stream
  --events <n>                  events sent, duplicates included (default 2000)
  --duplicates <share>          share of the events that repeat another event (default 0.3)
  --concurrency <n>             executions in flight at once (default 32)
  --max-attempts <n>            deliveries of one message before the dead-letter list (default 6)
  --redelivery-delay-ms <ms>    delay before the first redelivery, doubling up to 30 s (default 2000)
  --no-key                      the function gets the bare event (payloadShape EVENT), not the key
  --in-progress <fail|succeed>  the workflow's inProgressPolicy (default fail: a redelivery that meets
                                a key still held is failed, so it comes back; succeed, the construct's
                                default, answers it as done)
  --time-scale <factor>         multiplies Wait states and Retry pauses, e.g. 0.1 (default 1); it
                                shortens the release workflow's wait too, see docs/load.md
  --seed <n>                    seed of the stream order and of every fault draw (default 1)
  --json                        print the report as one JSON object on the last line too

Faults (each a share from 0 to 1; without any of these, every kind runs at a low rate;
with one or more, the kinds not given are off; --no-faults turns every kind off)
  --business-errors <share>             business errors, half before and half after the side effect
  --business-errors-before <share>      the function fails before its side effect
  --business-errors-after <share>       the function fails after its side effect
  --business-timeouts <share>           the function's answer outlasts RunBusinessLogic's TimeoutSeconds
  --lambda-5xx <share>                  Lambda answers 500 ServiceException after the function ran
  --crashes <share>                     StopExecution, half while the function runs, half after it returned
  --crashes-while-running <share>       StopExecution while the business function runs
  --crashes-before-completion <share>   StopExecution between its return and RecordCompletion
  --dynamodb-throttle <share>           the workflow's DynamoDB calls: 400 ProvisionedThroughputExceededException
  --dynamodb-5xx <share>                the workflow's DynamoDB calls: 500 InternalServerError, not applied
  --dynamodb-5xx-after-write <share>    the workflow's DynamoDB writes: applied, then 500 InternalServerError
  --dynamodb-slow <share>               the workflow's DynamoDB calls: delayed by --dynamodb-slow-ms (default 200)
  --no-faults                           every fault kind off
`;

/** The command line is wrong: the message says what and how to fix it. */
export class LoadUsageError extends Error {
  override readonly name = 'LoadUsageError';
}

const FAULT_FLAGS: Readonly<Record<string, readonly FaultKind[]>> = {
  '--business-errors': ['businessErrorBefore', 'businessErrorAfter'],
  '--business-errors-before': ['businessErrorBefore'],
  '--business-errors-after': ['businessErrorAfter'],
  '--business-timeouts': ['businessTimeout'],
  '--lambda-5xx': ['lambda5xx'],
  '--crashes': ['crashWhileRunning', 'crashBeforeCompletion'],
  '--crashes-while-running': ['crashWhileRunning'],
  '--crashes-before-completion': ['crashBeforeCompletion'],
  '--dynamodb-throttle': ['dynamodbThrottle'],
  '--dynamodb-5xx': ['dynamodb5xx'],
  '--dynamodb-5xx-after-write': ['dynamodb5xxAfterWrite'],
  '--dynamodb-slow': ['dynamodbSlow'],
};

/** Parses the command line; `help` when --help was asked. */
export function parseLoadOptions(argv: readonly string[]): LoadOptions | 'help' {
  const options: { -readonly [K in keyof LoadOptions]: LoadOptions[K] } = { ...DEFAULT_OPTIONS };
  const faults: Partial<Record<FaultKind, number>> = {};
  let faultsGiven = false;
  let noFaults = false;
  const args = [...argv];
  const value = (flag: string): string => {
    const next = args.shift();
    if (next === undefined || next.startsWith('--')) throw new LoadUsageError(`${flag} needs a value`);
    return next;
  };
  const integer = (flag: string, min: number): number => {
    const text = value(flag);
    const n = Number(text);
    if (!Number.isInteger(n) || n < min)
      throw new LoadUsageError(`${flag} must be a whole number of at least ${min}, got ${text}`);
    return n;
  };
  const share = (flag: string): number => {
    const text = value(flag);
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0 || n > 1)
      throw new LoadUsageError(`${flag} must be a share from 0 to 1, got ${text}`);
    return n;
  };
  while (args.length > 0) {
    const flag = args.shift() as string;
    const kinds = FAULT_FLAGS[flag];
    if (kinds) {
      const rate = share(flag);
      for (const kind of kinds) faults[kind] = rate / kinds.length;
      faultsGiven = true;
      continue;
    }
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--events':
        options.events = integer(flag, 1);
        break;
      case '--duplicates':
        options.duplicates = share(flag);
        if (options.duplicates >= 1)
          throw new LoadUsageError('--duplicates must be below 1: some events must be new');
        break;
      case '--concurrency':
        options.concurrency = integer(flag, 1);
        break;
      case '--max-attempts':
        options.maxAttempts = integer(flag, 1);
        break;
      case '--redelivery-delay-ms':
        options.redeliveryDelayMs = integer(flag, 0);
        break;
      case '--dynamodb-slow-ms':
        options.dynamodbSlowMs = integer(flag, 0);
        break;
      case '--time-scale': {
        const text = value(flag);
        options.timeScale = Number(text);
        if (!Number.isFinite(options.timeScale) || options.timeScale <= 0 || options.timeScale > 1) {
          throw new LoadUsageError(`--time-scale must be a factor above 0 and at most 1, got ${text}`);
        }
        break;
      }
      case '--seed':
        options.seed = integer(flag, 0);
        break;
      case '--no-key':
        options.withKey = false;
        break;
      case '--in-progress': {
        const policy = value(flag).toUpperCase();
        if (policy !== 'FAIL' && policy !== 'SUCCEED') {
          throw new LoadUsageError(`--in-progress must be fail or succeed, got ${policy.toLowerCase()}`);
        }
        options.inProgressPolicy = policy;
        break;
      }
      case '--json':
        options.json = true;
        break;
      case '--no-faults':
        noFaults = true;
        break;
      default:
        throw new LoadUsageError(`unknown option ${flag}: see npm run load -- --help`);
    }
  }
  if (noFaults && faultsGiven) throw new LoadUsageError('--no-faults cannot go with a fault option');
  options.faults = noFaults ? NO_FAULTS : faultsGiven ? { ...NO_FAULTS, ...faults } : DEFAULT_FAULTS;
  return options;
}
