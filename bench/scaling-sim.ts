/**
 * The deployed blueprint past one machine, simulated: a deterministic (seeded) discrete-event model
 * of the quotas an event meets on AWS, as token buckets (StartExecution, state transitions on
 * STANDARD, each DynamoDB partition's 1,000 write units a second, Lambda concurrency and its
 * scaling rate), fed with the per-path service calls (docs/cost.md's counted figures by default)
 * and an arrival pattern, and with the definition's own retry policies (lib/state-machines/retries.ts).
 * It backs the numbers of docs/scaling.md; its simplifications are listed there.
 *
 * `npm run bench:scaling` prints the tables; `--json` prints one JSON line; `--seed <n>`;
 * `--calls <file.json>` takes measured per-path calls (`{ "new": PathCalls, "duplicate": PathCalls }`).
 */
import { readFileSync } from 'node:fs';
import { seededRandom } from '@sfn-idempotency/local-runtime';
import { CLAIM_RETRY_WINDOW_SECONDS } from '../lib/definition';
import type { Retrier } from '../lib/state-machines/asl';
import { businessRetrier, CLAIM_RETRIER, DYNAMODB_RETRIER } from '../lib/state-machines/retries';
import { expressExecutionCost, type LambdaUse, lambdaCost, PRICES, table } from './cost-model';

/** The service calls of one path without retries: what `npm run bench` measures per path. */
export interface PathCalls {
  /** States entered. */
  readonly transitions: number;
  /** DynamoDB writes, the claim first. */
  readonly writes: number;
  /** Business function invocations. */
  readonly invokes: number;
}

/** docs/cost.md's counted figures for the default setting. */
export const COUNTED_CALLS: { readonly new: PathCalls; readonly duplicate: PathCalls } = {
  new: { transitions: 4, writes: 2, invokes: 1 },
  duplicate: { transitions: 2, writes: 1, invokes: 0 },
};

export interface Bucket {
  readonly size: number;
  readonly refillPerSecond: number;
}

export interface Quotas {
  /** Step Functions StartExecution: per account and Region. */
  readonly startExecution: Bucket;
  /** Step Functions StateTransition: STANDARD only (EXPRESS: unlimited). */
  readonly stateTransition?: Bucket;
  /** DynamoDB's per-partition ceiling, write units a second (a hard limit). */
  readonly partitionWriteUnitsPerSecond: number;
  /** Lambda: the account's concurrency, and the function's scaling rate (environments per 10 s). */
  readonly lambdaConcurrency: number;
  readonly lambdaScalingPer10Seconds: number;
}

/** us-east-1, us-west-2 and eu-west-1 defaults (docs/scaling.md gives the sources). */
export const STANDARD_QUOTAS: Quotas = {
  startExecution: { size: 1300, refillPerSecond: 300 },
  stateTransition: { size: 5000, refillPerSecond: 5000 },
  partitionWriteUnitsPerSecond: 1000,
  lambdaConcurrency: 1000,
  lambdaScalingPer10Seconds: 1000,
};

export const EXPRESS_QUOTAS: Quotas = {
  startExecution: { size: 6000, refillPerSecond: 6000 },
  partitionWriteUnitsPerSecond: 1000,
  lambdaConcurrency: 1000,
  lambdaScalingPer10Seconds: 1000,
};

export type Arrivals =
  /** Events at a steady rate; a share of them repeat the key of an earlier event. */
  | {
      readonly kind: 'steady';
      readonly perSecond: number;
      readonly seconds: number;
      readonly duplicateShare: number;
    }
  /** `count` duplicates of one completed key, sent at `perSecond`. */
  | { readonly kind: 'burst'; readonly count: number; readonly perSecond: number };

/**
 * How DynamoDB's throttling of a hot key reaches the claim: as ProvisionedThroughputExceededException
 * (retried by the claim's retrier), or as ThrottlingException, a code the AWS SDK for Java v1 has no
 * class for, so `DynamoDB.AmazonDynamoDBException` (ClassifyRejectedClaim, a 1 to 3 s Wait, claimed
 * again while the execution is younger than 15 s). Which of the two AWS returns is not documented.
 */
export type ThrottleError = 'ProvisionedThroughputExceeded' | 'ThrottlingException';

export interface SimulationOptions {
  readonly workflow: 'STANDARD' | 'EXPRESS';
  readonly quotas: Quotas;
  readonly arrivals: Arrivals;
  readonly calls?: { readonly new: PathCalls; readonly duplicate: PathCalls };
  /** Partitions the table's keys hash to (a new on-demand table: about 4, its 4,000 WRU a second). */
  readonly partitions?: number;
  readonly throttleError?: ThrottleError;
  readonly business?: LambdaUse;
  readonly seed?: number;
}

