/**
 * The load driver behind `npm run load`: deploys load/app.ts into the local runtime with every fault
 * injector in place, delivers the stream as an at-least-once source does (duplicates, redelivery of
 * failed executions with a growing delay, a dead-letter list after the last attempt), waits until
 * the release workflows and the redeliveries have settled, then counts from outside the guard: the
 * business function's ledgers, the idempotency records and the executions still RUNNING.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type AttributeValue, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  type AppRuntime,
  type Crash,
  type DynamoDbFault,
  type DynamoDbFaultKind,
  injectCrashes,
  installLambdaFaults,
  type LambdaFault,
  type LambdaFaultKind,
  lambdaFaults,
  type RandomSource,
  seededRandom,
  startAppRuntime,
} from '@sfn-idempotency/local-runtime';
import { businessTaskTimeoutSeconds, worstCaseRunSeconds } from '../lib';
import { StateName } from '../lib/state-machines/names';
import { outputOf, PROJECT_ROOT } from '../local/app';
import { LOAD_BUSINESS_TIMEOUT_SECONDS, LOAD_OUTPUTS, loadWorkflow } from './constants';
import { FAULT_KINDS, type FaultKind, type LoadOptions } from './options';

export const LOAD_APP_DIR = path.join(PROJECT_ROOT, 'load');

/** How long the end of a run waits for executions (release workflows, held answers) to end. */
const SETTLE_TIMEOUT_MS = 4 * businessTaskTimeoutSeconds(LOAD_BUSINESS_TIMEOUT_SECONDS) * 1000 + 60_000;
/** RunBusinessLogic's TimeoutSeconds in the load app, in ms. */
const taskTimeoutMs = businessTaskTimeoutSeconds(LOAD_BUSINESS_TIMEOUT_SECONDS) * 1000;
const MAX_REDELIVERY_DELAY_MS = 30_000;
/** An execution not ended by then counts as a failed delivery (and shows in stuckRunning). */
const EXECUTION_DEADLINE_MS = (worstCaseRunSeconds(LOAD_BUSINESS_TIMEOUT_SECONDS) + 60) * 1000;

/** What a key ended as: its record COMPLETED, or its message dead-lettered with the last failure. */
export type KeyState = 'COMPLETED' | `DEAD_LETTERED: ${string}` | `UNRESOLVED: ${string}`;

export interface LoadReport {
  readonly withKey: boolean;
  readonly events: number;
  readonly uniqueKeys: number;
  readonly deliveries: number;
  readonly executions: { readonly succeeded: number; readonly failed: number };
  /** Calls the business function's handler received, from its own calls ledger. */
  readonly businessInvocations: number;
  /** Items in the side-effect ledger. */
  readonly sideEffects: number;
  /** Side effects beyond the first, over every key. */
  readonly doubleSideEffects: number;
  readonly keysWithDoubles: number;
  /** Keys with no side effect that were not dead-lettered. */
  readonly lost: number;
  /** Messages dead-lettered after their last attempt. */
  readonly deadLettered: number;
  readonly deadLetteredKeys: number;
  /** Dead-lettered keys whose side effect happened anyway (the workflow could not record it). */
  readonly deadLetteredWithSideEffect: number;
  readonly completedKeys: number;
  readonly unresolvedKeys: number;
  readonly throughputPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly durationSec: number;
  readonly faults: Readonly<Record<FaultKind, number>>;
  /** Extra side effects per fault kind that left the earlier one unrecorded (without the key). */
  readonly doublesByFault: Readonly<Record<string, number>>;
  readonly stuckRunning: number;
  /** This process's RSS after the runtime started and the app was deployed, before the first event. */
  readonly rssBeforeMb: number;
  /** Its RSS once the run settled, idle Lambda environments were reclaimed and the heap collected. */
  readonly rssAfterMb: number;
  /**
   * The live JavaScript heap at the same two moments: what the process still holds. RSS stays above
   * it after a burst, as V8 keeps the heap pages it grew and the allocator the arenas of ended workers.
   */
  readonly heapUsedBeforeMb: number;
  readonly heapUsedAfterMb: number;
  /** Lambda execution environments (worker threads) the run left idle, reclaimed before rssAfterMb. */
  readonly lambdaEnvironmentsReclaimed: number;
  /** Executions the Step Functions service holds after the run (every one of them readable), and their size. */
  readonly retainedExecutions: number;
  readonly retainedMb: number;
  /** Child processes of this process still alive after the runtime stopped (DynamoDB Local's JVM). */
  readonly processesLeft: number;
  readonly keys: Readonly<Record<string, KeyState>>;
}

