/**
 * What `npm run bench` measures, per path and setting: the blueprint's workflow planned as the
 * construct plans it (lib/plan.ts), deployed into the local runtime with a capacity meter between
 * the engine and DynamoDB Local (the runtime's `dynamoDbCapacity`), executed one at a time, and
 * read back from what the services recorded: the history (billed transitions), the meter (write
 * and read units as DynamoDB reports them), the local Lambda's hooks (invocations, billed
 * duration) and the order of the calls (service calls before the business function starts).
 * bench/run.ts prints them; test/bench/measure.test.ts checks the counts on a tiny run.
 */
import * as path from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import {
  type BeforeInvokeHook,
  itemSizeBytes,
  type LocalRuntime,
  type MeteredCall,
  type ServiceEvent,
  startLocalRuntime,
} from '@sfn-idempotency/local-runtime';
import type { DefinitionOptions } from '../lib/definition';
import { planWorkflow } from '../lib/plan';

export const PROJECT_ROOT = path.join(__dirname, '..');

export const PATHS = ['new', 'duplicate', 'inProgress', 'failure', 'invalidKey'] as const;
export type PathName = (typeof PATHS)[number];

export const PATH_LABELS: Readonly<Record<PathName, string>> = {
  new: 'new event',
  duplicate: 'duplicate of a completed event',
  inProgress: 'duplicate while in progress',
  failure: 'business failure',
  invalidKey: 'invalid key (own idempotencyKey)',
};

export const SETTINGS = ['default', 'storedResult', 'payloadValidation', 'express'] as const;
export type SettingName = (typeof SETTINGS)[number];

/** The stored result of the RETURN_STORED_RESULT setting: 10 KB. */
export const STORED_RESULT_BYTES = 10 * 1024;

/** A key expression of the user's own, for the invalid-key path and payload validation. */
export const OWN_KEY_EXPRESSION = '$states.input.orderId';

interface Setting {
  readonly label: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly options: Partial<DefinitionOptions>;
  /** Extra fields of every event (the business function's instructions). */
  readonly event: Record<string, unknown>;
}

export const SETTING_DEFINITIONS: Readonly<Record<SettingName, Setting>> = {
  default: { label: 'default (STANDARD)', type: 'STANDARD', options: {}, event: {} },
  storedResult: {
    label: 'RETURN_STORED_RESULT, 10 KB result',
    type: 'STANDARD',
    options: { duplicateResponse: 'RETURN_STORED_RESULT' },
    event: { resultBytes: STORED_RESULT_BYTES },
  },
  payloadValidation: {
    label: `payload validation (key ${OWN_KEY_EXPRESSION})`,
    type: 'STANDARD',
    options: { keyExpression: OWN_KEY_EXPRESSION, payloadValidationExpression: '$states.input.amount' },
    event: {},
  },
  express: { label: 'EXPRESS', type: 'EXPRESS', options: {}, event: {} },
};

/** What one execution of one path cost, read back from the services. */
export interface PathMeasurement {
  /** The execution's end status. */
  readonly status: string;
  readonly error?: string;
  /** States entered, in order. */
  readonly states: readonly string[];
  /** Billed transitions on STANDARD: states entered plus task retries (`billedTransitions`). */
  readonly transitions: number;
  readonly writeUnits: number;
  readonly readUnits: number;
  /** DynamoDB calls the execution made, in order (`PutItem:ConditionalCheckFailedException`, ...). */
  readonly dynamoDbCalls: readonly string[];
  readonly lambdaInvocations: number;
  /** Lambda billed duration: each invocation's run rounded up to 1 ms, summed. */
  readonly lambdaBilledMs: number;
  /** Service calls made and answered, one after the other, before the business function started (all of them when it never starts). */
  readonly callsBeforeBusiness: number;
  /** StartExecution to the end, in the runtime (the engine's clock). */
  readonly executionMs: number;
  /** What the orphaned-lease release workflow it started (STANDARD failures) cost, if any. */
  readonly release?: {
    readonly transitions: number;
    readonly writeUnits: number;
    readonly states: readonly string[];
  };
}

