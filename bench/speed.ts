/**
 * Local speed, for `npm run bench`: new events and duplicates through the blueprint (StartExecution
 * over the Step Functions API, the end known from the service's in-process feed, or by polling
 * DescribeExecution as an outside caller does) against the floor, the same service calls made
 * directly with the SDK and no engine (a conditional PutItem, a Lambda Invoke and an UpdateItem
 * for a new event; the conditional PutItem alone for a duplicate), on the same DynamoDB Local and
 * local Lambda. Also where the runtime process's CPU goes, from a CPU profile of it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ServiceEvent } from '@sfn-idempotency/local-runtime';
import { LOCAL_AWS_CONFIG } from '@sfn-idempotency/local-runtime';
import { type BenchRuntime, type DeployedSetting, freshEvent } from './measure';

export const CONCURRENCIES = [1, 16, 64] as const;

export interface RateFigures {
  readonly events: number;
  readonly perSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface SpeedFigures {
  readonly floor: RateFigures;
  readonly blueprint: RateFigures;
  /** The blueprint waited for by polling DescribeExecution every 25 ms, as a caller outside the process does. */
  readonly blueprintPolling?: RateFigures;
  readonly floorDuplicate: RateFigures;
  readonly blueprintDuplicate: RateFigures;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Runs `count` operations `concurrency` at a time; each resolves when its event is done. */
