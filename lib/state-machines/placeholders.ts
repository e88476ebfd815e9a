/**
 * The only `${Name}` placeholders the definitions hold: the values CloudFormation knows and synth
 * does not (DefinitionSubstitutions). Each sits alone in a plain string value, so the files stay
 * valid ASL. Everything else is rendered into the definition at synth.
 */
import { UnknownPlaceholderError } from '../errors';

/** The placeholders of the idempotent workflow; the release workflow uses TableName alone. */
export type PlaceholderName = 'TableName' | 'BusinessFunctionArn';

/** `${Name}`, as CloudFormation's DefinitionSubstitutions finds it. */
export function placeholder(name: PlaceholderName): string {
  return `\${${name}}`;
}

/** A value as it must be substituted: it lands inside a JSON string of the definition. */
export function substitutionValue(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/** Replaces every `${Name}` the way CloudFormation does (values given already escaped). */
export function substitute(definition: string, values: Readonly<Record<string, string>>): string {
  return definition.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new UnknownPlaceholderError(
        `the definition uses \${${name}} but no substitution is given for it; add it to the substitutions`,
      );
    }
    return value;
  });
}