/**
 * Billed state transitions of a STANDARD execution, from its history. AWS: "Step Functions counts
 * a state transition each time a step of your workflow is executed, including retries"
 * (aws.amazon.com/step-functions/pricing). A step executed is a state entered (`*StateEntered`);
 * a retry is a task scheduled again inside the same state (`TaskScheduled` beyond one per Task
 * state entered; the engine's history has no other kind of retry). The execution's start and end
 * events are not steps.
 */
export function billedTransitions(events: readonly Pick<HistoryEvent, 'type'>[]): number {
  let entered = 0;
  let taskEntered = 0;
  let scheduled = 0;
  for (const event of events) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) entered++;
    if (type === 'TaskStateEntered') taskEntered++;
    if (type === 'TaskScheduled') scheduled++;
  }
  return entered + Math.max(0, scheduled - taskEntered);
}

/** Lambda bills duration in 1 ms steps, rounded up. */
export const billedLambdaMs = (ms: number): number => Math.max(1, Math.ceil(ms));

export interface Invocation {
  readonly functionName: string;
  readonly requestId: string;
  readonly payload: string;
  readonly startedAt: number;
  endedAt?: number;
}

/** A runtime for measuring: the capacity meter in place, the bench's functions, hooks that time invocations. */
export interface BenchRuntime {
  readonly runtime: LocalRuntime;
  readonly tableName: string;
  readonly businessFunction: string;
  readonly inFunctionFunction: string;
  readonly invocations: Invocation[];
  /** Holds invocations whose payload contains `"hold":true` until `release()` is called; `reached` resolves when one is held. */
  hold(): { readonly reached: Promise<void>; release(): void };
  stop(): Promise<void>;
}

export interface BenchRuntimeOptions {
  /** Puts the capacity meter in front of DynamoDB Local. @default true */
  readonly meter?: boolean;
  /** Environments per function. @default 8 */
  readonly maxConcurrency?: number;
  /** How the engine reaches the local Lambda (the runtime's option). @default 'in-process' */
  readonly engineLambdaTransport?: 'in-process' | 'http';
}

export async function startBenchRuntime(options: BenchRuntimeOptions = {}): Promise<BenchRuntime> {
  const runtime = await startLocalRuntime({
    baseDir: PROJECT_ROOT,
    // Waits (the release workflow's) and retry pauses 1,000 times shorter: counts do not change.
    timeScale: 0.001,
    onLambdaLog: () => {},
    engineLambdaTransport: options.engineLambdaTransport ?? 'in-process',
    ...(options.meter === false ? {} : { dynamoDbCapacity: {} }),
  });
  const tableName = 'bench-idempotency';
  await runtime.createTable(tableName);
  const invocations: Invocation[] = [];
  let gate: Promise<void> | undefined;
  let reached: (() => void) | undefined;
  const before: BeforeInvokeHook = async (info) => {
    if (gate && info.payload.includes('"hold":true')) {
      reached?.();
      await gate;
    }
    invocations.push({
      functionName: info.functionName,
      requestId: info.requestId,
      payload: info.payload,
      startedAt: performance.now(),
    });
  };
  const byRequest = (requestId: string) => {
    for (let i = invocations.length - 1; i >= 0; i--) {
      if (invocations[i]?.requestId === requestId) return invocations[i];
    }
    return undefined;
  };
  runtime.lambda.setBeforeInvoke(before);
  runtime.lambda.setAfterInvoke((info) => {
    const invocation = byRequest(info.requestId);
    if (invocation) invocation.endedAt = performance.now();
  });
  const maxConcurrency = options.maxConcurrency ?? 8;
  const businessFunction = 'bench-business';
  runtime.registerFunction(businessFunction, {
    handler: 'bench/handlers/business.ts#handler',
    memorySize: 256,
    maxConcurrency,
  });
  const inFunctionFunction = 'bench-in-function-idempotency';
  runtime.registerFunction(inFunctionFunction, {
    handler: 'bench/handlers/in-function-idempotency.ts#handler',
    memorySize: 256,
    maxConcurrency,
    environment: {
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: runtime.dynamoDbCapacity?.endpoint ?? runtime.dynamodb.endpoint,
    },
  });
  return {
    runtime,
    tableName,
    businessFunction,
    inFunctionFunction,
    invocations,
    hold() {
      let open: () => void = () => {};
      gate = new Promise((resolve) => {
        open = resolve;
      });
      const held = new Promise<void>((resolve) => {
        reached = resolve;
      });
      return {
        reached: held,
        release() {
          gate = undefined;
          open();
        },
      };
    },
    stop: () => runtime.stop(),
  };
}

