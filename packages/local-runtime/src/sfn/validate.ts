import { definitionWarnings, expressProblems } from '../engine/definition-notes';
import type { DefinitionProblem, InvalidDefinitionError } from '../engine/errors';
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

/** An accepted definition (with its warnings), or a rejected one with every diagnostic and CreateStateMachine's error. */
export type DefinitionCheck =
  | { readonly machine: EngineStateMachine; readonly diagnostics: readonly Diagnostic[] }
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
  type: 'STANDARD' | 'EXPRESS' = 'STANDARD',
): DefinitionCheck => {
  let parsed: Record<string, unknown> | undefined;
  try {
    const value: unknown = JSON.parse(definition);
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      parsed = value as Record<string, unknown>;
  } catch {
    // The engine reports text that is not JSON.
  }
  const warnings = parsed ? definitionWarnings(parsed).map((p) => diagnostic('WARNING', p, definition)) : [];
  const express = parsed && type === 'EXPRESS' ? expressProblems(parsed) : [];
  let machine: EngineStateMachine | undefined;
  let rejected: InvalidDefinitionError | undefined;
  try {
    machine = create(definition, { integrations });
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'InvalidDefinition') throw error;
    rejected = error as InvalidDefinitionError;
  }
  const problems = [...(rejected ? (rejected.problems ?? [problemOf(rejected)]) : []), ...express];
  const errors = problems.map((p) => diagnostic('ERROR', p, definition));
  if (machine !== undefined && errors.length === 0) return { machine, diagnostics: warnings };
  // CreateStateMachine answers the first problem, as the engine words it.
  const first = rejected?.message ?? messageOf(express[0] as DefinitionProblem);
  return { error: invalidDefinition(first), diagnostics: [...errors, ...warnings] };
};

const problemOf = (error: InvalidDefinitionError): DefinitionProblem => {
  const code = error.code ?? 'SCHEMA_VALIDATION_FAILED';
  const detail = error.detail ?? error.message;
  return { code, detail, ...(error.location !== undefined ? { location: error.location } : {}) };
};

const messageOf = (problem: DefinitionProblem): string =>
  problem.location
    ? `${problem.code}: ${problem.detail} at ${problem.location}`
    : `${problem.code}: ${problem.detail}`;

const diagnostic = (
  severity: Diagnostic['severity'],
  problem: DefinitionProblem,
  definition: string,
): Diagnostic => {
  const where = awsLocation(problem.location, definition);
  // Some rejections carry no separate detail: their message starts with the code.
  const prefix = `${problem.code}: `;
  return {
    severity,
    code: problem.code,
    message: problem.detail.startsWith(prefix) ? problem.detail.slice(prefix.length) : problem.detail,
    ...(where !== undefined ? { location: where } : {}),
  };
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
  const type = input.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
  const check = checkDefinition(create, input.definition as string, integrations, type);
  const all = check.diagnostics;
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
