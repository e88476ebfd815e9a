/**
 * Running a CDK app on the local runtime: synthesize it (or take its cdk.out), read the cloud
 * assembly, deploy what can run locally, report the rest.
 */
export {
  type CfnOutput,
  type CfnParameter,
  type CfnResource,
  type CfnTemplate,
  type CloudAssembly,
  type FileAsset,
  type NestedStackArtifact,
  readCloudAssembly,
  type StackArtifact,
} from './assembly';
export { type DeployCloudAssemblyOptions, deployCloudAssembly, localEndpointEnvironment } from './deploy';
export {
  AssetNotFoundError,
  CloudAssemblyError,
  CloudAssemblyNotFoundError,
  DefinitionNotFoundError,
  HandlerNotFoundError,
  InvalidStateMachineDefinitionError,
  LayersNotSupportedError,
  PinnedEnvironmentWarning,
  type ResourceLocation,
  SynthError,
  UnresolvableIntrinsicError,
  UnsupportedEventTargetError,
  UnsupportedFeatureError,
  UnsupportedIntegrationError,
  UnsupportedRuntimeError,
} from './errors';
export { functionFrom, splitHandler } from './functions';
export { IntrinsicResolver, type IntrinsicScope, isIntrinsic, NO_VALUE, referencesIn } from './intrinsics';
export {
  AssemblyModel,
  type LocalEnvironment,
  localizeArns,
  type PinnedEnvironment,
  pinnedEnvironment,
  type Referrer,
  StackModel,
} from './model';
export { fitParts, generatedName, NAMING_RULES, type NamingRule, randomPart } from './names';
export {
  type CloudAssemblyDeployment,
  type DeployedEventBus,
  type DeployedFunction,
  type DeployedNestedStack,
  type DeployedRule,
  type DeployedStateMachine,
  type DeployedTable,
  type DeploymentOutput,
  type DeploymentProblem,
  type FormatOptions,
  formatDeployment,
  type NotEmulated,
  notEmulatedLines,
} from './report';
export {
  EMULATED_TYPES,
  notEmulatedReason,
  notEmulatedRole,
  RESOURCE_MODELS,
  SERVICE_GROUPS,
} from './resource-types';
export { ruleFrom } from './rules';
export { definitionProblem, type StateMachinePlan, stateMachineFrom } from './state-machines';
export { cdkContext, hashSources, type SynthesizedApp, type SynthesizeOptions, synthesizeApp } from './synth';
export { tableOptionsFrom } from './tables';