export interface DeployedSetting {
  readonly name: SettingName;
  readonly setting: Setting;
  /** The setting's workflow. */
  readonly stateMachineArn: string;
  /** The same with a key of the user's own (`OWN_KEY_EXPRESSION`), for the invalid-key path. */
  readonly ownKeyStateMachineArn: string;
  /** The release workflows, STANDARD only. */
  readonly releaseArns: readonly string[];
}

/** Plans and deploys a setting's workflows (and their release workflows) as test/support/deploy-plan.ts does. */
export async function deploySetting(bench: BenchRuntime, name: SettingName): Promise<DeployedSetting> {
  const setting = SETTING_DEFINITIONS[name];
  const { runtime } = bench;
  const releaseArns: string[] = [];
  const deploy = async (suffix: string, options: Partial<DefinitionOptions>) => {
    const plan = planWorkflow({
      tableName: bench.tableName,
      businessFunctionArn: runtime.lambda.functionArn(bench.businessFunction),
      keyPrefix: `bench-${name}${suffix}`,
      ...options,
      workflowType: setting.type,
    });
    const machineName = `bench-${name}${suffix}`;
    const arn = await runtime.deployStateMachine({
      name: machineName,
      type: setting.type,
      definition: plan.definition,
      substitutions: plan.substitutions,
    });
    if (plan.release) {
      const releaseArn = await runtime.deployStateMachine({
        name: `${machineName}-release`,
        definition: plan.release.definition,
        substitutions: plan.release.substitutions,
      });
      runtime.deployRule({
        name: `${machineName}-orphaned-leases`,
        pattern: plan.release.eventPattern(arn),
        targetStateMachineArn: releaseArn,
      });
      releaseArns.push(releaseArn);
    }
    return arn;
  };
  const stateMachineArn = await deploy('', setting.options);
  const ownKeyStateMachineArn =
    setting.options.keyExpression === OWN_KEY_EXPRESSION
      ? stateMachineArn
      : await deploy('-ownkey', { ...setting.options, keyExpression: OWN_KEY_EXPRESSION });
  return { name, setting, stateMachineArn, ownKeyStateMachineArn, releaseArns };
}

interface Finished {
  readonly status: string;
  readonly error?: string;
  readonly events: HistoryEvent[];
  readonly executionMs: number;
}

/**
 * Starts an execution through the Step Functions API and follows it on the service's in-process
 * feed, whose history events are collected (EXPRESS executions keep no history to read back).
 */
async function execute(
  runtime: LocalRuntime,
  stateMachineArn: string,
  input: unknown,
): Promise<{ executionArn: string; finished: Promise<Finished> }> {
  const api = runtime.stepFunctions.api;
  const events = new Map<string, HistoryEvent[]>();
  let resolveFinished: (finished: Finished) => void = () => {};
  let executionArn: string | undefined;
  const finished = new Promise<Finished>((resolve) => {
    resolveFinished = resolve;
  });
  const unsubscribe = api.subscribe((event: ServiceEvent) => {
    if (event.execution.stateMachineArn !== stateMachineArn) return;
    const arn = event.execution.executionArn;
    if (event.kind === 'historyEvent') {
      const list = events.get(arn) ?? [];
      list.push(event.event as unknown as HistoryEvent);
      events.set(arn, list);
    } else if (event.kind === 'executionFinished' && arn === executionArn) {
      unsubscribe();
      const execution = event.execution;
      resolveFinished({
        status: execution.status,
        ...(execution.error !== undefined ? { error: execution.error } : {}),
        events: events.get(arn) ?? [],
        executionMs: (execution.stopDate ?? new Date()).getTime() - execution.startDate.getTime(),
      });
    }
  });
  const started = api.call('StartExecution', { stateMachineArn, input: JSON.stringify(input) }) as {
    executionArn: string;
  };
  executionArn = started.executionArn;
  return { executionArn, finished };
}

