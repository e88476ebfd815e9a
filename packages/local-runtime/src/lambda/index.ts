export { HandlerLoadError } from './handler-loader';
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
  type ServiceFault,
  serviceFaults,
  startLambdaService,
  sweepStaleBundles,
} from './service';
