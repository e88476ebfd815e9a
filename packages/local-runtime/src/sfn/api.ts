import { randomUUID } from 'node:crypto';
import type { RedriveStart } from '../engine/execution';
import { TaskTokens } from '../engine/task-tokens';
import type { HistoryEvent, IntegrationRegistry } from '../engine/types';
import {
  executionArn as buildExecutionArn,
  stateMachineArn as buildStateMachineArn,
  expressExecutionArn,
  type Location,
  requireArn,
  requireValidName,
} from './arns';
import type { CreateStateMachine } from './engine-port';
import {
  executionAlreadyExists,
  executionDoesNotExist,
  invalidExecutionInput,
  stateMachineAlreadyExists,
  stateMachineDoesNotExist,
  stateMachineTypeNotSupported,
  unknownOperation,
} from './errors';
import { type Json, optionalString, requireRoleArn, requireString } from './members';
import { page } from './paging';
import { Redrives } from './redrive';
import { checkRequest } from './request-model';
import {
  type ExecutionRecord,
  ExecutionStore,
  type RetentionState,
  type ServiceEvent,
  type StateMachineRecord,
  type StateMachineType,
} from './store';
import { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from './task-tokens';
import { testStateOperation } from './test-state';
import { checkDefinition, validateStateMachineDefinition } from './validate';

export type {
  ExecutionRecord,
  RetentionState,
  ServiceEvent,
  StateMachineRecord,
  StateMachineType,
} from './store';

export interface StepFunctionsApiOptions extends Partial<Location> {
  readonly integrations: IntegrationRegistry;
  readonly createStateMachine: CreateStateMachine;
  /** Passed to every execution: multiplies Wait durations and Retry pauses. @default 1 */
  readonly timeScale?: number;
  /**
   * Finished executions kept with their history, at most (the oldest finished are forgotten first).
   * @default no bound but retentionMegabytes
   */
  readonly maxRetainedExecutions?: number;
  /**
   * Heap the finished executions may take, in MB (the store's estimate), before the oldest are
   * forgotten; their names stay reserved. @default SFN_LOCAL_RETENTION_MB, else DEFAULT_RETENTION_MEGABYTES
   */
  readonly retentionMegabytes?: number;
  /** Where the service says that it forgets executions. @default console.warn */
  readonly log?: (line: string) => void;
}

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';
/** About 220,000 finished executions shaped like the blueprint's (bench/retention.ts; docs/local-runtime.md, "Retention of executions"). */
export const DEFAULT_RETENTION_MEGABYTES = 256;
/**
 * Deepest execution input accepted. AWS documents no bound; the engine's JSON handling recurses and
 * Node's stack holds about 4,000 levels, so deeper input is refused before it can fail an execution
 * halfway (see src/sfn/README.md, "Request checks").
 */
export const MAX_INPUT_DEPTH = 1000;

/**
 * The Step Functions API operations: each validates its request, reads or changes the execution store
 * and shapes the response. Inputs and outputs are the JSON 1.0 request/response members (dates as Date;
 * the HTTP layer turns them into epoch seconds).
 */
export class StepFunctionsApi {
  readonly location: Location;
  private readonly store: ExecutionStore;
  private readonly redrives = new Redrives();
  /** The tokens of this service's waiting `.waitForTaskToken` tasks. */
  readonly taskTokens = new TaskTokens();

  constructor(private readonly options: StepFunctionsApiOptions) {
    this.location = {
      partition: options.partition ?? 'aws',
      region: options.region ?? DEFAULT_REGION,
      accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
    };
    const megabytes = options.retentionMegabytes ?? retentionMegabytesFromEnvironment();
    this.store = new ExecutionStore({
      maxExecutions: options.maxRetainedExecutions ?? Number.POSITIVE_INFINITY,
      maxBytes: megabytes * 1024 * 1024,
      log: options.log ?? ((line) => console.warn(line)),
    });
  }

  /**
   * Runs one operation by its API name (`CreateStateMachine`, ...). The request is checked against the API
   * model first (request-model.ts), as AWS does before name rules and lookups.
   */
  call(operation: string, input: Json): Promise<Json> | Json {
    checkRequest(operation, input);
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
      case 'RedriveExecution':
        return this.redriveExecution(input);
      case 'SendTaskSuccess':
        return sendTaskSuccess(this.taskTokens, input);
      case 'SendTaskFailure':
        return sendTaskFailure(this.taskTokens, input);
      case 'SendTaskHeartbeat':
        return sendTaskHeartbeat(this.taskTokens, input);
      case 'ValidateStateMachineDefinition':
        return validateStateMachineDefinition(
          input,
          this.options.createStateMachine,
          this.options.integrations,
        );
      case 'TestState':
        return testStateOperation(input, {
          integrations: this.options.integrations,
          location: this.location,
        });
      default:
        throw unknownOperation(operation);
    }
  }

  createStateMachine(input: Json): Json {
    const name = requireValidName(requireString(input, 'name'));
    const definition = requireString(input, 'definition');
    const roleArn = requireRoleArn(input);
    const type = (optionalString(input, 'type') ?? 'STANDARD') as StateMachineType;
    const arn = buildStateMachineArn(this.location, name);
    const existing = this.store.machine(arn);
    if (existing) {
      if (existing.definition === definition && existing.roleArn === roleArn && existing.type === type) {
        return { stateMachineArn: arn, creationDate: existing.creationDate };
      }
      throw stateMachineAlreadyExists(arn);
    }
    const check = checkDefinition(
      this.options.createStateMachine,
      definition,
      this.options.integrations,
      type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
    );
    if ('error' in check) throw check.error;
    const { machine } = check;
    const record: StateMachineRecord = {
      stateMachineArn: arn,
      name,
      type,
      definition,
      roleArn,
      creationDate: new Date(),
      machine,
    };
    this.store.addMachine(record);
    return { stateMachineArn: arn, creationDate: record.creationDate };
  }

  describeStateMachine(input: Json): Json {
    const machine = this.requireMachine(input.stateMachineArn);
    return describeMachine(machine);
  }

  describeStateMachineForExecution(input: Json): Json {
    const execution = this.requireExecution(input.executionArn);
    const machine = this.store.machine(execution.stateMachineArn);
    if (!machine) {
      throw stateMachineDoesNotExist(execution.stateMachineArn);
    }
    const { status: _status, type: _type, creationDate: _creation, ...fields } = describeMachine(machine);
    return { ...fields, updateDate: machine.creationDate };
  }

  listStateMachines(input: Json): Json {
    const { items, nextToken } = page(this.store.machinesByName(), input, (m) => m.stateMachineArn);
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
    this.store.deleteMachine(arn);
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
    const existing = this.store.execution(arn);
    if (existing?.status === 'RUNNING' && existing.input === text) {
      return { executionArn: existing.executionArn, startDate: existing.startDate };
    }
    // A name stays taken after its execution ended, and after the store forgot it (AWS: 90 days).
    if (this.store.nameTaken(arn)) throw executionAlreadyExists(arn);
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
      ...this.redrives.describe(record, this.store.machine(record.stateMachineArn)),
    };
  }

  listExecutions(input: Json): Json {
    const machine = this.requireMachine(input.stateMachineArn);
    if (machine.type === 'EXPRESS') {
      throw stateMachineTypeNotSupported('This operation is not supported by this type of state machine');
    }
    const filter = input.statusFilter ?? undefined;
    const matching = this.store
      .standardExecutionsOf(machine.stateMachineArn)
      .filter((e) => filter === undefined || e.status === filter)
      .filter((e) => this.redrives.matches(e, input.redriveFilter));
    const { items, nextToken } = page(matching, input, (e) => e.executionArn, machine.stateMachineArn);
    return {
      executions: items.map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        ...(e.stopDate && e.status !== 'RUNNING' ? { stopDate: e.stopDate } : {}),
        ...this.redrives.summary(e),
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  getExecutionHistory(input: Json): Json {
    const record = this.requireExecution(input.executionArn);
    const includeData = input.includeExecutionData !== false;
    const ordered =
      input.reverseOrder === true ? [...record.execution.events].reverse() : record.execution.events;
    // A token belongs to the history it came from: another execution's is InvalidToken.
    const { items, nextToken } = page(ordered, input, (e) => String(e.id), record.executionArn);
    return {
      events: includeData ? items : items.map(withoutExecutionData),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  /** Restarts a FAILED, TIMED_OUT or ABORTED STANDARD execution at the state it ended in (redrive.ts has the rules). */
  redriveExecution(input: Json): Json {
    return this.redrives.redrive(input, {
      execution: (arn) => this.requireExecution(arn),
      machine: (arn) => this.store.machine(arn),
      relaunch: (record, machine, start) => {
        this.store.reopen(record.executionArn);
        this.launch(machine, record.name, record.input, JSON.parse(record.input), undefined, {
          start,
          startDate: record.startDate,
        });
      },
    });
  }

  stopExecution(input: Json): Json {
    const record = this.requireExecution(input.executionArn);
    const error = optionalString(input, 'error');
    const cause = optionalString(input, 'cause');
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
    return this.store.allMachines();
  }

  /** Every retained execution (STANDARD and EXPRESS), oldest first. */
  allExecutions(): readonly ExecutionRecord[] {
    return this.store.allExecutions();
  }

  execution(executionArn: string): ExecutionRecord | undefined {
    return this.store.execution(executionArn);
  }

  /** What the service holds of finished executions: counts and the estimated heap bytes. */
  retention(): RetentionState {
    return this.store.retentionState();
  }

  /** Subscribe to execution starts, history events and ends; returns the unsubscribe function. */
  subscribe(listener: (event: ServiceEvent) => void): () => void {
    return this.store.subscribe(listener);
  }

  /** Resolves when every running execution has ended (after StopExecution, for a clean shutdown). */
  async stopAll(): Promise<void> {
    const running = this.store.running();
    for (const record of running) {
      record.execution.stop('States.Runtime', 'The local Step Functions service was stopped');
    }
    await Promise.all(running.map((e) => e.execution.done));
  }

  private executionRequest(input: Json): { name: string; text: string; value: unknown } {
    const name = requireValidName(optionalString(input, 'name') ?? randomUUID());
    const text = optionalString(input, 'input') ?? '{}';
    const depth = nestingDepth(text);
    if (depth > MAX_INPUT_DEPTH) {
      throw invalidExecutionInput(
        `Document nesting depth (${depth}) exceeds the maximum allowed (${MAX_INPUT_DEPTH}) of the local service`,
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
    redrive?: { readonly start: RedriveStart; readonly startDate: Date },
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
      taskTokens: this.taskTokens,
      ...(redrive ? { redrive: redrive.start, startTime: redrive.startDate } : {}),
      onEvent: (event) => {
        if (record) this.store.historyEvent(record, event);
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
    this.store.addExecution(created, early);
    void execution.done.then((result) => {
      this.redrives.finished(executionArn, result);
      this.store.finishExecution(created, result);
    });
    return created;
  }

  private requireMachine(arn: unknown): StateMachineRecord {
    const checked = requireArn(arn, 'stateMachineArn', 'stateMachine');
    const machine = this.store.machine(checked);
    if (!machine) {
      throw stateMachineDoesNotExist(checked);
    }
    return machine;
  }

  private requireExecution(arn: unknown): ExecutionRecord {
    const checked = requireArn(arn, 'executionArn', 'execution');
    const record = this.store.execution(checked);
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

/** SFN_LOCAL_RETENTION_MB (set by the CLI's --retention-mb), else the default. */
const retentionMegabytesFromEnvironment = (): number => {
  const raw = process.env.SFN_LOCAL_RETENTION_MB;
  if (raw === undefined || raw === '') return DEFAULT_RETENTION_MEGABYTES;
  const megabytes = Number(raw);
  if (!Number.isFinite(megabytes) || megabytes <= 0) {
    throw new Error(
      `SFN_LOCAL_RETENTION_MB must be a positive number of megabytes, got ${JSON.stringify(raw)}`,
    );
  }
  return megabytes;
};

/**
 * The deepest nesting of arrays and objects in JSON text, counted without recursion (so without
 * parsing: text that is not JSON is reported by JSON.parse afterwards).
 */
const nestingDepth = (text: string): number => {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c)
        i++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return deepest;
};