/** The next execution of one of `stateMachineArns` to finish (the release workflow a failure starts). */
function nextFinished(runtime: LocalRuntime, stateMachineArns: readonly string[]): Promise<Finished> {
  const api = runtime.stepFunctions.api;
  return new Promise((resolve) => {
    const unsubscribe = api.subscribe((event: ServiceEvent) => {
      if (event.kind !== 'executionFinished' || !stateMachineArns.includes(event.execution.stateMachineArn))
        return;
      unsubscribe();
      const execution = event.execution;
      resolve({
        status: execution.status,
        events: execution.execution.events as unknown as HistoryEvent[],
        executionMs: 0,
      });
    });
  });
}

const statesOf = (events: readonly HistoryEvent[]): string[] =>
  events.flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));

const callName = (call: MeteredCall): string =>
  call.error ? `${call.operation}:${call.error}` : call.operation;

function summarize(
  finished: Finished,
  calls: readonly MeteredCall[],
  invocations: readonly Invocation[],
): Omit<PathMeasurement, 'release'> {
  const business = invocations[0];
  const before = business ? calls.filter((c) => c.startedAt + c.ms <= business.startedAt) : calls;
  return {
    status: finished.status,
    ...(finished.error !== undefined ? { error: finished.error } : {}),
    states: statesOf(finished.events),
    transitions: billedTransitions(finished.events),
    writeUnits: calls.reduce((sum, c) => sum + c.writeUnits, 0),
    readUnits: calls.reduce((sum, c) => sum + c.readUnits, 0),
    dynamoDbCalls: calls.map(callName),
    lambdaInvocations: invocations.length,
    lambdaBilledMs: invocations.reduce(
      (sum, i) => sum + billedLambdaMs((i.endedAt ?? i.startedAt) - i.startedAt),
      0,
    ),
    callsBeforeBusiness: before.length,
    executionMs: finished.executionMs,
  };
}

let sequence = 0;

/** A fresh event of a setting (a unique order id, so its key is new). */
export function freshEvent(
  deployed: DeployedSetting,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  sequence++;
  return {
    orderId: `o-${process.pid}-${Date.now()}-${sequence}`,
    amount: 1000 + sequence,
    currency: 'EUR',
    ...deployed.setting.event,
    ...extra,
  };
}

/**
 * Runs one execution of `path` (after whatever the path needs first: the event completed once for
 * a duplicate, a held first execution for a duplicate in progress) and measures only that
 * execution, its release workflow included when it starts one.
 */
export async function measurePath(
  bench: BenchRuntime,
  deployed: DeployedSetting,
  pathName: PathName,
): Promise<PathMeasurement> {
  const { runtime } = bench;
  const meter = runtime.dynamoDbCapacity;
  if (!meter) throw new Error('the bench runtime has no capacity meter');
  const machine = pathName === 'invalidKey' ? deployed.ownKeyStateMachineArn : deployed.stateMachineArn;
  let event = freshEvent(deployed);
  let held: { readonly reached: Promise<void>; release(): void } | undefined;
  let first: Promise<Finished> | undefined;
  if (pathName === 'duplicate') {
    const once = await execute(runtime, machine, event);
    const result = await once.finished;
    if (result.status !== 'SUCCEEDED')
      throw new Error(`the first execution ${result.status}: ${result.error}`);
  } else if (pathName === 'inProgress') {
    event = freshEvent(deployed, { hold: true });
    held = bench.hold();
    first = (await execute(runtime, machine, event)).finished;
    // The first execution holds the key once its business function is called.
    await held.reached;
  } else if (pathName === 'failure') {
    event = freshEvent(deployed, { fail: true });
  } else if (pathName === 'invalidKey') {
    const { orderId: _missing, ...withoutKey } = event;
    event = withoutKey;
  }
  meter.reset();
  const invocationsBefore = bench.invocations.length;
  const release =
    pathName === 'failure' && deployed.releaseArns.length > 0
      ? nextFinished(runtime, deployed.releaseArns)
      : undefined;
  const finished = await (await execute(runtime, machine, event)).finished;
  const calls = [...meter.calls()];
  const invocations = bench.invocations.slice(invocationsBefore).filter((i) => i.endedAt !== undefined);
  const measured = summarize(finished, calls, invocations);
  if (held) {
    held.release();
    await first;
  }
  if (!release) return measured;
  meter.reset();
  const released = await release;
  const releaseCalls = [...meter.calls()];
  return {
    ...measured,
    release: {
      transitions: billedTransitions(released.events),
      writeUnits: releaseCalls.reduce((sum, c) => sum + c.writeUnits, 0),
      states: statesOf(released.events),
    },
  };
}

