/**
 * CloudFormation's `DefinitionSubstitutions` for `AWS::StepFunctions::StateMachine`: every
 * `${Name}` in the definition string is replaced by its value before the state machine is created.
 */

/** Thrown when a definition holds a placeholder that has no value. */
export class UnknownPlaceholderError extends Error {
  override readonly name = 'UnknownPlaceholderError';
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/**
 * Replaces every `${Name}` the way CloudFormation does. Values are inserted as they are: a value
 * that lands inside a JSON string must already be escaped for one.
 */
export function substitute(definition: string, substitutions: Readonly<Record<string, string>>): string {
  return definition.replace(PLACEHOLDER, (_match, name: string) => {
    const value = substitutions[name];
    if (value === undefined) {
      throw new UnknownPlaceholderError(
        `the definition uses \${${name}} but no substitution is given for it; add it to the substitutions`,
      );
    }
    return value;
  });
}

/** The names of the `${Name}` placeholders a definition uses, in order of first use. */
export function placeholdersOf(definition: string): string[] {
  return [...new Set([...definition.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}
