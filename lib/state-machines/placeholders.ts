/**
 * The only `${Name}` placeholders the definitions hold: the values CloudFormation knows and synth
 * does not (DefinitionSubstitutions). Each sits alone in a plain string value, so the files stay
 * valid ASL. Everything else is rendered into the definition at synth. CloudFormation fills them
 * in; nothing deployable substitutes them (the tests and the local runtime use the runtime's
 * `substitute`).
 */

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