/**
 * `runs` measurements of one path combined: the counts are the same every run; `lambdaBilledMs` and
 * `executionMs` are the medians over the runs.
 */
export interface PathFiguresMeasured extends PathMeasurement {
  readonly runs: number;
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function combine(measurements: readonly PathMeasurement[]): PathFiguresMeasured {
  const [first] = measurements;
  if (!first) throw new Error('no measurement');
  return {
    runs: measurements.length,
    status: first.status,
    ...(first.error !== undefined ? { error: first.error } : {}),
    states: first.states,
    transitions: mean(measurements.map((m) => m.transitions)),
    writeUnits: mean(measurements.map((m) => m.writeUnits)),
    readUnits: mean(measurements.map((m) => m.readUnits)),
    dynamoDbCalls: first.dynamoDbCalls,
    lambdaInvocations: mean(measurements.map((m) => m.lambdaInvocations)),
    lambdaBilledMs: median(measurements.map((m) => m.lambdaBilledMs)),
    callsBeforeBusiness: mean(measurements.map((m) => m.callsBeforeBusiness)),
    executionMs: median(measurements.map((m) => m.executionMs)),
    ...(first.release ? { release: first.release } : {}),
  };
}

/** Every path of one setting, `runs` times each (after one warm-up of each). */
export async function measureSetting(
  bench: BenchRuntime,
  name: SettingName,
  runs: number,
): Promise<Record<PathName, PathFiguresMeasured>> {
  const deployed = await deploySetting(bench, name);
  const result = {} as Record<PathName, PathFiguresMeasured>;
  for (const pathName of PATHS) {
    await measurePath(bench, deployed, pathName);
    const measurements: PathMeasurement[] = [];
    for (let i = 0; i < runs; i++) measurements.push(await measurePath(bench, deployed, pathName));
    result[pathName] = combine(measurements);
  }
  return result;
}

/** The in-function approach (Powertools' way), measured: a new event and a duplicate of it. */
export interface InFunctionMeasured {
  readonly new: { readonly writeUnits: number; readonly readUnits: number; readonly billedMs: number };
  readonly duplicate: { readonly writeUnits: number; readonly readUnits: number; readonly billedMs: number };
  /** The business function alone, the same event: what the in-function guard adds is the difference. */
  readonly businessAloneMs: number;
}

export async function measureInFunction(bench: BenchRuntime, runs: number): Promise<InFunctionMeasured> {
  const { runtime } = bench;
  const meter = runtime.dynamoDbCapacity;
  if (!meter) throw new Error('the bench runtime has no capacity meter');
  const lambda = runtime.lambda.endpoint;
  const invoke = async (functionName: string, payload: unknown) => {
    const response = await fetch(`${lambda}/2015-03-31/functions/${functionName}/invocations`, {
      method: 'POST',
      body: JSON.stringify(payload),
    });
    await response.text();
    const last = bench.invocations[bench.invocations.length - 1];
    return billedLambdaMs((last?.endedAt ?? 0) - (last?.startedAt ?? 0));
  };
  const once = async () => {
    const event = { orderId: `pt-${process.pid}-${Date.now()}-${++sequence}`, amount: 1 };
    meter.reset();
    const newMs = await invoke(bench.inFunctionFunction, event);
    const newCalls = [...meter.calls()];
    meter.reset();
    const duplicateMs = await invoke(bench.inFunctionFunction, event);
    const duplicateCalls = [...meter.calls()];
    const aloneMs = await invoke(bench.businessFunction, event);
    const units = (calls: readonly MeteredCall[]) => ({
      writeUnits: calls.reduce((sum, c) => sum + c.writeUnits, 0),
      readUnits: calls.reduce((sum, c) => sum + c.readUnits, 0),
    });
    return { newMs, duplicateMs, aloneMs, newUnits: units(newCalls), duplicateUnits: units(duplicateCalls) };
  };
  for (let i = 0; i < 5; i++) await once();
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  const [first] = results;
  if (!first) throw new Error('no run');
  return {
    new: { ...first.newUnits, billedMs: median(results.map((r) => r.newMs)) },
    duplicate: { ...first.duplicateUnits, billedMs: median(results.map((r) => r.duplicateMs)) },
    businessAloneMs: median(results.map((r) => r.aloneMs)),
  };
}

/** What DynamoDB Local reports, checked against DynamoDB's documented sizing. */
export interface CapacityCheck {
  readonly label: string;
  /** Units DynamoDB Local reported (undefined: the answer had no ConsumedCapacity). */
  readonly reported: number | undefined;
  /** Units DynamoDB's rules give (item sizes from `itemSizeBytes`). */
  readonly expected: number;
}

/**
 * Writes and reads straight to DynamoDB Local with `ReturnConsumedCapacity: TOTAL` and compares
 * what it reports with what DynamoDB's rules give: a write is 1 unit per started KB of the item, a
 * strongly consistent read 1 per started 4 KB (half when eventually consistent), a failed
 * conditional write the larger of the stored and the new item (at least 1).
 */
export async function checkDynamoDbLocalCapacity(
  endpoint: string,
  tableName: string,
): Promise<CapacityCheck[]> {
  const call = async (operation: string, body: object): Promise<number | undefined> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'X-Amz-Target': `DynamoDB_20120810.${operation}`,
        'Content-Type': 'application/x-amz-json-1.0',
        Authorization:
          'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify({ TableName: tableName, ReturnConsumedCapacity: 'TOTAL', ...body }),
    });
    const document = (await response.json()) as { ConsumedCapacity?: { CapacityUnits?: number } };
    return document.ConsumedCapacity?.CapacityUnits;
  };
  const id = `capacity-check-${process.pid}-${Date.now()}`;
  const small = { id: { S: `${id}-small` }, status: { S: 'COMPLETED' }, note: { S: 'x'.repeat(600) } };
  const large = { id: { S: `${id}-large` }, data: { S: 'r'.repeat(STORED_RESULT_BYTES) } };
  const kb = (item: Record<string, Record<string, unknown>>) =>
    Math.max(1, Math.ceil(itemSizeBytes(item) / 1024));
  const fourKb = (item: Record<string, Record<string, unknown>>) =>
    Math.max(1, Math.ceil(itemSizeBytes(item) / 4096));
  const notThere = 'attribute_not_exists(id)';
  return [
    {
      label: `PutItem, ${itemSizeBytes(small)} B item`,
      reported: await call('PutItem', { Item: small }),
      expected: kb(small),
    },
    {
      label: `PutItem, ${itemSizeBytes(large)} B item`,
      reported: await call('PutItem', { Item: large }),
      expected: kb(large),
    },
    {
      label: `PutItem failing its condition, ${itemSizeBytes(small)} B stored`,
      reported: await call('PutItem', { Item: small, ConditionExpression: notThere }),
      expected: kb(small),
    },
    {
      label: `PutItem failing its condition, ${itemSizeBytes(large)} B stored`,
      reported: await call('PutItem', { Item: { id: large.id }, ConditionExpression: notThere }),
      expected: kb(large),
    },
    {
      label: `GetItem strongly consistent, ${itemSizeBytes(large)} B item`,
      reported: await call('GetItem', { Key: { id: large.id }, ConsistentRead: true }),
      expected: fourKb(large),
    },
    {
      label: `GetItem eventually consistent, ${itemSizeBytes(large)} B item`,
      reported: await call('GetItem', { Key: { id: large.id } }),
      expected: fourKb(large) / 2,
    },
    {
      label: `UpdateItem of a ${itemSizeBytes(large)} B item`,
      reported: await call('UpdateItem', {
        Key: { id: large.id },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'COMPLETED' } },
      }),
      expected: Math.max(
        1,
        Math.ceil((itemSizeBytes(large) + itemSizeBytes({ status: { S: 'COMPLETED' } })) / 1024),
      ),
    },
    {
      label: 'DeleteItem failing its condition, no item stored',
      reported: await call('DeleteItem', {
        Key: { id: { S: `${id}-none` } },
        ConditionExpression: 'attribute_exists(id)',
      }),
      expected: 1,
    },
  ];
}