export interface SimulationResult {
  readonly workflow: 'STANDARD' | 'EXPRESS';
  readonly arrivals: Arrivals;
  readonly throttleError: ThrottleError;
  readonly offered: number;
  readonly started: number;
  /** Executions started per second, from the first arrival to the last start. */
  readonly acceptedPerSecond: number;
  readonly throttled: {
    readonly startExecution: number;
    readonly stateTransition: number;
    readonly dynamoDbWrite: number;
    readonly lambda: number;
  };
  readonly outcomes: { readonly new: number; readonly duplicate: number; readonly failed: number };
  /** From the first arrival to the end of the last execution. */
  readonly completionSeconds: number;
  readonly billed: {
    readonly transitions: number;
    readonly writeUnits: number;
    readonly lambdaInvocations: number;
    readonly expressExecutions: number;
  };
  readonly costUsd: number;
}

/** Milliseconds each step takes when nothing throttles: assumed, not measured. */
export const LATENCY_MS = {
  /** Step Functions' own time per state entered. */
  state: 10,
  /** One DynamoDB call. */
  dynamoDb: 10,
  /** A Lambda Invoke's overhead, on top of the function's billed duration. */
  invoke: 15,
} as const;

/** A throttled StartExecution is sent again after full-jitter exponential backoff: 1 s doubling, at most 20 s. */
export const PRODUCER_BACKOFF = { baseMs: 1000, capMs: 20_000 } as const;

/** The release workflow a FAILED STANDARD execution starts (docs/cost.md): 5 transitions, 1 write. */
const RELEASE_WORKFLOW = { transitions: 5, writes: 1 } as const;

/** A token bucket on a millisecond clock. */
export class TokenBucket {
  private tokens: number;
  private last = 0;
  private readonly perMs: number;

  constructor(
    readonly size: number,
    refillPerSecond: number,
  ) {
    this.tokens = size;
    this.perMs = refillPerSecond / 1000;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.size, this.tokens + (now - this.last) * this.perMs);
    this.last = Math.max(this.last, now);
  }

  /** Takes a token if one is there (the call is refused otherwise). */
  tryTake(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Takes a token now or queues for it: the time it is granted (the call is delayed, not refused). */
  reserve(now: number): number {
    this.refill(now);
    this.tokens -= 1;
    return this.tokens >= 0 ? now : now + -this.tokens / this.perMs;
  }
}

/** A binary heap of timed callbacks; ties run in scheduling order. */
class Agenda {
  private readonly heap: { at: number; seq: number; run: (now: number) => void }[] = [];
  private seq = 0;

  at(time: number, run: (now: number) => void): void {
    const heap = this.heap;
    heap.push({ at: time, seq: this.seq++, run });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  runAll(): void {
    for (;;) {
      const top = this.pop();
      if (!top) return;
      top.run(top.at);
    }
  }

  private pop() {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let smallest = i;
        if (l < heap.length && this.before(l, smallest)) smallest = l;
        if (r < heap.length && this.before(r, smallest)) smallest = r;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    const a = this.heap[i];
    const b = this.heap[j];
    if (!a || !b) return false;
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i];
    const b = this.heap[j];
    if (!a || !b) return;
    this.heap[i] = b;
    this.heap[j] = a;
  }
}

type Step = 'write' | 'invoke' | 'state';

/** The steps after the claim, from a path's call counts: invocations, then the writes, then plain states. */
export function stepsAfterClaim(calls: PathCalls): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < calls.invokes; i++) steps.push('invoke');
  for (let i = 1; i < calls.writes; i++) steps.push('write');
  const plain = calls.transitions - 1 - steps.length;
  for (let i = 0; i < plain; i++) steps.push('state');
  return steps;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** The wait before retry number `retry` (0-based): full jitter, as the definition's JitterStrategy FULL. */
function retryWaitMs(retrier: Retrier, retry: number, random: () => number): number {
  const cap = Math.min(
    retrier.IntervalSeconds * retrier.BackoffRate ** retry,
    retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY,
  );
  return random() * cap * 1000;
}

