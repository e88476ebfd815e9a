import { randomUUID } from 'node:crypto';
import { claimBundleFolder } from './bundles';
import type { AfterInvokeHook, BeforeInvokeHook } from './faults';
import { type InvokeEndpoint, type RouteRequest, route, serveInvokeApi } from './http';
import { type InvokeResult, Invoker } from './invocation';
import {
  DEFAULT_IDLE_TIMEOUT_SECONDS,
  FunctionRegistry,
  INIT_TIMEOUT_SECONDS,
  type LocalFunctionConfig,
} from './registry';

export interface LambdaServiceOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly functions?: Readonly<Record<string, LocalFunctionConfig>>;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly accountId?: string;
  /** Folder handler paths are relative to. @default process.cwd() */
  readonly baseDir?: string;
  /** Applies to every function, before the function's own hook. */
  readonly beforeInvoke?: BeforeInvokeHook;
  /** Applies to every function's RequestResponse answers, before the function's own after-hook. */
  readonly afterInvoke?: AfterInvokeHook;
  /**
   * Budget of a new environment's init phase (module load), outside the function timeout; when it runs
   * out, init is retried inside the invocation under the function timeout. Lower it only in tests.
   * @default 10 (AWS's fixed value)
   */
  readonly initTimeoutSeconds?: number;
  /**
   * Seconds an idle execution environment stays warm before it is terminated (its memory given
   * back), as Lambda reclaims idle environments; 0 keeps them until the service stops.
   * @default 60
   */
  readonly idleTimeoutSeconds?: number;
  /** Receives the handlers' console output; default: the worker threads write to this process's stdout/stderr. */
  readonly onLog?: (functionName: string, text: string) => void;
}

export interface LambdaService {
  /** `http://127.0.0.1:<port>`, ready for `new LambdaClient({ endpoint })`. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /** `arn:aws:lambda:<region>:<account>:function:<name>` */
  functionArn(name: string): string;
  /** Registers (or replaces) a function; TypeScript handlers are compiled here, once. */
  register(name: string, config: LocalFunctionConfig): void;
  /** Invocations that reached a handler, for one function or all of them. */
  invocations(name?: string): number;
  /** Execution environments (worker threads) alive now, over all functions. */
  environments(): number;
  /** Terminates every idle environment now, as the idle timeout would later; returns how many. */
  reclaimIdleEnvironments(): number;
  /** Replaces the service-wide fault hook (undefined removes it). */
  setBeforeInvoke(hook: BeforeInvokeHook | undefined): void;
  /** Replaces the service-wide after-hook (undefined removes it). */
  setAfterInvoke(hook: AfterInvokeHook | undefined): void;
  /**
   * Invoke, for a caller in this process (the Step Functions engine's Lambda integration): the
   * same routing, checks, hooks and environments as the REST API, without the HTTP round trip.
   */
  invokeInProcess(request: RouteRequest): Promise<InProcessInvokeResult>;
  /** Stops the HTTP server and terminates every worker. */
  stop(): Promise<void>;
}

/** The answer of `invokeInProcess`: what the REST API would have sent, before it is written out. */
export interface InProcessInvokeResult {
  readonly requestId: string;
  readonly result: InvokeResult;
}

/** Starts a local Lambda service: a function registry, an invoker over it and the Invoke API in front. */
export async function startLambdaService(options: LambdaServiceOptions = {}): Promise<LambdaService> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const baseDir = options.baseDir ?? process.cwd();
  const bundles = claimBundleFolder(baseDir);
  const registry = new FunctionRegistry({
    region,
    accountId,
    baseDir,
    outDir: bundles.path,
    initTimeoutSeconds: options.initTimeoutSeconds ?? INIT_TIMEOUT_SECONDS,
    idleTimeoutSeconds: options.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS,
    onLog: options.onLog,
  });
  for (const [name, config] of Object.entries(options.functions ?? {})) registry.register(name, config);
  const invoker = new Invoker(registry, options.beforeInvoke);
  invoker.afterInvoke = options.afterInvoke;
  const host = options.host ?? '127.0.0.1';
  let endpoint: InvokeEndpoint;
  try {
    endpoint = await serveInvokeApi(registry, invoker, options.port ?? 0, host);
  } catch (err) {
    await registry.closeAll();
    bundles.remove();
    throw err;
  }

  return {
    endpoint: `http://${host}:${endpoint.port}`,
    port: endpoint.port,
    region,
    accountId,
    functionArn: (name) => registry.functionArn(name),
    register: (name, config) => registry.register(name, config),
    invocations: (name) => registry.invocations(name),
    invokeInProcess: async (request) => {
      const requestId = randomUUID();
      return { requestId, result: await route(registry, invoker, request, requestId) };
    },
    environments: () => registry.environments(),
    reclaimIdleEnvironments: () => registry.reclaimIdle(),
    setBeforeInvoke: (hook) => {
      invoker.beforeInvoke = hook;
    },
    setAfterInvoke: (hook) => {
      invoker.afterInvoke = hook;
    },
    stop: async () => {
      const closed = endpoint.close();
      await registry.closeAll();
      await closed;
      bundles.remove();
    },
  };
}
