import type { IntegrationRegistry } from '../engine/types';
import type { CreateStateMachine, EngineStateMachine } from './engine-port';
import { invalidDefinition } from './errors';
import type { Json } from './members';

/** One entry of ValidateStateMachineDefinition's `diagnostics` (AWS's ValidateStateMachineDefinitionDiagnostic). */
export interface Diagnostic {
  readonly severity: 'ERROR' | 'WARNING';
  readonly code: string;
  readonly message: string;
  /** Where in the definition, as AWS writes it: `/States/Claim/Choices[0]/Next`; absent when the problem has no place. */
  readonly location?: string;
}

export type DefinitionCheck =
  | { readonly machine: EngineStateMachine }
  | { readonly diagnostics: readonly Diagnostic[]; readonly error: Error };

const DEFAULT_MAX_RESULTS = 100;

/**
 * The one definition validator of the service: the engine's own create (parse, schema, query languages,
 * variable scopes, every state compiled), which CreateStateMachine and ValidateStateMachineDefinition both
 * run. A rejected definition comes back as diagnostics, plus the InvalidDefinition error CreateStateMachine
 * answers; any other error is the service's own and is thrown.
 */
export const checkDefinition = (
  create: CreateStateMachine,
  definition: string,
  integrations: IntegrationRegistry,
): DefinitionCheck => {
  try {
    return { machine: create(definition, { integrations }) };
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'InvalidDefinition') throw error;
    const { code, location, detail } = error as Error & { code?: string; location?: string; detail?: string };
    const where = awsLocation(location, definition);
    const text = detail ?? error.message;
    // Some rejections carry no separate detail: their message starts with the code.
    const message = code !== undefined && text.startsWith(`${code}: `) ? text.slice(code.length + 2) : text;
    return {
      error: invalidDefinition(error.message),
      diagnostics: [
        {
          severity: 'ERROR',
          code: code ?? 'SCHEMA_VALIDATION_FAILED',
          message,
          ...(where !== undefined ? { location: where } : {}),
        },
      ],
    };
  }
};

/**
 * ValidateStateMachineDefinition: `result` OK or FAIL, the diagnostics at the requested `severity` (ERROR:
 * errors only, the default; WARNING: warnings too), at most `maxResults` of them (0 = 100) with `truncated`
 * saying whether some were left out. The request's members were checked against the API model already.
 */
export const validateStateMachineDefinition = (
  input: Json,
  create: CreateStateMachine,
  integrations: IntegrationRegistry,
): Json => {
  const check = checkDefinition(create, input.definition as string, integrations);
  const all = 'diagnostics' in check ? check.diagnostics : [];
  const wanted = input.severity === 'WARNING' ? all : all.filter((d) => d.severity === 'ERROR');
  const requested = Math.trunc((input.maxResults as number | undefined) ?? 0);
  const limit = requested === 0 ? DEFAULT_MAX_RESULTS : requested;
  return {
    result: all.some((d) => d.severity === 'ERROR') ? 'FAIL' : 'OK',
    diagnostics: wanted.slice(0, limit),
    truncated: wanted.length > limit,
  };
};

/**
 * The engine's JSON-pointer-like location (`/States/C/Choices/0/Next`) in AWS's form, where an array
 * element is written as an index on its field (`/States/C/Choices[0]/Next`). A location at the root
 * (`''`, `/`) is left out, as AWS leaves it out for a problem of the whole workflow.
 */
export const awsLocation = (location: string | undefined, definition: string): string | undefined => {
  if (location === undefined || location === '' || location === '/') return undefined;
  let node: unknown;
  try {
    node = JSON.parse(definition);
  } catch {
    return location;
  }
  let out = '';
  for (const step of location.split('/').slice(1)) {
    if (Array.isArray(node) && /^\d+$/.test(step)) {
      out += `[${step}]`;
      node = node[Number(step)];
    } else {
      out += `/${step}`;
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[step] : undefined;
    }
  }
  return out;
};
