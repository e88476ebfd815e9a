export { sweepStaleBundles } from './bundles';
export {
  type AfterInvokeHook,
  type BeforeInvokeHook,
  type FunctionErrorFault,
  type InvokeInfo,
  type InvokeOutcome,
  isFunctionErrorFault,
  type ServiceFault,
  serviceFaults,
} from './faults';
export { HandlerLoadError } from './handler-loader';
export type { RouteRequest } from './http';
export { type InvokeResult, MAX_SYNC_PAYLOAD_BYTES } from './invocation';
export {
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MEMORY_SIZE,
  DEFAULT_TIMEOUT_SECONDS,
  INIT_TIMEOUT_SECONDS,
  type LocalFunctionConfig,
} from './registry';
export {
  type InProcessInvokeResult,
  type LambdaService,
  type LambdaServiceOptions,
  startLambdaService,
} from './service';
