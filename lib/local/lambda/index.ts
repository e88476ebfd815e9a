export { HandlerLoadError, type LoadedHandler, loadHandler } from './handler-loader';
export type { ErrorDocument } from './pool';
export {
  type BeforeInvokeHook,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MEMORY_SIZE,
  DEFAULT_TIMEOUT_SECONDS,
  INIT_TIMEOUT_SECONDS,
  type InvokeInfo,
  type LambdaService,
  type LambdaServiceOptions,
  type LocalFunctionConfig,
  MAX_SYNC_PAYLOAD_BYTES,
  parseFunctionName,
  type ServiceFault,
  serviceFaults,
  startLambdaService,
  sweepStaleBundles,
} from './service';
