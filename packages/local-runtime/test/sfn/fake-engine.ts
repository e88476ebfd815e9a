import { InvalidDefinitionError } from '../../src/engine/errors';
import type { ExecutionStatus, HistoryEvent } from '../../src/engine/types';
import type {
  CreateStateMachine,
  EngineExecution,
  EngineExecutionResult,
  EngineStartOptions,
  EngineStateMachine,
} from '../../src/sfn/engine-port';

/**
 * A stand-in engine that lets the API tests control an execution's outcome through its input:
 * `{"hold": true}` runs until stopped, `{"fail": {"error", "cause"}}` fails, anything else succeeds
 * with the input as output after one Pass state.
 */
class FakeExecution implements EngineExecution {
  readonly startDate = new Date();
  status: ExecutionStatus = 'RUNNING';
  readonly events: HistoryEvent[] = [];
  readonly done: Promise<EngineExecutionResult>;
  private finish!: (result: EngineExecutionResult) => void;

  constructor(
    private readonly input: unknown,
    private readonly options: EngineStartOptions,
  ) {
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
    const text = JSON.stringify(input);
    this.append('ExecutionStarted', 'executionStartedEventDetails', {
      input: text,
      inputDetails: { truncated: false },
      roleArn: options.roleArn,
    });
    this.append('PassStateEntered', 'stateEnteredEventDetails', {
      name: 'Only',
      input: text,
      inputDetails: { truncated: false },
    });
    if (!(isObject(input) && input.hold === true)) {
      setImmediate(() => this.complete());
    }
  }

  get executionArn(): string {
    return this.options.executionArn;
  }

  stop(error?: string, cause?: string): void {
    if (this.status !== 'RUNNING') return;
    this.status = 'ABORTED';
    this.append('ExecutionAborted', 'executionAbortedEventDetails', {
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
    });
    this.finish({
      status: 'ABORTED',
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
      stopDate: new Date(),
      stateTransitions: 1,
      redrivePoint: this.redrivePoint(),
    });
  }

  /** Where a redrive would restart: the fake's one state, with the execution input. */
  private redrivePoint() {
    return { stateName: 'Fake', input: this.input, inputJson: JSON.stringify(this.input), variables: {} };
  }

  private complete(): void {
    if (this.status !== 'RUNNING') return;
    const fail = isObject(this.input) && isObject(this.input.fail) ? this.input.fail : undefined;
    if (fail) {
      this.status = 'FAILED';
      this.append('ExecutionFailed', 'executionFailedEventDetails', { error: fail.error, cause: fail.cause });
      this.finish({
        status: 'FAILED',
        error: String(fail.error),
        cause: String(fail.cause),
        stopDate: new Date(),
        stateTransitions: 1,
        redrivePoint: this.redrivePoint(),
      });
      return;
    }
    const output = JSON.stringify(this.input);
    this.append('PassStateExited', 'stateExitedEventDetails', {
      name: 'Only',
      output,
      outputDetails: { truncated: false },
    });
    this.status = 'SUCCEEDED';
    this.append('ExecutionSucceeded', 'executionSucceededEventDetails', {
      output,
      outputDetails: { truncated: false },
    });
    this.finish({ status: 'SUCCEEDED', output, stopDate: new Date(), stateTransitions: 2 });
  }

  private append(type: string, detailsKey: string, details: object): void {
    const id = this.events.length + 1;
    const event: HistoryEvent = {
      timestamp: new Date(),
      type,
      id,
      previousEventId: type === 'PassStateEntered' ? 0 : id - 1,
      [detailsKey]: details,
    };
    if (this.options.recordHistory !== false) this.events.push(event);
    this.options.onEvent?.(event);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const createFakeStateMachine: CreateStateMachine = (definition) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch {
    throw new InvalidDefinitionError('INVALID_JSON_DESCRIPTION: the definition is not JSON');
  }
  if (!isObject(parsed) || typeof parsed.StartAt !== 'string') {
    throw new InvalidDefinitionError("SCHEMA_VALIDATION_FAILED: The field 'StartAt' is required at /");
  }
  const machine: EngineStateMachine = {
    definition: parsed,
    start: (input, options) => new FakeExecution(input, options),
  };
  return machine;
};
