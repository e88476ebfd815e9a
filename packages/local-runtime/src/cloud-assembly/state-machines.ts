/**
 * `AWS::StepFunctions::StateMachine` → a local state machine: the definition from
 * `DefinitionString` (a string or an Fn::Join), `Definition` (an object) or `DefinitionS3Location`
 * (an asset of the assembly), `DefinitionSubstitutions` (values may be intrinsics),
 * `StateMachineType` and `StateMachineName`. Role, logging, tracing and encryption are not read.
 * A definition the local Step Functions rejects becomes a named error that says what to do.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { substitute } from '../definition-substitutions';
import { compileDefinition } from '../engine/definition';
import { InvalidDefinitionError, UnknownResourceError } from '../engine/errors';
import type { IntegrationRegistry } from '../engine/types';
import { SUPPORTED_TASK_RESOURCES } from '../integrations';
import type { StateMachineDeployment } from '../runtime';
import type { CloudAssembly } from './assembly';
import {
  DefinitionNotFoundError,
  InvalidStateMachineDefinitionError,
  UnresolvableIntrinsicError,
  UnsupportedFeatureError,
  UnsupportedIntegrationError,
} from './errors';
import type { StackModel } from './model';

export type StateMachinePlan = StateMachineDeployment & { readonly type: 'STANDARD' | 'EXPRESS' };

export function stateMachineFrom(
  stack: StackModel,
  logicalId: string,
  assembly: CloudAssembly,
): StateMachinePlan {
  const name = stack.physicalName(logicalId);
  const type = (stack.property(logicalId, 'StateMachineType') ?? 'STANDARD') as 'STANDARD' | 'EXPRESS';
  let definition: string;
  const properties = stack.resource(logicalId).Properties ?? {};
  if (properties.DefinitionString !== undefined) {
    const text = stack.property(logicalId, 'DefinitionString');
    if (typeof text !== 'string') {
      throw new UnresolvableIntrinsicError(
        'DefinitionString must resolve to a string',
        stack.at(logicalId, 'DefinitionString'),
      );
    }
    definition = text;
  } else if (properties.Definition !== undefined) {
    definition = JSON.stringify(stack.property(logicalId, 'Definition'));
  } else if (properties.DefinitionS3Location !== undefined) {
    const location = stack.property(logicalId, 'DefinitionS3Location') as { Key?: unknown };
    const asset = assembly.assets.get(String(location.Key));
    if (!asset || !fs.existsSync(asset.path) || !fs.statSync(asset.path).isFile()) {
      throw new DefinitionNotFoundError(
        `the definition is the S3 object ${String(location.Key)}, which is not a file asset of the assembly: run cdk synth again, or give the definition inline (DefinitionBody.fromChainable / fromString)`,
        stack.at(logicalId, 'DefinitionS3Location'),
      );
    }
    definition = fs.readFileSync(asset.path, 'utf8');
  } else {
    throw new DefinitionNotFoundError(
      'no DefinitionString, Definition or DefinitionS3Location',
      stack.at(logicalId),
    );
  }
  const rawSubstitutions = stack.property(logicalId, 'DefinitionSubstitutions') as
    | Record<string, unknown>
    | undefined;
  const substitutions = rawSubstitutions
    ? Object.fromEntries(
        Object.entries(rawSubstitutions).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : JSON.stringify(value),
        ]),
      )
    : undefined;
  return { name, type, definition, ...(substitutions ? { substitutions } : {}) };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every Task of a definition (nested Parallel branches and Map item processors included), in order. */
function tasksOf(machine: unknown, into: { state: string; resource: string }[] = []) {
  if (!isObject(machine) || !isObject(machine.States)) return into;
  for (const [name, state] of Object.entries(machine.States)) {
    if (!isObject(state)) continue;
    if (state.Type === 'Task' && typeof state.Resource === 'string') {
      into.push({ state: name, resource: state.Resource });
    }
    if (Array.isArray(state.Branches)) for (const branch of state.Branches) tasksOf(branch, into);
    for (const field of ['ItemProcessor', 'Iterator']) tasksOf(state[field], into);
  }
  return into;
}

