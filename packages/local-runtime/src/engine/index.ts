import { type CompiledDefinition, compileDefinition } from './definition';
import { type Execution, RunningExecution, type StartOptions } from './execution';
import type { IntegrationRegistry } from './types';

export { InvalidDefinitionError, StatesError } from './errors';
export type { Execution, ExecutionResult, StartOptions } from './execution';
export * from './types';

export interface CreateOptions {
  /** Resolves Task Resource ARNs; an unknown resource is an InvalidDefinitionError at create. */
  integrations: IntegrationRegistry;
}

/** A validated, compiled state machine definition; start any number of executions from it. */
export class StateMachine {
  private constructor(private readonly compiled: CompiledDefinition) {}

  /**
   * Parses and validates once (asl-validator schema, Next/Default targets, every JSONata expression
   * compiled and cached, wrong-query-language fields, unsupported resources and features). Throws
   * InvalidDefinitionError with a clear message.
   */
  static create(definition: string | object, options: CreateOptions): StateMachine {
    return new StateMachine(compileDefinition(definition, options.integrations));
  }

  /** The parsed ASL. */
  get definition(): object {
    return this.compiled.definition;
  }

  /** How many distinct JSONata expressions the definition compiled (each once). */
  get compiledExpressions(): number {
    return this.compiled.compiledExpressions;
  }

  /** Starts an execution; `input` is the parsed execution input (a JSON value). */
  start(input: unknown, options: StartOptions): Execution {
    return new RunningExecution(this.compiled.root, input, options, this.compiled.timeoutSeconds);
  }
}
