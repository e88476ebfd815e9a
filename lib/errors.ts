/**
 * Every error the blueprint raises while it is built, at synth. One root, and a flat family under
 * it, each with its own `name`:
 *
 *     IdempotencyBlueprintError
 *     └─ IdempotencyConfigError    props of IdempotentWorkflow, its sources and its operations
 *
 * Not in the family: `ExecutionNameKeyEmptyError` (lib/sources/execution-name.ts) is raised at run
 * time, by `executionNameForKey` in the code that starts executions, for one event's empty key. It
 * stays beside that function so a producer that bundles it pulls in nothing else.
 *
 * This module imports nothing, so any module can use it.
 */

/** The root: catch this to catch any error raised while building the blueprint. */
export abstract class IdempotencyBlueprintError extends Error {
  override readonly name: string = 'IdempotencyBlueprintError';
}

/**
 * Props that cannot work. The message has one line per problem, each showing the bad value and
 * the fix: `invalid <Construct> <id>:` then `- <problem>` lines (resolveDefinitionOptions throws
 * the bare problem lines).
 */
export class IdempotencyConfigError extends IdempotencyBlueprintError {
  override readonly name = 'IdempotencyConfigError';
  /** Every problem, one per entry, without the heading. */
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = message.split('\n')) {
    super(message);
    this.problems = problems;
  }

  /** One error listing every problem of one construct's props. */
  static forConstruct(construct: string, id: string, problems: readonly string[]): IdempotencyConfigError {
    return new IdempotencyConfigError(`invalid ${construct} ${id}:\n- ${problems.join('\n- ')}`, problems);
  }
}

/** Throws one IdempotencyConfigError with every problem, when there is any. */
export function throwIfProblems(construct: string, id: string, problems: readonly string[]): void {
  if (problems.length > 0) throw IdempotencyConfigError.forConstruct(construct, id, problems);
}
