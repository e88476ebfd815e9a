import { randomUUID } from 'node:crypto';
import type { ExecutionStatus, HistoryEvent, IntegrationRegistry } from '../engine/types';
import {
  executionArn as buildExecutionArn,
  stateMachineArn as buildStateMachineArn,
  expressExecutionArn,
  type Location,
  requireArn,
  requireValidName,
} from './arns';
import type { CreateStateMachine, EngineExecution, EngineStateMachine } from './engine-port';
import {
  executionAlreadyExists,
  executionDoesNotExist,
  invalidDefinition,
  invalidExecutionInput,
  invalidRoleArn,
  invalidToken,
  serializationError,
  stateMachineAlreadyExists,
  stateMachineDoesNotExist,
  stateMachineTypeNotSupported,
  unknownOperation,
  validationError,
} from './errors';

export type StateMachineType = 'STANDARD' | 'EXPRESS';

export interface StateMachineRecord {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: StateMachineType;
  /** The definition text exactly as submitted (DescribeStateMachine returns it unchanged). */
  readonly definition: string;
  readonly roleArn: string;
  readonly creationDate: Date;
  readonly machine: EngineStateMachine;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly name: string;
  readonly type: StateMachineType;
  /** The execution input as JSON text. */
  readonly input: string;
  readonly startDate: Date;
  readonly execution: EngineExecution;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  stateTransitions?: number;
}

/** What in-process subscribers (CLI, local console, load tests) are told, in order, per execution. */
export type ServiceEvent =
  | { readonly kind: 'executionStarted'; readonly execution: ExecutionRecord }
  | { readonly kind: 'historyEvent'; readonly execution: ExecutionRecord; readonly event: HistoryEvent }
  | { readonly kind: 'executionFinished'; readonly execution: ExecutionRecord };

export interface StepFunctionsApiOptions extends Partial<Location> {
  readonly integrations: IntegrationRegistry;
  readonly createStateMachine: CreateStateMachine;
  /** Passed to every execution: multiplies Wait durations and Retry pauses. @default 1 */
  readonly timeScale?: number;
  /** Finished executions kept in memory (oldest finished are forgotten first). @default 10000 */
  readonly maxRetainedExecutions?: number;
}

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';
export const DEFAULT_MAX_RETAINED_EXECUTIONS = 10_000;
const MAX_INPUT_BYTES = 262_144;
const MAX_ERROR_LENGTH = 256;
const MAX_CAUSE_LENGTH = 32_768;
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

type Json = Record<string, unknown>;

/**
 * The Step Functions API operations on in-memory state machines and executions. Inputs and outputs are
 * the JSON 1.0 request/response members (dates as Date; the HTTP layer turns them into epoch seconds).
 */
export class StepFunctionsApi {
  readonly location: Location;
  readonly maxRetainedExecutions: number;
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  /** Finished executions in the order they finished: the eviction queue. */
  private readonly finished = new Set<string>();
  private readonly listeners = new Set<(event: ServiceEvent) => void>();

  constructor(private readonly options: StepFunctionsApiOptions) {
    this.location = {
      partition: options.partition ?? 'aws',
      region: options.region ?? DEFAULT_REGION,
      accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
    };
    this.maxRetainedExecutions = options.maxRetainedExecutions ?? DEFAULT_MAX_RETAINED_EXECUTIONS;
  }

  /** Runs one operation by its API name (`CreateStateMachine`, ...). */
  call(operation: string, input: Json): Promise<Json> | Json {
    switch (operation) {
      case 'CreateStateMachine':
        return this.createStateMachine(input);
      case 'DescribeStateMachine':
        return this.describeStateMachine(input);
      case 'DescribeStateMachineForExecution':
        return this.describeStateMachineForExecution(input);
      case 'ListStateMachines':
        return this.listStateMachines(input);
      case 'DeleteStateMachine':
        return this.deleteStateMachine(input);
      case 'StartExecution':
        return this.startExecution(input);
      case 'StartSyncExecution':
        return this.startSyncExecution(input);
      case 'DescribeExecution':
        return this.describeExecution(input);
      case 'ListExecutions':
        return this.listExecutions(input);
      case 'GetExecutionHistory':
        return this.getExecutionHistory(input);
      case 'StopExecution':
        return this.stopExecution(input);
      default:
        throw unknownOperation(operation);
    }
  }

