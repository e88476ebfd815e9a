/**
 * What the console knows, read only through the Step Functions and DynamoDB APIs with the AWS SDK
 * (the calls any client makes), so it works against any compatible endpoint. It caches what cannot
 * change: the summary of a finished execution (outcome, record key) is read from its history once.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  type ExecutionListItem,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  type ListExecutionsCommandInput,
  ListStateMachinesCommand,
  type SFNClient,
  StartExecutionCommand,
  type StateMachineListItem,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { analyzeHistory, outcomeOf, recordOf } from './analysis';
import type {
  Classification,
  ExecutionDetail,
  ExecutionPage,
  ExecutionRow,
  RecordDetail,
  RecordPage,
  RecordRow,
  RecordToucher,
  StateMachineSummary,
} from './api-types';
import { type ConsoleProfile, EXECUTION_STATUSES, keyAttributeOf, valueAtPath } from './profile';

/** A request the console cannot answer: the HTTP status and a message for a person. */
export class ConsoleRequestError extends Error {
  constructor(
    readonly status: number,
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

const notFound = (message: string) => new ConsoleRequestError(404, 'NotFound', message);
const badRequest = (message: string) => new ConsoleRequestError(400, 'BadRequest', message);

export interface ConsoleReaderOptions {
  readonly sfn: SFNClient;
  /** Needed for the records pages. */
  readonly dynamodb?: DynamoDBClient;
  readonly profile?: ConsoleProfile;
  /** Rows per page. @default 50 */
  readonly pageSize?: number;
  /** History reads in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Finished executions whose summary is kept. @default 200000 */
  readonly maxSummaries?: number;
}

interface Summary {
  readonly status: string;
  readonly outcome?: string;
  readonly error?: string;
  readonly recordKey?: string;
  readonly tableName?: string;
}

interface MachineIndex {
  readonly items: readonly ExecutionListItem[];
  readonly at: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const iso = (date: Date | undefined): string | undefined => date?.toISOString();

/** Runs at most `limit` tasks at once; urgent tasks (a page a person waits for) go first. */
class Limiter {
  private running = 0;
  private readonly urgent: (() => void)[] = [];
  private readonly background: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  run<T>(task: () => Promise<T>, urgent: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            const next = this.urgent.shift() ?? this.background.shift();
            next?.();
          });
      };
      if (this.running < this.limit) start();
      else (urgent ? this.urgent : this.background).push(start);
    });
  }
}

/** The token of an outcome-filtered page: the ARN of the last row shown. */
const encodeToken = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function decodeToken<T>(token: string): T {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    throw badRequest('the page token is not one this console gave out; start from the first page');
  }
}

/** DynamoDB's attribute values as plain JSON. */
export function unmarshall(value: AttributeValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) {
    return Object.fromEntries(Object.entries(value.M).map(([key, v]) => [key, unmarshall(v)]));
  }
  if (value.L !== undefined) return value.L.map((v) => unmarshall(v));
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b).toString('base64'));
  return undefined;
}

/** An epoch time in milliseconds: values above 1e11 are taken as milliseconds, others as seconds. */
const epochMs = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) return undefined;
  return n > 1e11 ? n : n * 1000;
};

/** Whether a definition has a state of this name at any depth (Parallel branches, Map processors). */
function hasState(definition: unknown, name: string): Record<string, unknown> | undefined {
  if (typeof definition !== 'object' || definition === null) return undefined;
  const states = (definition as { States?: Record<string, Record<string, unknown>> }).States;
  if (!states || typeof states !== 'object') return undefined;
  if (states[name]) return states[name];
  for (const state of Object.values(states)) {
    const nested = [
      ...(Array.isArray(state.Branches) ? state.Branches : []),
      state.Iterator,
      state.ItemProcessor,
    ];
    for (const branch of nested) {
      const found = hasState(branch, name);
      if (found) return found;
    }
  }
  return undefined;
}

