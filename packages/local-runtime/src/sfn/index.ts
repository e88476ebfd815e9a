import { StateMachine } from '../engine';
import type { IntegrationRegistry } from '../engine/types';
import { StepFunctionsApi } from './api';
import type { CreateStateMachine } from './engine-port';
import { listen } from './server';

export type {
  ExecutionRecord,
  RetentionState,
  ServiceEvent,
  StateMachineRecord,
  StateMachineType,
} from './api';
export {
  DEFAULT_ACCOUNT_ID,
  DEFAULT_REGION,
  DEFAULT_RETENTION_MEGABYTES,
  MAX_INPUT_DEPTH,
  StepFunctionsApi,
} from './api';
export { StepFunctionsApiError } from './errors';

export interface StepFunctionsServiceOptions {
  /** Resolves Task resources for every state machine created through the API. */
  readonly integrations: IntegrationRegistry;
  /** Port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly accountId?: string;
  /** Multiplies Wait durations and Retry pauses of every execution. @default 1 */
  readonly timeScale?: number;
  /** Finished executions kept with their history, at most. @default no bound but retentionMegabytes */
  readonly maxRetainedExecutions?: number;
  /**
   * Heap the finished executions may take, in MB, before the oldest are forgotten (their names stay
   * reserved). @default SFN_LOCAL_RETENTION_MB, else DEFAULT_RETENTION_MEGABYTES (256)
   */
  readonly retentionMegabytes?: number;
  /** Where the service says that it forgets executions. @default console.warn */
  readonly log?: (line: string) => void;
  /** Creates the engine's state machine for a definition. @default the local engine's `StateMachine.create` */
  readonly createStateMachine?: CreateStateMachine;
}

export interface StepFunctionsService {
  /** `http://127.0.0.1:<port>`, for `new SFNClient({ endpoint })`. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** In-process access to the same state: list machines and executions, subscribe to their events. */
  readonly api: StepFunctionsApi;
  /** Aborts running executions, then closes the HTTP server. */
  stop(): Promise<void>;
}

/** Starts the local Step Functions API (AWS JSON 1.0) over the local engine. */
export const startStepFunctionsService = async (
  options: StepFunctionsServiceOptions,
): Promise<StepFunctionsService> => {
  const api = new StepFunctionsApi({
    integrations: options.integrations,
    createStateMachine:
      options.createStateMachine ??
      ((definition, createOptions) => StateMachine.create(definition, createOptions)),
    region: options.region,
    accountId: options.accountId,
    timeScale: options.timeScale,
    maxRetainedExecutions: options.maxRetainedExecutions,
    retentionMegabytes: options.retentionMegabytes,
    log: options.log,
  });
  const http = await listen(api, options.port ?? 0);
  return {
    endpoint: http.endpoint,
    port: http.port,
    region: api.location.region,
    accountId: api.location.accountId,
    api,
    stop: async () => {
      await api.stopAll();
      await http.close();
    },
  };
};
