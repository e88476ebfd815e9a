import type { ExecutionStatus, HistoryEvent, IntegrationRegistry } from '../engine/types';

/**
 * The part of the engine's public API (lib/local/engine/index.ts) the service uses, written
 * structurally so the service can be exercised with a stand-in engine in its own tests.
 */
export interface EngineStartOptions {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  startTime?: Date;
  timeScale?: number;
  onEvent?: (event: HistoryEvent) => void;
  recordHistory?: boolean;
  redriveCount?: number;
}

export interface EngineExecutionResult {
  status: ExecutionStatus;
  output?: string;
  error?: string;
  cause?: string;
  stopDate: Date;
  stateTransitions: number;
}

export interface EngineExecution {
  readonly executionArn: string;
  readonly startDate: Date;
  readonly status: ExecutionStatus;
  readonly events: readonly HistoryEvent[];
  readonly done: Promise<EngineExecutionResult>;
  stop(error?: string, cause?: string): void;
}

export interface EngineStateMachine {
  readonly definition: object;
  start(input: unknown, options: EngineStartOptions): EngineExecution;
}

/** `StateMachine.create` of the engine: throws InvalidDefinitionError for a rejected definition. */
export type CreateStateMachine = (
  definition: string,
  options: { integrations: IntegrationRegistry },
) => EngineStateMachine;
