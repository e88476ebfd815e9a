/**
 * The console server's JSON answers, shared by the server (src/console/server.ts) and the browser
 * bundle (src/console/browser/). Dates are ISO 8601 strings.
 */
import type { ExecutionAnalysis } from './analysis';
import type { ConsoleProfile } from './profile';

/** Embedded in the page, so the app needs no round trip to start. */
export interface ConsoleConfig {
  readonly profile: ConsoleProfile;
  readonly endpoints: { readonly stepFunctions: string; readonly dynamodb?: string };
  readonly region: string;
  /** Milliseconds between refreshes of a page that can change. */
  readonly refreshMs: number;
  readonly pageSize: number;
}

/** How far the server has got reading finished executions' histories for their outcomes. */
export interface Classification {
  readonly classified: number;
  readonly finished: number;
}

export interface StateMachineSummary {
  readonly name: string;
  readonly arn: string;
  readonly type: 'STANDARD' | 'EXPRESS' | string;
  readonly creationDate?: string;
  /** Executions by status (STANDARD only: EXPRESS keeps no executions to list, as on AWS). */
  readonly counts?: Readonly<Record<string, number>>;
  readonly total?: number;
  /** Finished executions by outcome id (`none`: no rule matched), when the profile has outcomes. */
  readonly outcomes?: Readonly<Record<string, number>>;
  readonly classification?: Classification;
  /** The machine has the profile's records state, so it has a records page. */
  readonly hasRecords: boolean;
}

export interface ExecutionRow {
  readonly name: string;
  readonly arn: string;
  readonly status: string;
  readonly startDate?: string;
  readonly stopDate?: string;
  /** The matching outcome rule's id; `none` when none matched; absent while running or unknown. */
  readonly outcome?: string;
  readonly error?: string;
  readonly recordKey?: string;
}

export interface ExecutionPage {
  readonly machine: StateMachineSummary;
  readonly executions: readonly ExecutionRow[];
  readonly nextToken?: string;
  /** Set when an outcome filter was answered from histories not all read yet. */
  readonly classification?: Classification;
}

export interface RecordLink {
  readonly key: string;
  readonly tableName?: string;
}

export interface ExecutionDetail {
  readonly machine: { readonly name: string; readonly arn: string; readonly type: string };
  readonly execution: {
    readonly name: string;
    readonly arn: string;
    readonly status: string;
    readonly startDate?: string;
    readonly stopDate?: string;
    readonly input?: string;
    readonly output?: string;
    readonly error?: string;
    readonly cause?: string;
  };
  readonly outcome?: string;
  /** The definition the execution ran with (DescribeStateMachineForExecution). */
  readonly definition: string;
  /** GetExecutionHistory's events, as the API returns them. */
  readonly events: readonly Record<string, unknown>[];
  readonly analysis: ExecutionAnalysis;
  readonly record?: RecordLink;
}

export interface RecordRow {
  readonly key: string;
  readonly status?: string;
  /** Epoch milliseconds. */
  readonly expiration?: number;
  /** Epoch milliseconds. */
  readonly lease?: number;
  readonly owner?: string;
  /** Every attribute, unmarshalled. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface RecordPage {
  readonly machine: StateMachineSummary;
  readonly tableName: string;
  readonly keyAttribute: string;
  readonly records: readonly RecordRow[];
  readonly nextToken?: string;
  /** The search text, when searching. */
  readonly query?: string;
  /** A search stopped after reading this many items without reaching the table's end. */
  readonly scannedAll: boolean;
}

export interface RecordToucher extends ExecutionRow {
  /** The record names this execution as its owner. */
  readonly owner: boolean;
}

export interface RecordDetail {
  readonly machine: StateMachineSummary;
  readonly tableName: string;
  readonly key: string;
  /** Absent when the table has no item with this key (released, expired, or never written). */
  readonly record?: RecordRow;
  /** Every execution of the machine whose claim named this key, newest first. */
  readonly executions: readonly RecordToucher[];
  readonly classification: Classification;
}

/** An error answer: `{ error: { name, message } }` with a 4xx/5xx status. */
export interface ErrorBody {
  readonly error: { readonly name: string; readonly message: string };
}