export interface LoadProgress {
  readonly phase: 'delivering' | 'settling';
  readonly events: number;
  readonly firstDeliveries: number;
  readonly done: number;
  readonly deadLettered: number;
  readonly inFlight: number;
  readonly waitingForRedelivery: number;
  readonly running: number;
  readonly elapsedMs: number;
}

interface Message {
  readonly eventId: string;
  readonly body: string;
  attempts: number;
  state: 'pending' | 'done' | 'dead';
  reason?: string;
}

interface Finished {
  readonly status: string;
  readonly error?: string;
  readonly cause?: string;
}

interface FaultRecord {
  readonly kind: FaultKind;
  readonly eventId?: string;
  readonly requestId?: string;
  readonly at: number;
}

const LAMBDA_KIND: Readonly<Record<LambdaFaultKind, FaultKind>> = {
  businessErrorBefore: 'businessErrorBefore',
  businessErrorAfter: 'businessErrorAfter',
  serviceErrorAfterRun: 'lambda5xx',
  timeout: 'businessTimeout',
};
const DYNAMODB_KIND: Readonly<Record<DynamoDbFaultKind, FaultKind>> = {
  throttle: 'dynamodbThrottle',
  serverError: 'dynamodb5xx',
  serverErrorAfterWrite: 'dynamodb5xxAfterWrite',
  slow: 'dynamodbSlow',
};

const eventIdOf = (payload: string): string | undefined => {
  try {
    const parsed = JSON.parse(payload) as { eventId?: string; event?: { eventId?: string } };
    return parsed.event?.eventId ?? parsed.eventId;
  } catch {
    return undefined;
  }
};

/** The stream: unique events, and copies of them a little later (often while the first still runs). */
export function buildStream(options: LoadOptions, random: RandomSource): Message[] {
  const unique = Math.max(1, Math.round(options.events * (1 - options.duplicates)));
  const slots: { eventId: string; position: number }[] = [];
  const ids: string[] = [];
  for (let i = 0; i < unique; i++) {
    const eventId = `evt-${String(i).padStart(6, '0')}`;
    ids.push(eventId);
    slots.push({ eventId, position: i });
  }
  for (let d = 0; d < options.events - unique; d++) {
    const original = Math.floor(random() * unique);
    slots.push({
      eventId: ids[original] as string,
      position: original + random() * 2 * options.concurrency,
    });
  }
  slots.sort((a, b) => a.position - b.position);
  return slots.map(({ eventId }) => ({
    eventId,
    body: JSON.stringify({ eventId, amount: 100 + (Number(eventId.slice(4)) % 900) }),
    attempts: 0,
    state: 'pending',
  }));
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function scanAll(ddb: DynamoDBClient, tableName: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await ddb.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const shorten = (text: string | undefined, length = 160) =>
  text === undefined ? '' : text.length > length ? `${text.slice(0, length)}…` : text;

export interface RunLoadHooks {
  readonly onProgress?: (progress: LoadProgress) => void;
  /** Milliseconds between progress reports. @default 1000 */
  readonly progressEveryMs?: number;
}

/** Starts the runtime with the load app, runs the stream, settles, counts; stops the runtime. */
export async function runLoad(options: LoadOptions, hooks: RunLoadHooks = {}): Promise<LoadReport> {
  const childrenBefore = new Set(childProcesses().map((child) => child.pid));
  const faultRecords: FaultRecord[] = [];
  const prefix = loadWorkflow(options).keyPrefix;
  const onDynamoDbFault = (fault: DynamoDbFault) => {
    const eventId = fault.id?.startsWith(`${prefix}#`) ? fault.id.slice(prefix.length + 1) : undefined;
    faultRecords.push({ kind: DYNAMODB_KIND[fault.kind], eventId, at: Date.now() });
  };
  const runtime: AppRuntime = await startAppRuntime({
    app: LOAD_APP_DIR,
    cwd: PROJECT_ROOT,
    print: false,
    onLambdaLog: () => {},
    timeScale: options.timeScale,
    dynamoDbFaults: { random: seededRandom(options.seed + 1), onFault: onDynamoDbFault },
  });
  let report: Omit<LoadReport, 'processesLeft'>;
  try {
    report = await drive(runtime, options, hooks, faultRecords);
  } finally {
    await runtime.stop();
  }
  return { ...report, processesLeft: processesLeftSince(childrenBefore) };
}

/** Runs a full garbage collection (V8's gc, exposed at run time) so RSS figures compare. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** This process's live child processes, from /proc (Linux); none where /proc is not there. */
function childProcesses(): { readonly pid: number; readonly command: string }[] {
  if (!existsSync('/proc')) return [];
  const children: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: pid (command) state ppid …; the command may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(parent) !== process.pid || state === 'Z') continue;
      children.push({
        pid: Number(entry),
        command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      });
    } catch {
      // The process ended while it was read.
    }
  }
  return children;
}