/** Runs one scenario to the end of its last execution. */
export function simulate(options: SimulationOptions): SimulationResult {
  const random = seededRandom(options.seed ?? 1);
  const calls = options.calls ?? COUNTED_CALLS;
  const throttleError = options.throttleError ?? 'ProvisionedThroughputExceeded';
  const business: LambdaUse = options.business ?? {
    invocations: 1,
    billedMs: 100,
    memoryMb: 256,
    architecture: 'arm64',
  };
  const standard = options.workflow === 'STANDARD';
  const quotas = options.quotas;
  const partitions = options.partitions ?? 4;
  const agenda = new Agenda();

  const startBucket = new TokenBucket(quotas.startExecution.size, quotas.startExecution.refillPerSecond);
  const transitionBucket =
    standard && quotas.stateTransition
      ? new TokenBucket(quotas.stateTransition.size, quotas.stateTransition.refillPerSecond)
      : undefined;
  const partitionBuckets = Array.from(
    { length: partitions },
    () => new TokenBucket(quotas.partitionWriteUnitsPerSecond, quotas.partitionWriteUnitsPerSecond),
  );
  const scalingBucket = new TokenBucket(
    quotas.lambdaScalingPer10Seconds,
    quotas.lambdaScalingPer10Seconds / 10,
  );
  let environments = 0;
  let inFlight = 0;

  const newSteps = stepsAfterClaim(calls.new);
  const duplicateSteps = stepsAfterClaim(calls.duplicate);
  const held = new Set<string>();

  const throttled = { startExecution: 0, stateTransition: 0, dynamoDbWrite: 0, lambda: 0 };
  const outcomes = { new: 0, duplicate: 0, failed: 0 };
  const billed = { transitions: 0, writeUnits: 0, lambdaInvocations: 0, expressExecutions: 0 };
  let expressUsd = 0;
  let started = 0;
  let lastStart = 0;
  let lastEnd = 0;

  interface Execution {
    readonly key: string;
    readonly startedAt: number;
    steps: Step[];
    next: number;
  }

  const partitionOf = (key: string) => partitionBuckets[fnv1a(key) % partitions] as TokenBucket;

  /** Enters a state: one transition (billed on STANDARD, and queued when the bucket is empty). */
  const enter = (now: number, then: (now: number) => void) => {
    billed.transitions++;
    let at = now;
    if (transitionBucket) {
      at = transitionBucket.reserve(now);
      if (at > now) throttled.stateTransition++;
    }
    agenda.at(at + LATENCY_MS.state, then);
  };

  const finish = (execution: Execution, now: number, outcome: 'new' | 'duplicate' | 'failed') => {
    outcomes[outcome]++;
    lastEnd = Math.max(lastEnd, now);
    if (!standard) {
      billed.expressExecutions++;
      expressUsd += expressExecutionCost(now - execution.startedAt, 64);
    } else if (outcome === 'failed') {
      // The release workflow's own calls are billed but not simulated through the quotas.
      billed.transitions += RELEASE_WORKFLOW.transitions;
      billed.writeUnits += RELEASE_WORKFLOW.writes;
    }
  };

  /** A write after the claim, retried by DYNAMODB_RETRIER; exhausted, the execution fails. */
  const write = (execution: Execution, now: number, retry: number, then: (now: number) => void) => {
    agenda.at(now + LATENCY_MS.dynamoDb, (t) => {
      if (partitionOf(execution.key).tryTake(t)) {
        billed.writeUnits++;
        then(t);
        return;
      }
      throttled.dynamoDbWrite++;
      if (retry >= DYNAMODB_RETRIER.MaxAttempts) {
        finish(execution, t, 'failed');
        return;
      }
      agenda.at(t + retryWaitMs(DYNAMODB_RETRIER, retry, random), (u) =>
        enter(u, (v) => write(execution, v, retry + 1, then)),
      );
    });
  };

  const advance = (execution: Execution, now: number): void => {
    const step = execution.steps[execution.next++];
    if (step === undefined) {
      finish(execution, now, execution.steps === newSteps ? 'new' : 'duplicate');
      return;
    }
    if (step === 'state') enter(now, (t) => advance(execution, t));
    else if (step === 'write') enter(now, (t) => write(execution, t, 0, (u) => advance(execution, u)));
    else enter(now, (t) => invoke(execution, t, 0));
  };

  const invoke = (execution: Execution, now: number, retry: number): void => {
    let slot = inFlight < environments;
    if (!slot && environments < quotas.lambdaConcurrency && scalingBucket.tryTake(now)) {
      environments++;
      slot = true;
    }
    if (slot) {
      inFlight++;
      agenda.at(now + LATENCY_MS.invoke + business.billedMs, (t) => {
        inFlight--;
        billed.lambdaInvocations++;
        advance(execution, t);
      });
      return;
    }
    throttled.lambda++;
    const retrier = businessRetrier(false);
    if (retry < retrier.MaxAttempts) {
      agenda.at(now + retryWaitMs(retrier, retry, random), (t) =>
        enter(t, (u) => invoke(execution, u, retry + 1)),
      );
      return;
    }
    // The function did not run: the key is released (ReleaseIdempotencyKey), then BusinessLogicFailed.
    held.delete(execution.key);
    enter(now, (t) => write(execution, t, 0, (u) => enter(u, (v) => finish(execution, v, 'failed'))));
  };

  const claim = (execution: Execution, now: number, retry: number): void => {
    agenda.at(now + LATENCY_MS.dynamoDb, (t) => {
      if (partitionOf(execution.key).tryTake(t)) {
        billed.writeUnits++;
        // A failed condition costs its write unit too: a duplicate.
        if (held.has(execution.key)) {
          execution.steps = duplicateSteps;
        } else {
          held.add(execution.key);
          execution.steps = newSteps;
        }
        advance(execution, t);
        return;
      }
      throttled.dynamoDbWrite++;
      if (throttleError === 'ProvisionedThroughputExceeded') {
        if (retry >= CLAIM_RETRIER.MaxAttempts) {
          finish(execution, t, 'failed');
          return;
        }
        agenda.at(t + retryWaitMs(CLAIM_RETRIER, retry, random), (u) =>
          enter(u, (v) => claim(execution, v, retry + 1)),
        );
        return;
      }
      // ClassifyRejectedClaim, then WaitBeforeClaimingAgain (1, 2 or 3 s) while younger than the window.
      enter(t, (u) => {
        if (u - execution.startedAt >= CLAIM_RETRY_WINDOW_SECONDS * 1000) {
          enter(u, (v) => finish(execution, v, 'failed'));
          return;
        }
        const waitMs = (Math.floor(random() * 3) + 1) * 1000;
        enter(u, (v) => agenda.at(v + waitMs, (w) => enter(w, (x) => claim(execution, x, retry + 1))));
      });
    });
  };

  const start = (key: string, now: number, attempt: number): void => {
    if (!startBucket.tryTake(now)) {
      throttled.startExecution++;
      const cap = Math.min(PRODUCER_BACKOFF.capMs, PRODUCER_BACKOFF.baseMs * 2 ** attempt);
      agenda.at(now + random() * cap, (t) => start(key, t, attempt + 1));
      return;
    }
    started++;
    lastStart = Math.max(lastStart, now);
    const execution: Execution = { key, startedAt: now, steps: [], next: 0 };
    enter(now, (t) => claim(execution, t, 0));
  };

  // Arrivals.
  const arrivals = options.arrivals;
  let offered = 0;
  if (arrivals.kind === 'steady') {
    const total = Math.round(arrivals.perSecond * arrivals.seconds);
    const keys: string[] = [];
    for (let i = 0; i < total; i++) {
      const earlier = keys.length > 0 && random() < arrivals.duplicateShare;
      const key = earlier ? (keys[Math.floor(random() * keys.length)] as string) : `event-${i}`;
      if (!earlier) keys.push(key);
      const at = (i * 1000) / arrivals.perSecond;
      agenda.at(at, (t) => start(key, t, 0));
    }
    offered = total;
  } else {
    held.add('hot-key');
    for (let i = 0; i < arrivals.count; i++) {
      agenda.at((i * 1000) / arrivals.perSecond, (t) => start('hot-key', t, 0));
    }
    offered = arrivals.count;
  }

  agenda.runAll();

  const lambdaUsd = billed.lambdaInvocations * lambdaCost([business]);
  const costUsd =
    (standard ? billed.transitions * PRICES.stepFunctionsStandardTransition.usd : expressUsd) +
    billed.writeUnits * PRICES.dynamoDbWriteUnit.usd +
    lambdaUsd;
  return {
    workflow: options.workflow,
    arrivals,
    throttleError,
    offered,
    started,
    acceptedPerSecond: lastStart > 0 ? started / (lastStart / 1000) : started,
    throttled,
    outcomes,
    completionSeconds: lastEnd / 1000,
    billed,
    costUsd,
  };
}