export async function drive(
  count: number,
  concurrency: number,
  operation: (i: number) => Promise<void>,
): Promise<RateFigures> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      await operation(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    events: count,
    perSec: Math.round(count / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

/** SDK clients as the engine's integrations configure theirs: keep-alive sockets, no SDK retries. */
function clients(bench: BenchRuntime) {
  const common = {
    region: bench.runtime.region,
    credentials: LOCAL_AWS_CONFIG.credentials,
    maxAttempts: 1,
  };
  return {
    dynamodb: new DynamoDBClient({ ...common, endpoint: bench.runtime.dynamodb.endpoint }),
    lambda: new LambdaClient({ ...common, endpoint: bench.runtime.lambda.endpoint }),
  };
}

/** The claim and the completion, shaped as the definition's (state-machines/idempotency.asl.json). */
function claim(tableName: string, id: string, me: string) {
  const now = Date.now();
  return new PutItemCommand({
    TableName: tableName,
    Item: {
      id: { S: id },
      status: { S: 'INPROGRESS' },
      expiration: { N: String(Math.floor(now / 1000) + 3600) },
      in_progress_expiration: { N: String(now + 77000) },
      execution: { S: me },
    },
    ConditionExpression:
      'attribute_not_exists(#id) OR #expiration < :now OR (#status = :inprogress AND #in_progress_expiration < :now_ms) OR (#execution = :me AND #status = :inprogress)',
    ExpressionAttributeNames: {
      '#id': 'id',
      '#expiration': 'expiration',
      '#status': 'status',
      '#in_progress_expiration': 'in_progress_expiration',
      '#execution': 'execution',
    },
    ExpressionAttributeValues: {
      ':now': { N: String(Math.floor(now / 1000)) },
      ':now_ms': { N: String(now) },
      ':inprogress': { S: 'INPROGRESS' },
      ':me': { S: me },
    },
  });
}

function completion(tableName: string, id: string, me: string) {
  return new UpdateItemCommand({
    TableName: tableName,
    Key: { id: { S: id } },
    UpdateExpression: 'SET #status = :completed, #expiration = :expiration',
    ConditionExpression: '#execution = :me',
    ExpressionAttributeNames: { '#status': 'status', '#expiration': 'expiration', '#execution': 'execution' },
    ExpressionAttributeValues: {
      ':completed': { S: 'COMPLETED' },
      ':expiration': { N: String(Math.floor(Date.now() / 1000) + 3600) },
      ':me': { S: me },
    },
  });
}

/** Waits for executions to end, told by the service's in-process feed. */
function endWatcher(bench: BenchRuntime, stateMachineArn: string) {
  const waiting = new Map<string, (status: string) => void>();
  const early = new Map<string, string>();
  const unsubscribe = bench.runtime.stepFunctions.api.subscribe((event: ServiceEvent) => {
    if (event.kind !== 'executionFinished' || event.execution.stateMachineArn !== stateMachineArn) return;
    const { executionArn, status } = event.execution;
    const resolve = waiting.get(executionArn);
    if (resolve) {
      waiting.delete(executionArn);
      resolve(status);
    } else early.set(executionArn, status);
  });
  return {
    finished(executionArn: string): Promise<string> {
      const known = early.get(executionArn);
      if (known !== undefined) {
        early.delete(executionArn);
        return Promise.resolve(known);
      }
      return new Promise((resolve) => waiting.set(executionArn, resolve));
    },
    close: unsubscribe,
  };
}

export interface SpeedOptions {
  /** Events per measurement at each concurrency. */
  readonly events: (concurrency: number) => number;
  /** Also measure the blueprint waited for by polling (at concurrency 16). @default true */
  readonly polling?: boolean;
}

/** Floor and blueprint at one concurrency: new events, then duplicates of them. */
export async function measureSpeed(
  bench: BenchRuntime,
  deployed: DeployedSetting,
  concurrency: number,
  options: SpeedOptions,
): Promise<SpeedFigures> {
  const { dynamodb, lambda } = clients(bench);
  const sfn = bench.runtime.clients.sfn;
  const count = options.events(concurrency);
  const table = bench.tableName;
  const functionName = bench.businessFunction;
  const stateMachineArn = deployed.stateMachineArn;
  const watcher = endWatcher(bench, stateMachineArn);
  try {
    const floorIds = Array.from(
      { length: count },
      (_, i) => `floor#${process.pid}-${concurrency}-${Date.now()}-${i}`,
    );
    const floorNew = async (i: number) => {
      const id = floorIds[i] as string;
      const me = `floor-execution-${id}`;
      const event = freshEvent(deployed);
      await dynamodb.send(claim(table, id, me));
      const invoked = await lambda.send(
        new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }),
      );
      if (invoked.FunctionError) throw new Error(`the business function failed: ${invoked.FunctionError}`);
      await dynamodb.send(completion(table, id, me));
    };
    const floorDuplicate = async (i: number) => {
      const id = floorIds[i] as string;
      try {
        await dynamodb.send(claim(table, id, `floor-duplicate-${id}`));
        throw new Error('the duplicate claim won');
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    };
    const events = Array.from({ length: count }, () => JSON.stringify(freshEvent(deployed)));
    const start = async (input: string) => {
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
      return started.executionArn as string;
    };
    const blueprint = (expected: string) => async (i: number) => {
      const status = await watcher.finished(await start(events[i] as string));
      if (status !== 'SUCCEEDED') throw new Error(`an execution ended ${status}`);
      void expected;
    };
    const polled = async (input: string) => {
      const executionArn = await start(input);
      for (;;) {
        const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (described.status !== 'RUNNING') return described.status;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const floor = await drive(count, concurrency, floorNew);
    const floorDup = await drive(count, concurrency, floorDuplicate);
    const blueprintNew = await drive(count, concurrency, blueprint('new'));
    const blueprintDup = await drive(count, concurrency, blueprint('duplicate'));
    let blueprintPolling: RateFigures | undefined;
    if (options.polling !== false && concurrency === 16) {
      const pollEvents = Array.from({ length: count }, () => JSON.stringify(freshEvent(deployed)));
      blueprintPolling = await drive(count, concurrency, async (i) => {
        const status = await polled(pollEvents[i] as string);
        if (status !== 'SUCCEEDED') throw new Error(`an execution ended ${status}`);
      });
    }
    return {
      floor,
      blueprint: blueprintNew,
      ...(blueprintPolling ? { blueprintPolling } : {}),
      floorDuplicate: floorDup,
      blueprintDuplicate: blueprintDup,
    };
  } finally {
    watcher.close();
    dynamodb.destroy();
    lambda.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Where the time goes: CPU of the runtime process (main thread by profile, the rest by
// process.cpuUsage) and of DynamoDB Local's JVM, per new event.

/** The JVMs this process started (DynamoDB Local, under its supervising shell), by /proc. */
function childJavaPids(): number[] {
  const parents = new Map<number, { parent: number; java: boolean }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), { parent: Number(fields[1]), java: stat.includes('(java)') });
    } catch {
      // the process ended meanwhile
    }
  }
  const descends = (pid: number): boolean => {
    for (let at = parents.get(pid)?.parent, hops = 0; at !== undefined && hops < 5; hops++) {
      if (at === process.pid) return true;
      at = parents.get(at)?.parent;
    }
    return false;
  };
  return [...parents.entries()].filter(([pid, p]) => p.java && descends(pid)).map(([pid]) => pid);
}

/** CPU milliseconds (user + system) a process has used. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100;
  } catch {
    return 0;
  }
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly hitCount?: number;
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** Buckets of the runtime's main thread, by where the code lives. */
export const CPU_CATEGORIES = [
  'engine (src/engine, JSONata)',
  'SFN API, store, events (src/sfn, src/events.ts, aws-json-server)',
  'integrations (src/integrations)',
  'AWS SDK clients (@aws-sdk, @smithy)',
  'local Lambda service (src/lambda)',
  'HTTP and sockets (node:http, net, stream)',
  'bench driver',
  'garbage collection',
  'other',
] as const;
export type CpuCategory = (typeof CPU_CATEGORIES)[number];

function categorize(node: ProfileNode): CpuCategory | 'idle' {
  const { url, functionName } = node.callFrame;
  if (functionName === '(idle)' || functionName === '(program)')
    return functionName === '(idle)' ? 'idle' : 'other';
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (url.includes('/src/engine/') || url.includes('/jsonata/')) return 'engine (src/engine, JSONata)';
  if (url.includes('/src/sfn/') || url.includes('/src/events.ts') || url.includes('aws-json-server'))
    return 'SFN API, store, events (src/sfn, src/events.ts, aws-json-server)';
  if (url.includes('/src/integrations/')) return 'integrations (src/integrations)';
  if (url.includes('@aws-sdk') || url.includes('@smithy') || url.includes('@aws-crypto'))
    return 'AWS SDK clients (@aws-sdk, @smithy)';
  if (url.includes('/src/lambda/')) return 'local Lambda service (src/lambda)';
  if (url.startsWith('node:') || url === '') {
    if (/_http|http|net|stream|tls|dns|buffer|events|timers/.test(url) || url === '')
      return 'HTTP and sockets (node:http, net, stream)';
    return 'other';
  }
  if (url.includes('/bench/')) return 'bench driver';
  return 'other';
}

export interface CpuBreakdown {
  readonly events: number;
  readonly perSec: number;
  /** Milliseconds of CPU per event. */
  readonly mainThreadMs: Readonly<Record<CpuCategory, number>>;
  readonly mainThreadTotalMs: number;
  /** The process's CPU less its main thread's: the Lambda worker threads and Node's own helper threads. */
  readonly otherThreadsMs: number;
  readonly dynamoDbLocalMs: number;
}

/** Runs new events through the blueprint at `concurrency` under a CPU profile of this process. */
export async function profileBlueprint(
  bench: BenchRuntime,
  deployed: DeployedSetting,
  concurrency: number,
  count: number,
): Promise<{ breakdown: CpuBreakdown; profile: Profile }> {
  const sfn = bench.runtime.clients.sfn;
  const stateMachineArn = deployed.stateMachineArn;
  const watcher = endWatcher(bench, stateMachineArn);
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))),
    );
  const events = Array.from({ length: count }, () => JSON.stringify(freshEvent(deployed)));
  try {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    const javas = childJavaPids();
    const javaBefore = javas.reduce((sum, pid) => sum + processCpuMs(pid), 0);
    const cpuBefore = process.cpuUsage();
    await post('Profiler.start');
    const rate = await drive(count, concurrency, async (i) => {
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: events[i] }));
      await watcher.finished(started.executionArn as string);
    });
    const { profile } = (await post('Profiler.stop')) as { profile: Profile };
    const cpu = process.cpuUsage(cpuBefore);
    const javaMs = javas.reduce((sum, pid) => sum + processCpuMs(pid), 0) - javaBefore;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const totals = Object.fromEntries(CPU_CATEGORIES.map((c) => [c, 0])) as Record<CpuCategory, number>;
    for (const [i, sample] of profile.samples.entries()) {
      const node = byId.get(sample);
      const category = node ? categorize(node) : 'other';
      if (category === 'idle') continue;
      totals[category] += (profile.timeDeltas[i] ?? 0) / 1000;
    }
    const mainTotal = Object.values(totals).reduce((a, b) => a + b, 0);
    const perEvent = (ms: number) => Math.round((ms / count) * 1000) / 1000;
    return {
      breakdown: {
        events: count,
        perSec: rate.perSec,
        mainThreadMs: Object.fromEntries(CPU_CATEGORIES.map((c) => [c, perEvent(totals[c])])) as Record<
          CpuCategory,
          number
        >,
        mainThreadTotalMs: perEvent(mainTotal),
        otherThreadsMs: perEvent(Math.max(0, (cpu.user + cpu.system) / 1000 - mainTotal)),
        dynamoDbLocalMs: perEvent(javaMs),
      },
      profile,
    };
  } finally {
    await post('Profiler.disable').catch(() => {});
    session.disconnect();
    watcher.close();
  }
}

/** The functions with the most self time in a profile, for reading where a category's time goes. */
export function topFunctions(profile: Profile, limit: number): { name: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (const [i, sample] of profile.samples.entries()) {
    const node = byId.get(sample);
    if (!node || categorize(node) === 'idle') continue;
    const url = node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '');
    const key = `${node.callFrame.functionName || '(anonymous)'} ${url}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, ms]) => ({ name, ms: Math.round(ms) }));
}
