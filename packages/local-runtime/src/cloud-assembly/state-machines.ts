/**
 * `AWS::StepFunctions::StateMachine` → a local state machine: the definition from
 * `DefinitionString` (a string or an Fn::Join), `Definition` (an object) or `DefinitionS3Location`
 * (an asset of the assembly), `DefinitionSubstitutions` (values may be intrinsics),
 * `StateMachineType` and `StateMachineName`. Role, logging, tracing and encryption are not read.
 */
import * as fs from 'node:fs';
import type { StateMachineDeployment } from '../runtime';
import type { CloudAssembly } from './assembly';
import { DefinitionNotFoundError, UnresolvableIntrinsicError } from './errors';
import type { StackModel } from './model';

export function stateMachineFrom(
  stack: StackModel,
  logicalId: string,
  assembly: CloudAssembly,
): StateMachineDeployment & { readonly type: 'STANDARD' | 'EXPRESS' } {
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
