import type { Execution, ExecutionResult, StartOptions } from '../engine/execution';
import type { IntegrationRegistry } from '../engine/types';

/**
 * The part of the engine's public API (src/engine/index.ts) the service uses. The service
 * depends on these types only, so its own tests can run it over a stand-in engine.
 */
export type EngineStartOptions = StartOptions;
export type EngineExecutionResult = ExecutionResult;
export type EngineExecution = Execution;

export interface EngineStateMachine {
  readonly definition: object;
  start(input: unknown, options: EngineStartOptions): EngineExecution;
}

/** `StateMachine.create` of the engine: throws InvalidDefinitionError for a rejected definition. */
export type CreateStateMachine = (
  definition: string,
  options: { integrations: IntegrationRegistry },
) => EngineStateMachine;