/**
 * The child processes the run started that outlive the runtime's stop (DynamoDB Local's JVM above
 * all). esbuild's service process is left out: the esbuild library keeps one per Node process, for
 * every later build, by design.
 */
function processesLeftSince(before: ReadonlySet<number>): number {
  return childProcesses().filter((child) => !before.has(child.pid) && child.command !== 'esbuild').length;
}

async function drive(
  runtime: AppRuntime,
  options: LoadOptions,
  hooks: RunLoadHooks,
  faultRecords: FaultRecord[],
): Promise<Omit<LoadReport, 'processesLeft'>> {
  const output = (key: string) => {
    const value = outputOf(runtime.deployment, key);
    if (value === undefined)
      throw new Error(
        `the load app has no output ${key}: ${runtime.deployment.problems.map((p) => p.error.message).join('; ')}`,
      );
    return value;
  };
  // A resource the runtime could not deploy (a release workflow, say) would skew every count.
  if (runtime.deployment.problems.length > 0) {
    throw new Error(
      `the load app did not deploy whole: ${runtime.deployment.problems.map((p) => p.error.message).join('; ')}`,
    );
  }
  const workflow = loadWorkflow(options);
  const stateMachineArn = output(workflow.output);
  const prefix = workflow.keyPrefix;
  const functionName = output(LOAD_OUTPUTS.businessFunction);
  const { faults } = options;
  const api = runtime.stepFunctions.api;

  // --- Fault injectors: none changes the definition -------------------------------------------
  runtime.dynamoDbFaults?.configure({
    throttle: faults.dynamodbThrottle,
    serverError: faults.dynamodb5xx,
    serverErrorAfterWrite: faults.dynamodb5xxAfterWrite,
    slow: faults.dynamodbSlow,
    slowMs: options.dynamodbSlowMs,
  });
  const lambda = lambdaFaults({
    rates: {
      businessErrorBefore: faults.businessErrorBefore,
      businessErrorAfter: faults.businessErrorAfter,
      serviceErrorAfterRun: faults.lambda5xx,
      timeout: faults.businessTimeout,
      // Past RunBusinessLogic's TimeoutSeconds, so Step Functions gives up first.
      timeoutHoldMs: (businessTaskTimeoutSeconds(LOAD_BUSINESS_TIMEOUT_SECONDS) + 2) * 1000,
    },
    functions: (name) => name === functionName,
    random: seededRandom(options.seed + 2),
    onFault: (fault: LambdaFault) =>
      faultRecords.push({
        kind: LAMBDA_KIND[fault.kind],
        eventId: eventIdOf(fault.invocation.payload),
        requestId: fault.invocation.requestId,
        at: Date.now(),
      }),
  });
  const uninstallLambdaFaults = installLambdaFaults(runtime.lambda, lambda);
  const crashes = injectCrashes(api, {
    stateName: StateName.RunBusinessLogic,
    stateMachines: (arn) => arn === stateMachineArn,
    rates: { whileRunning: faults.crashWhileRunning, afterSuccess: faults.crashBeforeCompletion },
    random: seededRandom(options.seed + 3),
    onCrash: (crash: Crash) => {
      let requestId: string | undefined;
      if (crash.kind === 'afterSuccess') {
        // The invocation whose result was never recorded: its request id is in TaskSucceeded's output.
        const events = api.execution(crash.executionArn)?.execution.events ?? [];
        const succeeded = [...events].reverse().find((e) => e.type === 'TaskSucceeded');
        const details = succeeded?.taskSucceededEventDetails as { output?: string } | undefined;
        try {
          requestId = (
            JSON.parse(details?.output ?? '{}') as { SdkResponseMetadata?: { RequestId?: string } }
          ).SdkResponseMetadata?.RequestId;
        } catch {
          requestId = undefined;
        }
      }
      faultRecords.push({
        kind: crash.kind === 'whileRunning' ? 'crashWhileRunning' : 'crashBeforeCompletion',
        eventId: eventIdOf(crash.input),
        requestId,
        at: Date.now(),
      });
    },
  });

  // --- Execution ends, from the service's feed (the driver runs in the runtime's process) ---------
  const waiting = new Map<string, (result: Finished) => void>();
  const early = new Map<string, Finished>();
  const unsubscribe = api.subscribe((event) => {
    if (event.kind !== 'executionFinished' || event.execution.stateMachineArn !== stateMachineArn) return;
    const { executionArn, status, error, cause } = event.execution;
    const result: Finished = { status, error, cause };
    const resolve = waiting.get(executionArn);
    if (resolve) {
      waiting.delete(executionArn);
      resolve(result);
    } else early.set(executionArn, result);
  });
  const finished = (executionArn: string) =>
    new Promise<Finished>((resolve) => {
      const known = early.get(executionArn);
      if (known) {
        early.delete(executionArn);
        resolve(known);
        return;
      }
      const deadline = setTimeout(() => {
        waiting.delete(executionArn);
        resolve({ status: 'RUNNING', cause: `not ended ${EXECUTION_DEADLINE_MS / 1000} s after it started` });
      }, EXECUTION_DEADLINE_MS);
      waiting.set(executionArn, (result) => {
        clearTimeout(deadline);
        resolve(result);
      });
    });

  // --- Delivery, as SQS with a redrive policy -----------------------------------------------------
  collectGarbage();
  const before = process.memoryUsage();
  const stream = buildStream(options, seededRandom(options.seed));
  const ready: Message[] = [...stream];
  let next = 0; // first deliveries come in stream order; redeliveries join `ready` when their delay ends
  const redeliveries: Message[] = [];
  let inFlight = 0;
  let waitingForRedelivery = 0;
  let done = 0;
  let dead = 0;
  let deliveries = 0;
  let succeeded = 0;
  let failed = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const progress = (phase: LoadProgress['phase'], running = 0): LoadProgress => ({
    phase,
    events: stream.length,
    firstDeliveries: next,
    done,
    deadLettered: dead,
    inFlight,
    waitingForRedelivery,
    running,
    elapsedMs: performance.now() - started,
  });
  const ticker = setInterval(() => hooks.onProgress?.(progress('delivering')), hooks.progressEveryMs ?? 1000);

  await new Promise<void>((resolveAll) => {
    const settle = (message: Message, result: 'done' | 'failed', reason?: string) => {
      inFlight--;
      if (result === 'done') {
        message.state = 'done';
        done++;
      } else if (message.attempts >= options.maxAttempts) {
        message.state = 'dead';
        message.reason = `after ${message.attempts} attempts: ${reason}`;
        dead++;
      } else {
        waitingForRedelivery++;
        const delay = Math.min(
          options.redeliveryDelayMs * 2 ** (message.attempts - 1),
          MAX_REDELIVERY_DELAY_MS,
        );
        setTimeout(() => {
          waitingForRedelivery--;
          redeliveries.push(message);
          pump();
        }, delay);
      }
      if (done + dead === stream.length) resolveAll();
      else pump();
    };
    const deliver = async (message: Message) => {
      message.attempts++;
      deliveries++;
      const t0 = performance.now();
      let executionArn: string | undefined;
      try {
        executionArn = (
          await runtime.clients.sfn.send(new StartExecutionCommand({ stateMachineArn, input: message.body }))
        ).executionArn;
      } catch (error) {
        settle(message, 'failed', `StartExecution: ${(error as Error).name}: ${(error as Error).message}`);
        return;
      }
      const result = await finished(executionArn as string);
      latencies.push(performance.now() - t0);
      if (result.status === 'SUCCEEDED') {
        succeeded++;
        settle(message, 'done');
      } else {
        failed++;
        settle(message, 'failed', `${result.status} ${result.error ?? ''} ${shorten(result.cause)}`.trim());
      }
    };
    const pump = () => {
      while (inFlight < options.concurrency) {
        const message = redeliveries.shift() ?? (next < ready.length ? ready[next++] : undefined);
        if (!message) return;
        inFlight++;
        void deliver(message);
      }
    };
    pump();
  });
  const deliveredMs = performance.now() - started;
  clearInterval(ticker);

  // --- Settle: release workflows, held answers, the last redeliveries' executions ----------------
  const machines = runtime.deployment.stateMachines.map((m) => m.arn);
  const runningCount = async () => {
    let count = 0;
    for (const arn of machines) {
      let nextToken: string | undefined;
      do {
        const page = await runtime.clients.sfn.send(
          new ListExecutionsCommand({
            stateMachineArn: arn,
            statusFilter: 'RUNNING',
            maxResults: 1000,
            nextToken,
          }),
        );
        count += page.executions?.length ?? 0;
        nextToken = page.nextToken;
      } while (nextToken);
    }
    return count;
  };
  const settleStarted = Date.now();
  let running = await runningCount();
  while (running > 0 && Date.now() - settleStarted < SETTLE_TIMEOUT_MS) {
    hooks.onProgress?.(progress('settling', running));
    await sleep(1000);
    running = await runningCount();
  }
  unsubscribe();
  crashes.stop();
  uninstallLambdaFaults();

  // --- Count from outside the guard -----------------------------------------------------------------
  const ddb = runtime.clients.dynamodb;
  const [ledger, calls, records] = await Promise.all([
    scanAll(ddb, output(LOAD_OUTPUTS.ledger)),
    scanAll(ddb, output(LOAD_OUTPUTS.calls)),
    scanAll(ddb, output(LOAD_OUTPUTS.idempotencyTable)),
  ]);
  // What is left once the run is over: Lambda gives idle environments back (here at once, instead of
  // after the service's idle timeout), and the retained executions stay, as on AWS.
  const reclaimedEnvironments = runtime.lambda.reclaimIdleEnvironments();
  await sleep(500);
  collectGarbage();
  const after = process.memoryUsage();
  const retention = api.retention();

  const effectsByKey = new Map<string, { requestId: string; at: number }[]>();
  for (const item of ledger) {
    const eventId = item.eventId?.S ?? '';
    const list = effectsByKey.get(eventId) ?? [];
    list.push({ requestId: item.requestId?.S ?? '', at: Number(item.at?.N ?? 0) });
    effectsByKey.set(eventId, list);
  }
  const recordStatus = new Map<string, string>();
  for (const item of records) {
    const id = item.id?.S ?? '';
    if (id.startsWith(`${prefix}#`)) recordStatus.set(id.slice(prefix.length + 1), item.status?.S ?? '?');
  }
  const messagesByKey = new Map<string, Message[]>();
  for (const message of stream) {
    const list = messagesByKey.get(message.eventId) ?? [];
    list.push(message);
    messagesByKey.set(message.eventId, list);
  }

  const doublesByFault: Record<string, number> = {};
  let doubleSideEffects = 0;
  let keysWithDoubles = 0;
  const lambdaFaultByRequest = new Map<string, FaultKind>();
  const faultsByKey = new Map<string, FaultRecord[]>();
  for (const record of faultRecords) {
    if (record.requestId && record.kind !== 'crashWhileRunning')
      lambdaFaultByRequest.set(record.requestId, record.kind);
    if (record.eventId) {
      const list = faultsByKey.get(record.eventId) ?? [];
      list.push(record);
      faultsByKey.set(record.eventId, list);
    }
  }
  for (const [eventId, effects] of effectsByKey) {
    if (effects.length < 2) continue;
    keysWithDoubles++;
    effects.sort((a, b) => a.at - b.at);
    const used = new Set<FaultRecord>();
    for (let i = 1; i < effects.length; i++) {
      doubleSideEffects++;
      const before = effects[i - 1] as { requestId: string; at: number };
      const after = effects[i] as { requestId: string; at: number };
      // Why the earlier side effect was not recorded: a fault on its own invocation, else a crash
      // or DynamoDB fault on its key between the two side effects.
      // A crash while the function runs comes before its side effect, by up to the task timeout (the
      // invocation may wait for a free environment first), so crashes are looked for first, further back.
      let cause: string | undefined = lambdaFaultByRequest.get(before.requestId);
      if (!cause) {
        const faults = (faultsByKey.get(eventId) ?? []).filter((f) => !used.has(f) && f.at <= after.at);
        const candidate =
          faults.find((f) => f.kind.startsWith('crash') && f.at >= before.at - taskTimeoutMs) ??
          faults.find(
            (f) => f.kind.startsWith('dynamodb') && f.kind !== 'dynamodbSlow' && f.at >= before.at - 1000,
          );
        if (candidate) {
          used.add(candidate);
          cause = candidate.kind;
        }
      }
      const label = cause ?? 'unexplained';
      doublesByFault[label] = (doublesByFault[label] ?? 0) + 1;
    }
  }

  const keys: Record<string, KeyState> = {};
  let lost = 0;
  let completedKeys = 0;
  let deadLetteredKeys = 0;
  let deadLetteredWithSideEffect = 0;
  let unresolvedKeys = 0;
  for (const [eventId, messages] of messagesByKey) {
    const deadMessage = messages.find((m) => m.state === 'dead');
    const hasEffect = (effectsByKey.get(eventId)?.length ?? 0) > 0;
    const status = recordStatus.get(eventId);
    if (status === 'COMPLETED') {
      keys[eventId] = 'COMPLETED';
      completedKeys++;
    } else if (deadMessage) {
      keys[eventId] = `DEAD_LETTERED: ${deadMessage.reason}`;
      deadLetteredKeys++;
      if (hasEffect) deadLetteredWithSideEffect++;
    } else {
      keys[eventId] =
        `UNRESOLVED: record ${status ?? 'absent'}, messages ${messages.map((m) => m.state).join(',')}`;
      unresolvedKeys++;
    }
    if (!hasEffect && !deadMessage) lost++;
  }

  const counts: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<
    FaultKind,
    number
  >;
  for (const record of faultRecords) counts[record.kind]++;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    withKey: options.withKey,
    events: stream.length,
    uniqueKeys: messagesByKey.size,
    deliveries,
    executions: { succeeded, failed },
    businessInvocations: calls.length,
    sideEffects: ledger.length,
    doubleSideEffects,
    keysWithDoubles,
    lost,
    deadLettered: dead,
    deadLetteredKeys,
    deadLetteredWithSideEffect,
    completedKeys,
    unresolvedKeys,
    throughputPerSec: Math.round((stream.length / (deliveredMs / 1000)) * 10) / 10,
    p50Ms: Math.round(percentile(sorted, 50)),
    p99Ms: Math.round(percentile(sorted, 99)),
    durationSec: Math.round(deliveredMs / 100) / 10,
    faults: counts,
    doublesByFault,
    stuckRunning: running,
    rssBeforeMb: mb(before.rss),
    rssAfterMb: mb(after.rss),
    heapUsedBeforeMb: mb(before.heapUsed),
    heapUsedAfterMb: mb(after.heapUsed),
    lambdaEnvironmentsReclaimed: reclaimedEnvironments,
    retainedExecutions: retention.executions,
    retainedMb: mb(retention.bytes),
    keys,
  };
}
