import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { ExecutionStatus, HistoryEvent } from '../engine/types';
import type { EngineExecution, EngineExecutionResult } from './engine-port';
import type { ExecutionRecord, StateMachineType } from './store';

/** The largest dictionary deflate can use (its window). */
const MAX_DICTIONARY_BYTES = 32 * 1024;

/**
 * Heap bytes a retained execution holds besides its packed text and its ARN and name: the object,
 * its two map entries and a Date's worth of numbers. Measured with bench/retention.ts (Node 20,
 * x64); the estimate it prints next to the real heap growth keeps this honest.
 */
const RECORD_OVERHEAD_BYTES = 320;

/** Heap bytes of a name kept reserved after its execution was forgotten: the ARN and a set entry. */
export const reservedNameBytes = (executionArn: string): number => executionArn.length + 48;

/** What a finished execution keeps packed: everything that can be large. */
interface PackedFields {
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly events: readonly HistoryEvent[];
}

/**
 * Packs finished executions compactly: their input, output, error, cause and history as one
 * deflated JSON text. Each state machine gets a preset dictionary, the text of its first finished
 * execution, so the ARNs, state names, parameters and result shapes that every execution of the
 * machine repeats cost almost nothing (bench/retention.ts: 7.4 KB of history JSON, 16 events, kept in
 * about 1.2 KB of heap).
 */
export class ExecutionPacker {
  private readonly dictionaries = new Map<string, Buffer>();

  pack(record: ExecutionRecord): RetainedExecution {
    const fields: PackedFields = {
      input: record.input,
      ...(record.output !== undefined ? { output: record.output } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
      events: record.execution.events,
    };
    const text = Buffer.from(JSON.stringify(fields), 'utf8');
    let dictionary = this.dictionaries.get(record.stateMachineArn);
    if (!dictionary) {
      dictionary = Buffer.from(text.subarray(Math.max(0, text.length - MAX_DICTIONARY_BYTES)));
      this.dictionaries.set(record.stateMachineArn, dictionary);
    }
    const packed = deflateRawSync(text, { dictionary });
    // A latin1 string holds one byte per character in the V8 heap, with no external buffer to track.
    return new RetainedExecution(record, packed.toString('latin1'), dictionary);
  }
}

/**
 * A finished execution as the store keeps it: the summary ListExecutions reads as plain fields,
 * the rest unpacked on each read (DescribeExecution, GetExecutionHistory). The engine's execution
 * object, with its run state, is not kept.
 */
export class RetainedExecution implements ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly status: ExecutionStatus;
  readonly stateTransitions?: number;
  private readonly startTime: number;
  private readonly stopTime: number | undefined;

  constructor(
    record: ExecutionRecord,
    private readonly packed: string,
    private readonly dictionary: Buffer,
  ) {
    this.executionArn = record.executionArn;
    this.stateMachineArn = record.stateMachineArn;
    this.stateMachineName = record.stateMachineName;
    this.name = record.name;
    this.type = record.type;
    this.status = record.status;
    if (record.stateTransitions !== undefined) this.stateTransitions = record.stateTransitions;
    this.startTime = record.startDate.getTime();
    this.stopTime = record.stopDate?.getTime();
  }

  /** What the store counts against its budget. */
  get retainedBytes(): number {
    return this.packed.length + this.executionArn.length + this.name.length + RECORD_OVERHEAD_BYTES;
  }

  get startDate(): Date {
    return new Date(this.startTime);
  }

  get stopDate(): Date | undefined {
    return this.stopTime === undefined ? undefined : new Date(this.stopTime);
  }

  get input(): string {
    return this.unpack().input;
  }

  get output(): string | undefined {
    return this.unpack().output;
  }

  get error(): string | undefined {
    return this.unpack().error;
  }

  get cause(): string | undefined {
    return this.unpack().cause;
  }

  /** A stand-in for the finished engine execution: its history, its result, and a stop that does nothing. */
  get execution(): EngineExecution {
    const fields = this.unpack();
    const result: EngineExecutionResult = {
      status: this.status,
      ...(fields.output !== undefined ? { output: fields.output } : {}),
      ...(fields.error !== undefined ? { error: fields.error } : {}),
      ...(fields.cause !== undefined ? { cause: fields.cause } : {}),
      stopDate: this.stopDate ?? this.startDate,
      stateTransitions: this.stateTransitions ?? 0,
    };
    return {
      executionArn: this.executionArn,
      startDate: this.startDate,
      status: this.status,
      events: fields.events,
      done: Promise.resolve(result),
      stop: () => {},
    };
  }

  private unpack(): PackedFields {
    const text = inflateRawSync(Buffer.from(this.packed, 'latin1'), { dictionary: this.dictionary });
    const fields = JSON.parse(text.toString('utf8')) as Omit<PackedFields, 'events'> & {
      events: Array<Record<string, unknown>>;
    };
    // JSON kept the timestamps as ISO text; the API's events carry Dates.
    for (const event of fields.events) event.timestamp = new Date(event.timestamp as string);
    return fields as unknown as PackedFields;
  }
}