  createStateMachine(input: Json): Json {
    const name = requireValidName(requireString(input, 'name'));
    const definition = requireString(input, 'definition');
    const roleArn = requireRoleArn(input);
    const type = (optionalString(input, 'type') ?? 'STANDARD') as StateMachineType;
    if (type !== 'STANDARD' && type !== 'EXPRESS') {
      throw validationError(type, 'type', 'Member must satisfy enum value set: [STANDARD, EXPRESS]');
    }
    const arn = buildStateMachineArn(this.location, name);
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.definition === definition && existing.roleArn === roleArn && existing.type === type) {
        return { stateMachineArn: arn, creationDate: existing.creationDate };
      }
      throw stateMachineAlreadyExists(arn);
    }
    let machine: EngineStateMachine;
    try {
      machine = this.options.createStateMachine(definition, { integrations: this.options.integrations });
    } catch (error) {
      if (error instanceof Error && error.name === 'InvalidDefinition') {
        throw invalidDefinition(error.message);
      }
      throw error;
    }
    const record: StateMachineRecord = {
      stateMachineArn: arn,
      name,
      type,
      definition,
      roleArn,
      creationDate: new Date(),
      machine,
    };
    this.machines.set(arn, record);
    return { stateMachineArn: arn, creationDate: record.creationDate };
  }

  describeStateMachine(input: Json): Json {
    const machine = this.requireMachine(input.stateMachineArn);
    return describeMachine(machine);
  }

  describeStateMachineForExecution(input: Json): Json {
    const execution = this.requireExecution(input.executionArn);
    const machine = this.machines.get(execution.stateMachineArn);
    if (!machine) {
      throw stateMachineDoesNotExist(execution.stateMachineArn);
    }
    const { status: _status, type: _type, creationDate: _creation, ...fields } = describeMachine(machine);
    return { ...fields, updateDate: machine.creationDate };
  }

  listStateMachines(input: Json): Json {
    const all = [...this.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { items, nextToken } = page(all, input, (m) => m.stateMachineArn);
    return {
      stateMachines: items.map((m) => ({
        stateMachineArn: m.stateMachineArn,
        name: m.name,
        type: m.type,
        creationDate: m.creationDate,
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  deleteStateMachine(input: Json): Json {
    const arn = requireArn(input.stateMachineArn, 'stateMachineArn', 'stateMachine');
    // Deleting an unknown machine succeeds, as on AWS; running executions run to their end.
    this.machines.delete(arn);
    return {};
  }

  startExecution(input: Json): Json {
    const machine = this.requireMachine(input.stateMachineArn);
    const { name, text, value } = this.executionRequest(input);
    if (machine.type === 'EXPRESS') {
      const record = this.launch(machine, name, text, value, randomUUID());
      return { executionArn: record.executionArn, startDate: record.startDate };
    }
    const arn = buildExecutionArn(this.location, machine.name, name);
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === text) {
        return { executionArn: existing.executionArn, startDate: existing.startDate };
      }
      throw executionAlreadyExists(arn);
    }
    const record = this.launch(machine, name, text, value);
    return { executionArn: record.executionArn, startDate: record.startDate };
  }

  async startSyncExecution(input: Json): Promise<Json> {
    const machine = this.requireMachine(input.stateMachineArn);
    if (machine.type !== 'EXPRESS') {
      throw stateMachineTypeNotSupported('This operation is not supported by this type of state machine');
    }
    const { name, text, value } = this.executionRequest(input);
    const record = this.launch(machine, name, text, value, randomUUID());
    await record.execution.done;
    const stopDate = record.stopDate ?? new Date();
    const elapsed = stopDate.getTime() - record.startDate.getTime();
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      startDate: record.startDate,
      stopDate,
      status: record.status,
      input: record.input,
      inputDetails: { included: true },
      ...(record.output !== undefined ? { output: record.output } : {}),
      outputDetails: { included: true },
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
      // Express bills per 100 ms at the machine's memory (64 MB is what AWS reports for small payloads).
      billingDetails: {
        billedDurationInMilliseconds: Math.max(100, Math.ceil(elapsed / 100) * 100),
        billedMemoryUsedInMB: 64,
      },
    };
  }

  describeExecution(input: Json): Json {
    const record = this.requireExecution(input.executionArn);
    const done = record.status !== 'RUNNING';
    return {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate,
      ...(done && record.stopDate ? { stopDate: record.stopDate } : {}),
      input: record.input,
      inputDetails: { included: true },
      ...(record.output !== undefined ? { output: record.output, outputDetails: { included: true } } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
      redriveCount: 0,
      ...redriveStatus(record.status),
    };
  }

  listExecutions(input: Json): Json {
    const machine = this.requireMachine(input.stateMachineArn);
    if (machine.type === 'EXPRESS') {
      throw stateMachineTypeNotSupported('This operation is not supported by this type of state machine');
    }
    const filter = input.statusFilter;
    if (
      filter !== undefined &&
      !['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'].includes(String(filter))
    ) {
      throw validationError(
        filter,
        'statusFilter',
        'Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]',
      );
    }
    const matching = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === machine.stateMachineArn && e.type === 'STANDARD')
      .filter((e) => filter === undefined || e.status === filter)
      .reverse();
    const { items, nextToken } = page(matching, input, (e) => e.executionArn);
    return {
      executions: items.map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        ...(e.stopDate && e.status !== 'RUNNING' ? { stopDate: e.stopDate } : {}),
        redriveCount: 0,
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  getExecutionHistory(input: Json): Json {
    const record = this.requireExecution(input.executionArn);
    const includeData = input.includeExecutionData !== false;
    const ordered =
      input.reverseOrder === true ? [...record.execution.events].reverse() : record.execution.events;
    const { items, nextToken } = page(ordered, input, (e) => String(e.id));
    return {
      events: includeData ? items : items.map(withoutExecutionData),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  stopExecution(input: Json): Json {
    const record = this.requireExecution(input.executionArn);
    const error = optionalString(input, 'error');
    const cause = optionalString(input, 'cause');
    if (error !== undefined && error.length > MAX_ERROR_LENGTH) {
      throw validationError(
        '<error>',
        'error',
        `Member must have length less than or equal to ${MAX_ERROR_LENGTH}`,
      );
    }
    if (cause !== undefined && cause.length > MAX_CAUSE_LENGTH) {
      throw validationError(
        '<cause>',
        'cause',
        `Member must have length less than or equal to ${MAX_CAUSE_LENGTH}`,
      );
    }
    if (record.status === 'RUNNING') {
      record.stopDate = new Date();
      record.execution.stop(error, cause);
      record.status = record.execution.status === 'RUNNING' ? 'ABORTED' : record.execution.status;
      if (error !== undefined) record.error = error;
      if (cause !== undefined) record.cause = cause;
    }
    return { stopDate: record.stopDate ?? new Date() };
  }

  /** In-process access for the CLI and the local console. */
  stateMachines(): readonly StateMachineRecord[] {
    return [...this.machines.values()];
  }

  /** Every retained execution (STANDARD and EXPRESS), oldest first. */
  allExecutions(): readonly ExecutionRecord[] {
    return [...this.executions.values()];
  }

  execution(executionArn: string): ExecutionRecord | undefined {
    return this.executions.get(executionArn);
  }

  /** Subscribe to execution starts, history events and ends; returns the unsubscribe function. */
  subscribe(listener: (event: ServiceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every running execution has ended (after StopExecution, for a clean shutdown). */
  async stopAll(): Promise<void> {
    const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING');
    for (const record of running) {
      record.execution.stop('States.Runtime', 'The local Step Functions service was stopped');
    }
    await Promise.all(running.map((e) => e.execution.done));
  }

  private executionRequest(input: Json): { name: string; text: string; value: unknown } {
    const name = requireValidName(optionalString(input, 'name') ?? randomUUID());
    const text = optionalString(input, 'input') ?? '{}';
    if (Buffer.byteLength(text, 'utf8') > MAX_INPUT_BYTES) {
      throw validationError(
        '<input>',
        'input',
        `Member must have length less than or equal to ${MAX_INPUT_BYTES}`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw invalidExecutionInput((error as Error).message);
    }
    return { name, text, value };
  }

  private launch(
    machine: StateMachineRecord,
    name: string,
    input: string,
    value: unknown,
    expressId?: string,
  ): ExecutionRecord {
    const executionArn =
      expressId === undefined
        ? buildExecutionArn(this.location, machine.name, name)
        : expressExecutionArn(this.location, machine.name, name, expressId);
    // Events emitted while the engine starts (ExecutionStarted) are held until the record exists.
    const early: HistoryEvent[] = [];
    let record: ExecutionRecord | undefined;
    const execution = machine.machine.start(value, {
      executionArn,
      name,
      stateMachineArn: machine.stateMachineArn,
      stateMachineName: machine.name,
      roleArn: machine.roleArn,
      timeScale: this.options.timeScale,
      recordHistory: machine.type === 'STANDARD',
      onEvent: (event) => {
        if (record) this.emit({ kind: 'historyEvent', execution: record, event });
        else early.push(event);
      },
    });
    const created: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.stateMachineArn,
      stateMachineName: machine.name,
      name,
      type: machine.type,
      input,
      startDate: execution.startDate,
      execution,
      status: 'RUNNING',
    };
    record = created;
    this.executions.set(executionArn, created);
    this.emit({ kind: 'executionStarted', execution: created });
    for (const event of early) this.emit({ kind: 'historyEvent', execution: created, event });
    void execution.done.then((result) => {
      created.status = result.status;
      created.stopDate ??= result.stopDate;
      if (result.output !== undefined) created.output = result.output;
      if (result.error !== undefined) created.error = result.error;
      if (result.cause !== undefined) created.cause = result.cause;
      created.stateTransitions = result.stateTransitions;
      this.retire(executionArn);
      this.emit({ kind: 'executionFinished', execution: created });
    });
    return created;
  }

  private retire(executionArn: string): void {
    this.finished.add(executionArn);
    while (this.finished.size > this.maxRetainedExecutions) {
      const oldest = this.finished.values().next().value as string;
      this.finished.delete(oldest);
      this.executions.delete(oldest);
    }
  }

  private emit(event: ServiceEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing subscriber must not break an execution or the other subscribers.
      }
    }
  }

  private requireMachine(arn: unknown): StateMachineRecord {
    const checked = requireArn(arn, 'stateMachineArn', 'stateMachine');
    const machine = this.machines.get(checked);
    if (!machine) {
      throw stateMachineDoesNotExist(checked);
    }
    return machine;
  }

  private requireExecution(arn: unknown): ExecutionRecord {
    const checked = requireArn(arn, 'executionArn', 'execution');
    const record = this.executions.get(checked);
    if (!record) {
      throw executionDoesNotExist(checked);
    }
    return record;
  }
}

const describeMachine = (machine: StateMachineRecord): Json => ({
  stateMachineArn: machine.stateMachineArn,
  name: machine.name,
  status: 'ACTIVE',
  definition: machine.definition,
  roleArn: machine.roleArn,
  type: machine.type,
  creationDate: machine.creationDate,
  loggingConfiguration: { level: 'OFF', includeExecutionData: false },
  tracingConfiguration: { enabled: false },
});

const redriveStatus = (status: ExecutionStatus): Json => {
  if (status === 'RUNNING' || status === 'SUCCEEDED') {
    return {
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: `Execution is ${status} and cannot be redriven`,
    };
  }
  return { redriveStatus: 'REDRIVABLE' };
};

const DATA_FIELDS = new Set(['input', 'output', 'parameters']);

const withoutExecutionData = (event: HistoryEvent): HistoryEvent => {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') {
      copy[key] = Object.fromEntries(Object.entries(value).filter(([field]) => !DATA_FIELDS.has(field)));
    } else {
      copy[key] = value;
    }
  }
  return copy as unknown as HistoryEvent;
};

/**
 * One page of `items` for `maxResults`/`nextToken`. The token names the position and the key of the
 * item before it, so a token from another listing (or a stale one) is rejected as InvalidToken.
 */
const page = <T>(
  items: readonly T[],
  input: Json,
  keyOf: (item: T) => string,
): { items: readonly T[]; nextToken?: string } => {
  const raw = input.maxResults ?? 0;
  if (typeof raw !== 'number') throw serializationError(raw, 'Integer');
  // The JSON protocol reads a fraction into an Integer member by dropping it.
  const maxResults = Math.trunc(raw);
  if (maxResults < 0) {
    throw validationError(maxResults, 'maxResults', 'Member must have value greater than or equal to 0');
  }
  if (maxResults > MAX_PAGE_SIZE) {
    throw validationError(
      maxResults,
      'maxResults',
      `Member must have value less than or equal to ${MAX_PAGE_SIZE}`,
    );
  }
  const size = maxResults === 0 ? DEFAULT_PAGE_SIZE : maxResults;
  let start = 0;
  if (input.nextToken !== undefined && input.nextToken !== null) {
    if (typeof input.nextToken !== 'string') throw serializationError(input.nextToken, 'String');
    start = decodeToken(input.nextToken, items, keyOf);
  }
  const slice = items.slice(start, start + size);
  const end = start + slice.length;
  if (end >= items.length) {
    return { items: slice };
  }
  const last = items[end - 1] as T;
  return { items: slice, nextToken: Buffer.from(JSON.stringify([end, keyOf(last)])).toString('base64url') };
};

const decodeToken = <T>(token: string, items: readonly T[], keyOf: (item: T) => string): number => {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken(token);
  }
  if (!Array.isArray(decoded) || typeof decoded[0] !== 'number' || typeof decoded[1] !== 'string') {
    throw invalidToken(token);
  }
  const [position, key] = decoded as [number, string];
  // Items may have been added or forgotten since: find the last returned item again by key.
  const expected = items[position - 1];
  if (expected !== undefined && keyOf(expected) === key) {
    return position;
  }
  const found = items.findIndex((item) => keyOf(item) === key);
  if (found < 0) {
    throw invalidToken(token);
  }
  return found + 1;
};

const requireString = (input: Json, member: string): string => {
  const value = input[member];
  if (value === undefined || value === null) {
    throw validationError(value, member, 'Member must not be null');
  }
  if (typeof value !== 'string') throw serializationError(value, 'String');
  return value;
};

const optionalString = (input: Json, member: string): string | undefined => {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serializationError(value, 'String');
  return value;
};

// arn:<partition>:iam::<account>:role/<optional path/><name>, with IAM's characters for paths and names.
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

const requireRoleArn = (input: Json): string => {
  const roleArn = requireString(input, 'roleArn');
  if (!ROLE_ARN.test(roleArn)) throw invalidRoleArn(roleArn);
  return roleArn;
};