const PATTERN_SUFFIX = /\.(sync(:2)?|waitForTaskToken)$/;

/** Writes the definition as the service got it next to the assembly (else to the temp folder); its path. */
function writeDefinition(stack: StackModel, logicalId: string, definition: string): string | undefined {
  for (const root of [
    path.join(stack.artifact.assemblyDir, '.sfn-local-definitions'),
    path.join(os.tmpdir(), 'sfn-local-definitions'),
  ]) {
    const file = path.join(root, `${stack.stackName}-${logicalId}.asl.json`);
    try {
      fs.mkdirSync(root, { recursive: true });
      fs.writeFileSync(file, definition);
      return file;
    } catch {
      // read-only assembly: try the next place
    }
  }
  return undefined;
}

/**
 * The named error for a definition the local Step Functions rejected (`InvalidDefinition`): it is
 * compiled again with the runtime's integrations to get the engine's structured error, then
 * - a Task resource no local integration runs (valid on AWS) → UnsupportedIntegrationError, naming
 *   every such Task and what runs locally;
 * - a feature the engine does not run (code UNSUPPORTED_FEATURE) → UnsupportedFeatureError;
 * - anything else → InvalidStateMachineDefinitionError with the service's message and the fix.
 * Any other error is returned as it is.
 */
export function definitionProblem(
  error: unknown,
  stack: StackModel,
  logicalId: string,
  plan: StateMachinePlan,
  integrations: IntegrationRegistry,
): unknown {
  if (!(error instanceof Error) || error.name !== 'InvalidDefinition') return error;
  const at = stack.at(logicalId);
  let definition: string;
  try {
    definition = plan.substitutions ? substitute(plan.definition, plan.substitutions) : plan.definition;
  } catch {
    return error;
  }
  let engineError: unknown;
  try {
    compileDefinition(definition, integrations);
  } catch (caught) {
    engineError = caught;
  }
  if (engineError instanceof UnknownResourceError) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(definition);
    } catch {
      parsed = undefined;
    }
    const found = tasksOf(parsed).filter((task) => integrations.resolve(task.resource) === undefined);
    const tasks = found.length > 0 ? found : [{ state: '?', resource: engineError.resource }];
    const patterns = tasks
      .filter((task) => PATTERN_SUFFIX.test(task.resource))
      .filter((task) => integrations.resolve(task.resource.replace(PATTERN_SUFFIX, '')) !== undefined)
      .map((task) => {
        const suffix = PATTERN_SUFFIX.exec(task.resource)?.[0] ?? '';
        return ` (${task.resource.replace(PATTERN_SUFFIX, '')} runs locally, but not its ${suffix} pattern)`;
      });
    const list = tasks.map((task) => `\`${task.resource}\` in state \`${task.state}\``).join(', ');
    return new UnsupportedIntegrationError(
      `${list} of \`${plan.name}\` run${tasks.length === 1 ? 's' : ''} on AWS only${patterns.join('')}: the local runtime supports ${SUPPORTED_TASK_RESOURCES.join(', ')}. ` +
        `The state machine is not created locally; test it on AWS, or replace ${tasks.length === 1 ? 'the Task' : 'those Tasks'} with a Lambda the local runtime can run (arn:aws:states:::lambda:invoke)`,
      at,
      tasks,
    );
  }
  if (engineError instanceof InvalidDefinitionError && engineError.code === 'UNSUPPORTED_FEATURE') {
    return new UnsupportedFeatureError(
      `${engineError.detail} (at ${engineError.location ?? '/'} of the definition): valid on AWS, but the local engine does not run it, so the state machine is not created locally; test it on AWS, or leave the feature out of what runs locally`,
      at,
    );
  }
  const file = writeDefinition(stack, logicalId, definition);
  const code = engineError instanceof InvalidDefinitionError ? engineError.code : undefined;
  const where = engineError instanceof InvalidDefinitionError ? engineError.location : undefined;
  return new InvalidStateMachineDefinitionError(
    `${error.message}. Fix the definition${file ? `; \`npm run local -- run ${file}\` shows the engine's full message` : ''}`,
    at,
    code,
    where,
  );
}