// ---------------------------------------------------------------------------------------------
// The scenarios docs/scaling.md quotes.

export interface Scenario {
  readonly name: string;
  readonly options: SimulationOptions;
}

/** Enough partitions that a steady stream of distinct keys never reaches the per-partition ceiling. */
const scaledPartitions = (perSecond: number) => Math.max(4, Math.ceil((perSecond * 2 * 1.5) / 1000));

export function scenarios(seed = 1, calls = COUNTED_CALLS): Scenario[] {
  const steady = (perSecond: number) =>
    ({ kind: 'steady', perSecond, seconds: 60, duplicateShare: 0.1 }) as const satisfies Arrivals;
  const list: Scenario[] = [];
  for (const perSecond of [100, 300, 320, 350, 500, 1000]) {
    list.push({
      name: `steady ${perSecond}/s, STANDARD`,
      options: {
        workflow: 'STANDARD',
        quotas: STANDARD_QUOTAS,
        arrivals: steady(perSecond),
        partitions: scaledPartitions(perSecond),
        seed,
      },
    });
  }
  list.push({
    name: 'steady 1,500/s, STANDARD, StartExecution raised to 2,000/s',
    options: {
      workflow: 'STANDARD',
      quotas: { ...STANDARD_QUOTAS, startExecution: { size: 2000, refillPerSecond: 2000 } },
      arrivals: steady(1500),
      partitions: scaledPartitions(1500),
      seed,
    },
  });
  for (const perSecond of [1000, 5000, 8000]) {
    list.push({
      name: `steady ${perSecond.toLocaleString('en-US')}/s, EXPRESS`,
      options: {
        workflow: 'EXPRESS',
        quotas: EXPRESS_QUOTAS,
        arrivals: steady(perSecond),
        partitions: scaledPartitions(perSecond),
        seed,
      },
    });
  }
  const burst = { kind: 'burst', count: 100_000, perSecond: 10_000 } as const satisfies Arrivals;
  list.push(
    {
      name: '100,000 duplicates of one key, STANDARD',
      options: { workflow: 'STANDARD', quotas: STANDARD_QUOTAS, arrivals: burst, seed },
    },
    {
      name: '100,000 duplicates of one key, EXPRESS (ProvisionedThroughputExceeded)',
      options: { workflow: 'EXPRESS', quotas: EXPRESS_QUOTAS, arrivals: burst, seed },
    },
    {
      name: '100,000 duplicates of one key, EXPRESS (ThrottlingException)',
      options: {
        workflow: 'EXPRESS',
        quotas: EXPRESS_QUOTAS,
        arrivals: burst,
        throttleError: 'ThrottlingException',
        seed,
      },
    },
  );
  return list.map((scenario) => ({ ...scenario, options: { ...scenario.options, calls } }));
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

export function resultTable(results: readonly { name: string; result: SimulationResult }[]): string {
  return table(
    [
      'scenario',
      'offered',
      'started/s',
      'throttled: start',
      'transition',
      'DynamoDB write',
      'Lambda',
      'new',
      'duplicate',
      'failed',
      'done after',
      'cost',
    ],
    results.map(({ name, result: r }) => [
      name,
      count(r.offered),
      count(r.acceptedPerSecond),
      count(r.throttled.startExecution),
      count(r.throttled.stateTransition),
      count(r.throttled.dynamoDbWrite),
      count(r.throttled.lambda),
      count(r.outcomes.new),
      count(r.outcomes.duplicate),
      count(r.outcomes.failed),
      `${r.completionSeconds.toFixed(1)} s`,
      `$${r.costUsd.toFixed(2)}`,
    ]),
  );
}

function main(): void {
  const seedIndex = process.argv.indexOf('--seed');
  const seed = seedIndex >= 0 ? Number(process.argv[seedIndex + 1]) : 1;
  const callsIndex = process.argv.indexOf('--calls');
  const callsFile = callsIndex >= 0 ? process.argv[callsIndex + 1] : undefined;
  const calls: typeof COUNTED_CALLS = callsFile
    ? (JSON.parse(readFileSync(callsFile, 'utf8')) as typeof COUNTED_CALLS)
    : COUNTED_CALLS;
  const results = scenarios(seed, calls).map(({ name, options }) => ({ name, result: simulate(options) }));
  if (process.argv.includes('--json')) {
    console.log(
      JSON.stringify({ seed, calls, latencyMs: LATENCY_MS, producerBackoff: PRODUCER_BACKOFF, results }),
    );
    return;
  }
  console.log(
    `Quotas: us-east-1 defaults. Per-path calls: ${callsFile ? `measured, from ${callsFile}` : 'counted'} (new ${calls.new.transitions} transitions, ${calls.new.writes} writes, ${calls.new.invokes} invoke; duplicate ${calls.duplicate.transitions} transitions, ${calls.duplicate.writes} write). Seed ${seed}.\n`,
  );
  console.log(resultTable(results));
  console.log(
    '\nthrottled: calls refused (start, DynamoDB write, Lambda) or states delayed (transition), retries included. cost: Step Functions, DynamoDB and the business function (256 MB arm64, 100 ms), free tiers ignored.',
  );
}

if (require.main === module) main();