export class ConsoleReader {
  readonly profile: ConsoleProfile;
  readonly pageSize: number;
  private readonly sfn: SFNClient;
  private readonly dynamodb?: DynamoDBClient;
  private readonly limiter: Limiter;
  private readonly maxSummaries: number;
  private readonly summaries = new Map<string, Summary>();
  private machinesCache?: { at: number; value: Promise<StateMachineListItem[]> };
  private readonly definitions = new Map<string, { at: number; value: Promise<string> }>();
  private readonly indexes = new Map<string, { at: number; value: Promise<MachineIndex> }>();
  private readonly classifying = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(options: ConsoleReaderOptions) {
    this.sfn = options.sfn;
    this.dynamodb = options.dynamodb;
    this.profile = options.profile ?? {};
    this.pageSize = options.pageSize ?? 50;
    this.limiter = new Limiter(options.concurrency ?? 4);
    this.maxSummaries = options.maxSummaries ?? 200_000;
  }

  /** Stops background work (a started history read still finishes). */
  close(): void {
    this.stopped = true;
  }

  private get needsHistory(): boolean {
    return (this.profile.outcomes?.length ?? 0) > 0 || this.profile.records !== undefined;
  }

  // --- state machines --------------------------------------------------------------------------

  private listMachines(): Promise<StateMachineListItem[]> {
    const now = Date.now();
    if (this.machinesCache && now - this.machinesCache.at < 2000) return this.machinesCache.value;
    const value = (async () => {
      const machines: StateMachineListItem[] = [];
      let nextToken: string | undefined;
      do {
        const page = await this.sfn.send(new ListStateMachinesCommand({ maxResults: 1000, nextToken }));
        machines.push(...(page.stateMachines ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return machines.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    })();
    value.catch(() => {
      if (this.machinesCache?.value === value) this.machinesCache = undefined;
    });
    this.machinesCache = { at: now, value };
    return value;
  }

  private async machineByName(name: string): Promise<StateMachineListItem> {
    let found = (await this.listMachines()).find((machine) => machine.name === name);
    if (!found) {
      this.machinesCache = undefined;
      found = (await this.listMachines()).find((machine) => machine.name === name);
    }
    if (!found?.stateMachineArn) throw notFound(`There is no state machine named ${JSON.stringify(name)}.`);
    return found;
  }

  private definitionOf(arn: string): Promise<string> {
    const now = Date.now();
    const cached = this.definitions.get(arn);
    if (cached && now - cached.at < 5000) return cached.value;
    const value = this.sfn
      .send(new DescribeStateMachineCommand({ stateMachineArn: arn }))
      .then((described) => described.definition ?? '{}');
    value.catch(() => this.definitions.delete(arn));
    this.definitions.set(arn, { at: now, value });
    return value;
  }

  private async hasRecords(arn: string): Promise<boolean> {
    const records = this.profile.records;
    if (!records || !this.dynamodb) return false;
    try {
      return hasState(JSON.parse(await this.definitionOf(arn)), records.state) !== undefined;
    } catch {
      return false;
    }
  }

  /** Every state machine, with its counts by status and outcome (STANDARD). */
  async stateMachines(): Promise<StateMachineSummary[]> {
    const machines = await this.listMachines();
    return Promise.all(machines.map((machine) => this.summaryOfMachine(machine)));
  }

  /** One state machine's summary. */
  async stateMachine(name: string): Promise<StateMachineSummary> {
    return this.summaryOfMachine(await this.machineByName(name));
  }

  private async summaryOfMachine(machine: StateMachineListItem): Promise<StateMachineSummary> {
    const arn = machine.stateMachineArn ?? '';
    const base = {
      name: machine.name ?? '',
      arn,
      type: machine.type ?? 'STANDARD',
      ...(machine.creationDate ? { creationDate: iso(machine.creationDate) } : {}),
      hasRecords: await this.hasRecords(arn),
    };
    if (machine.type === 'EXPRESS') return base;
    const index = await this.index(arn);
    const counts: Record<string, number> = {};
    for (const item of index.items) counts[item.status ?? ''] = (counts[item.status ?? ''] ?? 0) + 1;
    if (!this.profile.outcomes?.length) return { ...base, counts, total: index.items.length };
    // A short wait lets a handful of new executions show their outcomes on the first answer.
    await Promise.race([this.classifyInBackground(arn, index), sleep(150)]);
    const outcomes: Record<string, number> = {};
    for (const item of index.items) {
      const outcome = this.summaries.get(item.executionArn ?? '')?.outcome;
      if (outcome !== undefined) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    return {
      ...base,
      counts,
      total: index.items.length,
      outcomes,
      classification: this.progress(index),
    };
  }

  // --- the execution index and summaries --------------------------------------------------------

  /** Every execution of a machine, newest first (refreshed when older than `maxAgeMs`). */
  private index(arn: string, maxAgeMs = 1000): Promise<MachineIndex> {
    const now = Date.now();
    const cached = this.indexes.get(arn);
    if (cached && now - cached.at < maxAgeMs) return cached.value;
    const value = (async () => {
      const items: ExecutionListItem[] = [];
      let nextToken: string | undefined;
      do {
        const page = await this.sfn.send(
          new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1000, nextToken }),
        );
        items.push(...(page.executions ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return { items, at: Date.now() };
    })();
    value.catch(() => {
      if (this.indexes.get(arn)?.value === value) this.indexes.delete(arn);
    });
    this.indexes.set(arn, { at: now, value });
    // A refresh that is still running answers the next callers too.
    return value;
  }

  private progress(index: MachineIndex): Classification {
    let finished = 0;
    let classified = 0;
    for (const item of index.items) {
      if (item.status === 'RUNNING') continue;
      finished++;
      if (this.summaries.has(item.executionArn ?? '')) classified++;
    }
    return { classified, finished };
  }

  /** Reads the histories of the index's finished executions not read yet, a few at a time. */
  private classifyInBackground(arn: string, index: MachineIndex): Promise<void> {
    const running = this.classifying.get(arn);
    if (running || !this.needsHistory) return running ?? Promise.resolve();
    const pending = index.items.filter(
      (item) => item.status !== 'RUNNING' && !this.summaries.has(item.executionArn ?? ''),
    );
    if (pending.length === 0) return Promise.resolve();
    const work = Promise.all(
      pending.map((item) => (this.stopped ? undefined : this.summarize(item, false).catch(() => undefined))),
    ).then(() => {
      this.classifying.delete(arn);
    });
    this.classifying.set(arn, work);
    return work;
  }

  /** The summary of one execution: cached once finished; read from its history. */
  private async summarize(item: ExecutionListItem, urgent: boolean): Promise<Summary | undefined> {
    const arn = item.executionArn ?? '';
    const cached = this.summaries.get(arn);
    if (cached) return cached;
    if (!this.needsHistory) return undefined;
    return this.limiter.run(async () => {
      const again = this.summaries.get(arn);
      if (again) return again;
      if (this.stopped) return undefined;
      const events = await this.history(arn, this.profile.records !== undefined);
      const analysis = analyzeHistory(events, item.status);
      const record = this.profile.records ? recordOf(analysis, this.profile.records) : undefined;
      const outcome = outcomeOf(analysis, this.profile.outcomes ?? []);
      const summary: Summary = {
        status: analysis.status,
        ...(outcome !== undefined ? { outcome } : {}),
        ...(analysis.error !== undefined ? { error: analysis.error } : {}),
        ...(record ? { recordKey: record.key } : {}),
        ...(record?.tableName ? { tableName: record.tableName } : {}),
      };
      if (analysis.status !== 'RUNNING') this.remember(arn, summary);
      return summary;
    }, urgent);
  }

  private remember(arn: string, summary: Summary): void {
    this.summaries.set(arn, summary);
    if (this.summaries.size > this.maxSummaries) {
      const oldest = this.summaries.keys().next().value;
      if (oldest !== undefined) this.summaries.delete(oldest);
    }
  }

  private async history(executionArn: string, includeExecutionData = true): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(
        new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  private row(item: ExecutionListItem, summary?: Summary): ExecutionRow {
    return {
      name: item.name ?? '',
      arn: item.executionArn ?? '',
      status: summary?.status ?? item.status ?? '',
      ...(item.startDate ? { startDate: iso(item.startDate) } : {}),
      ...(item.stopDate ? { stopDate: iso(item.stopDate) } : {}),
      ...(summary?.outcome !== undefined ? { outcome: summary.outcome } : {}),
      ...(summary?.error !== undefined ? { error: summary.error } : {}),
      ...(summary?.recordKey !== undefined ? { recordKey: summary.recordKey } : {}),
    };
  }

  // --- executions ------------------------------------------------------------------------------

  /**
   * One page of a machine's executions, newest first. Without an outcome filter this is one
   * ListExecutions page (nextToken paging); with one, the finished executions whose histories were
   * read so far, filtered (the answer says how many are read).
   */
  async executions(
    machineName: string,
    query: { status?: string; outcome?: string; token?: string; pageSize?: number },
  ): Promise<ExecutionPage> {
    const machine = await this.stateMachine(machineName);
    const pageSize = Math.min(Math.max(query.pageSize ?? this.pageSize, 1), 1000);
    if (query.status && !(EXECUTION_STATUSES as readonly string[]).includes(query.status)) {
      throw badRequest(`status must be one of ${EXECUTION_STATUSES.join(', ')}`);
    }
    if (machine.type === 'EXPRESS') return { machine, executions: [] };
    if (query.outcome) {
      const known = [...(this.profile.outcomes ?? []).map((rule) => rule.id), 'none'];
      if (!known.includes(query.outcome)) throw badRequest(`outcome must be one of ${known.join(', ')}`);
      const index = await this.index(machine.arn);
      this.classifyInBackground(machine.arn, index);
      const matching = index.items.filter(
        (item) =>
          (!query.status || item.status === query.status) &&
          this.summaries.get(item.executionArn ?? '')?.outcome === query.outcome,
      );
      let start = 0;
      if (query.token) {
        const after = decodeToken<{ after: string; startDate?: string }>(query.token);
        const at = matching.findIndex((item) => item.executionArn === after.after);
        start =
          at >= 0
            ? at + 1
            : matching.findIndex((item) => (iso(item.startDate) ?? '') < (after.startDate ?? ''));
        if (start < 0) start = matching.length;
      }
      const slice = matching.slice(start, start + pageSize);
      const last = slice[slice.length - 1];
      const progress = this.progress(index);
      return {
        machine,
        executions: slice.map((item) => this.row(item, this.summaries.get(item.executionArn ?? ''))),
        ...(start + pageSize < matching.length && last
          ? { nextToken: encodeToken({ after: last.executionArn, startDate: iso(last.startDate) }) }
          : {}),
        ...(progress.classified < progress.finished ? { classification: progress } : {}),
      };
    }
    const input: ListExecutionsCommandInput = {
      stateMachineArn: machine.arn,
      maxResults: pageSize,
      ...(query.status ? { statusFilter: query.status as ListExecutionsCommandInput['statusFilter'] } : {}),
      ...(query.token ? { nextToken: query.token } : {}),
    };
    const page = await this.sfn.send(new ListExecutionsCommand(input));
    const items = page.executions ?? [];
    const summaries = await Promise.all(
      items.map((item) =>
        item.status === 'RUNNING' ? undefined : this.summarize(item, true).catch(() => undefined),
      ),
    );
    return {
      machine,
      executions: items.map((item, i) => this.row(item, summaries[i])),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  }

  private async executionArnOf(
    machineName: string,
    executionName: string,
  ): Promise<{ arn: string; machine: StateMachineListItem }> {
    const machine = await this.machineByName(machineName);
    const machineArn = machine.stateMachineArn ?? '';
    return { arn: `${machineArn.replace(':stateMachine:', ':execution:')}:${executionName}`, machine };
  }

  /** One execution: description, the definition it ran with, its history and the analysis. */
  async execution(machineName: string, executionName: string): Promise<ExecutionDetail> {
    const { arn, machine } = await this.executionArnOf(machineName, executionName);
    const [described, forExecution] = await Promise.all([
      this.sfn.send(new DescribeExecutionCommand({ executionArn: arn })),
      this.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: arn })),
    ]);
    const events = await this.history(arn);
    const analysis = analyzeHistory(events, described.status);
    const outcome = outcomeOf(analysis, this.profile.outcomes ?? []);
    const record = this.profile.records ? recordOf(analysis, this.profile.records) : undefined;
    if (analysis.status !== 'RUNNING' && described.status !== 'RUNNING' && !this.summaries.has(arn)) {
      this.remember(arn, {
        status: analysis.status,
        ...(outcome !== undefined ? { outcome } : {}),
        ...(analysis.error !== undefined ? { error: analysis.error } : {}),
        ...(record ? { recordKey: record.key } : {}),
        ...(record?.tableName ? { tableName: record.tableName } : {}),
      });
    }
    return {
      machine: { name: machine.name ?? '', arn: machine.stateMachineArn ?? '', type: machine.type ?? '' },
      execution: {
        name: described.name ?? executionName,
        arn,
        status: described.status ?? analysis.status,
        ...(described.startDate ? { startDate: iso(described.startDate) } : {}),
        ...(described.stopDate ? { stopDate: iso(described.stopDate) } : {}),
        ...(described.input !== undefined ? { input: described.input } : {}),
        ...(described.output !== undefined ? { output: described.output } : {}),
        ...(described.error !== undefined ? { error: described.error } : {}),
        ...(described.cause !== undefined ? { cause: described.cause } : {}),
      },
      ...(outcome !== undefined ? { outcome } : {}),
      definition: forExecution.definition ?? '{}',
      events: events as unknown as Record<string, unknown>[],
      analysis,
      ...(record ? { record } : {}),
    };
  }

  /** StartExecution; the input must be JSON (checked here too, before the API says so). */
  async start(machineName: string, request: { name?: string; input?: string }): Promise<ExecutionRow> {
    const machine = await this.machineByName(machineName);
    const input = request.input ?? '{}';
    try {
      JSON.parse(input);
    } catch (error) {
      throw badRequest(`The input is not JSON: ${(error as Error).message}`);
    }
    const started = await this.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machine.stateMachineArn,
        input,
        ...(request.name ? { name: request.name } : {}),
      }),
    );
    this.indexes.delete(machine.stateMachineArn ?? '');
    const arn = started.executionArn ?? '';
    return {
      name: arn.slice(arn.lastIndexOf(':') + 1),
      arn,
      status: 'RUNNING',
      ...(started.startDate ? { startDate: iso(started.startDate) } : {}),
    };
  }

  /** StopExecution, with the optional error and cause. */
  async stop(
    machineName: string,
    executionName: string,
    request: { error?: string; cause?: string },
  ): Promise<void> {
    const { arn, machine } = await this.executionArnOf(machineName, executionName);
    await this.sfn.send(
      new StopExecutionCommand({
        executionArn: arn,
        ...(request.error ? { error: request.error } : {}),
        ...(request.cause ? { cause: request.cause } : {}),
      }),
    );
    this.indexes.delete(machine.stateMachineArn ?? '');
  }

  // --- records ---------------------------------------------------------------------------------

  private recordsProfile() {
    const records = this.profile.records;
    if (!records) throw notFound('The console profile names no records, so there is no records page.');
    if (!this.dynamodb) throw notFound('The console has no DynamoDB endpoint, so it cannot read records.');
    return { records, dynamodb: this.dynamodb, keyAttribute: keyAttributeOf(records) ?? 'id' };
  }

  /** The records table of a machine: from its definition when literal, else from an execution's parameters. */
  private async tableOf(machine: StateMachineSummary): Promise<string> {
    const { records } = this.recordsProfile();
    if (!machine.hasRecords) {
      throw notFound(`State machine ${machine.name} has no state ${records.state}, so it keeps no records.`);
    }
    const state = hasState(JSON.parse(await this.definitionOf(machine.arn)), records.state);
    const parameters = state?.Arguments ?? state?.Parameters;
    const literal = valueAtPath(parameters, records.tableNameParameter ?? 'TableName');
    if (typeof literal === 'string' && !literal.includes('{%')) return literal;
    const index = await this.index(machine.arn);
    for (const item of index.items) {
      const tableName = this.summaries.get(item.executionArn ?? '')?.tableName;
      if (tableName) return tableName;
    }
    for (const item of index.items.slice(0, 20)) {
      const tableName = (await this.summarize(item, true).catch(() => undefined))?.tableName;
      if (tableName) return tableName;
    }
    throw notFound(
      `The table of ${records.state} is an expression and no execution has run it yet; start one first.`,
    );
  }

  private recordRow(item: Record<string, AttributeValue>): RecordRow {
    const { records, keyAttribute } = this.recordsProfile();
    const attributes = Object.fromEntries(
      Object.entries(item).map(([key, value]) => [key, unmarshall(value)]),
    );
    const pick = (name: string | undefined) => (name ? attributes[name] : undefined);
    const status = pick(records.statusAttribute);
    const owner = pick(records.ownerAttribute);
    const expiration = epochMs(pick(records.expirationAttribute));
    const lease = epochMs(pick(records.leaseAttribute));
    return {
      key: String(attributes[keyAttribute] ?? ''),
      ...(status !== undefined ? { status: String(status) } : {}),
      ...(expiration !== undefined ? { expiration } : {}),
      ...(lease !== undefined ? { lease } : {}),
      ...(owner !== undefined ? { owner: String(owner) } : {}),
      attributes,
    };
  }

  /** A page of records (a Scan), or those whose key contains `query` (exact match first). */
  async records(
    machineName: string,
    query: { q?: string; token?: string; pageSize?: number },
  ): Promise<RecordPage> {
    const { dynamodb, keyAttribute } = this.recordsProfile();
    const machine = await this.stateMachine(machineName);
    const tableName = await this.tableOf(machine);
    const pageSize = Math.min(Math.max(query.pageSize ?? this.pageSize, 1), 1000);
    const startKey = query.token ? decodeToken<Record<string, AttributeValue>>(query.token) : undefined;
    const rows: RecordRow[] = [];
    const q = query.q?.trim();
    if (q && !startKey) {
      const exact = await dynamodb.send(
        new GetItemCommand({ TableName: tableName, Key: { [keyAttribute]: { S: q } } }),
      );
      if (exact.Item) rows.push(this.recordRow(exact.Item));
    }
    let lastKey = startKey;
    let scanned = 0;
    do {
      const input: ScanCommandInput = {
        TableName: tableName,
        Limit: q ? 1000 : pageSize - rows.length,
        ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
        ...(q
          ? {
              FilterExpression: 'contains(#key, :q)',
              ExpressionAttributeNames: { '#key': keyAttribute },
              ExpressionAttributeValues: { ':q': { S: q } },
            }
          : {}),
      };
      const page = await dynamodb.send(new ScanCommand(input));
      scanned += page.ScannedCount ?? 0;
      for (const item of page.Items ?? []) {
        const row = this.recordRow(item);
        if (!rows.some((r) => r.key === row.key)) rows.push(row);
      }
      lastKey = page.LastEvaluatedKey;
    } while (lastKey && rows.length < pageSize && (!q || scanned < 20_000));
    return {
      machine,
      tableName,
      keyAttribute,
      records: rows,
      ...(lastKey ? { nextToken: encodeToken(lastKey) } : {}),
      ...(q ? { query: q } : {}),
      scannedAll: lastKey === undefined,
    };
  }

  /**
   * One record, and every execution of the machine whose claim named its key: the one it names as
   * owner and the others (duplicates, failures). Waits up to `waitMs` for unread histories.
   */
  async record(machineName: string, key: string, waitMs = 800): Promise<RecordDetail> {
    const { dynamodb, keyAttribute } = this.recordsProfile();
    const machine = await this.stateMachine(machineName);
    const tableName = await this.tableOf(machine);
    const index = await this.index(machine.arn);
    const classified = this.classifyInBackground(machine.arn, index);
    const [item] = await Promise.all([
      dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { [keyAttribute]: { S: key } } })),
      Promise.race([classified, new Promise((resolve) => setTimeout(resolve, waitMs))]),
    ]);
    const record = item.Item ? this.recordRow(item.Item) : undefined;
    const running = index.items.filter((execution) => execution.status === 'RUNNING').slice(0, 200);
    const runningSummaries = await Promise.all(
      running.map((execution) => this.summarize(execution, true).catch(() => undefined)),
    );
    const runningKeys = new Map(running.map((execution, i) => [execution.executionArn, runningSummaries[i]]));
    const executions: RecordToucher[] = [];
    for (const execution of index.items) {
      const summary =
        this.summaries.get(execution.executionArn ?? '') ?? runningKeys.get(execution.executionArn);
      if (summary?.recordKey !== key) continue;
      executions.push({ ...this.row(execution, summary), owner: record?.owner === execution.executionArn });
    }
    return {
      machine,
      tableName,
      key,
      ...(record ? { record } : {}),
      executions,
      classification: this.progress(index),
    };
  }
}
