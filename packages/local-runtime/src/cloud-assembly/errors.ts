/**
 * The named errors of reading, synthesizing and deploying a cloud assembly. Each says which
 * resource it is about and what to do; a deployment collects them as problems and deploys the rest.
 */

/** Where in an assembly an error arose: a stack, a resource, a property. */
export interface ResourceLocation {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type?: string;
  readonly property?: string;
}

const where = (at: ResourceLocation): string =>
  `${at.stackName}${at.logicalId ? `/${at.logicalId}` : ''}${at.type ? ` (${at.type})` : ''}${at.property ? `, property ${at.property}` : ''}`;

/** The root of every error this folder raises. */
export class CloudAssemblyError extends Error {
  override readonly name: string = 'CloudAssemblyError';
  /** The message without the location in front. */
  readonly reason: string;
  constructor(
    message: string,
    readonly location?: ResourceLocation,
  ) {
    super(location ? `${where(location)}: ${message}` : message);
    this.reason = message;
  }
}

/** The folder holds no readable cloud assembly (manifest.json missing or not one CDK wrote). */
export class CloudAssemblyNotFoundError extends CloudAssemblyError {
  override readonly name = 'CloudAssemblyNotFoundError';
}

/** An intrinsic function or reference has no local value. */
export class UnresolvableIntrinsicError extends CloudAssemblyError {
  override readonly name = 'UnresolvableIntrinsicError';
}

/** A Lambda function whose runtime the local Lambda cannot run (only `nodejs*` runs locally). */
export class UnsupportedRuntimeError extends CloudAssemblyError {
  override readonly name = 'UnsupportedRuntimeError';
}

/** A Lambda function whose code is not in the assembly (the asset folder is gone, or it lives only in S3). */
export class AssetNotFoundError extends CloudAssemblyError {
  override readonly name = 'AssetNotFoundError';
}

/** A Lambda function whose `Handler` names a file or export that is not in its code. */
export class HandlerNotFoundError extends CloudAssemblyError {
  override readonly name = 'HandlerNotFoundError';
}

/** A rule target the local event bus cannot deliver to (not a state machine, or an InputTransformer). */
export class UnsupportedEventTargetError extends CloudAssemblyError {
  override readonly name = 'UnsupportedEventTargetError';
}

/** A state machine definition that is neither inline nor in the assembly. */
export class DefinitionNotFoundError extends CloudAssemblyError {
  override readonly name = 'DefinitionNotFoundError';
}

/**
 * A state machine definition the engine rejects as invalid (AWS would reject it too): the engine's
 * message, its diagnostic `code` (e.g. `MISSING_TRANSITION_TARGET`) and `definitionLocation`
 * (e.g. `/StartAt`), and what to do.
 */
export class InvalidStateMachineDefinitionError extends CloudAssemblyError {
  override readonly name = 'InvalidStateMachineDefinitionError';
  constructor(
    message: string,
    location: ResourceLocation,
    /** The engine's diagnostic code, as AWS's ValidateStateMachineDefinition gives it. */
    readonly code?: string,
    /** Where in the definition, e.g. `/States/Save/Arguments`. */
    readonly definitionLocation?: string,
  ) {
    super(message, location);
  }
}

/** A Task of a state machine calls a service integration the local engine does not run (valid on AWS). */
export class UnsupportedIntegrationError extends CloudAssemblyError {
  override readonly name = 'UnsupportedIntegrationError';
  constructor(
    message: string,
    location: ResourceLocation,
    /** Each Task resource the local runtime lacks, with its state. */
    readonly tasks: readonly { readonly state: string; readonly resource: string }[],
  ) {
    super(message, location);
  }
}

/** A state uses a feature the local engine does not run (Distributed Map, task credentials; valid on AWS). */
export class UnsupportedFeatureError extends CloudAssemblyError {
  override readonly name = 'UnsupportedFeatureError';
}

/** A function with Lambda layers: it is deployed, but the local Lambda does not load its layers. */
export class LayersNotSupportedError extends CloudAssemblyError {
  override readonly name = 'LayersNotSupportedError';
}

/**
 * A stack pinned to an account or region other than the local services': it is deployed into the
 * local account and region, and the ARNs of its own account and region are rewritten to them.
 */
export class PinnedEnvironmentWarning extends CloudAssemblyError {
  override readonly name = 'PinnedEnvironmentWarning';
}

/** The CDK app could not be synthesized (the command failed or wrote no manifest.json). */
export class SynthError extends CloudAssemblyError {
  override readonly name = 'SynthError';
}
