import { randomBytes } from 'node:crypto';
import type { AfterInvokeHook, BeforeInvokeHook } from './faults';
import { loadHandler } from './handler-loader';
import { FunctionPool } from './pool';

/** AWS's default function timeout and memory when a function does not set them. */
export const DEFAULT_TIMEOUT_SECONDS = 3;
export const DEFAULT_MEMORY_SIZE = 128;
/** Lambda's budget for the init phase of a new execution environment (not configurable on AWS). */
export const INIT_TIMEOUT_SECONDS = 10;
/** Environments (worker threads) one function may run at once; further invocations queue. */
export const DEFAULT_MAX_CONCURRENCY = 8;
/**
 * Seconds an idle environment is kept warm before it is terminated. Lambda reclaims idle
 * environments after an undocumented while (minutes); locally a minute keeps a working session warm
 * and gives a burst's memory back soon after it.
 */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 60;

export interface LocalFunctionConfig {
  /** Module and export, e.g. `handlers/payment.ts#handler` (TypeScript or JavaScript), relative to `baseDir`. */
  readonly handler: string;
  /** @default 3 (AWS's default) */
  readonly timeoutSeconds?: number;
  /** Also the worker's heap limit in MB. @default 128 */
  readonly memorySize?: number;
  /** Environment variables of the function (the host environment is not inherited, as on AWS). */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 8 */
  readonly maxConcurrency?: number;
  readonly beforeInvoke?: BeforeInvokeHook;
  readonly afterInvoke?: AfterInvokeHook;
}

export interface RegisteredFunction {
  readonly config: LocalFunctionConfig;
  readonly pool: FunctionPool;
  readonly logStreamName: string;
  /** Invocations that reached the handler. */
  invocations: number;
}

export interface FunctionRegistryOptions {
  readonly region: string;
  readonly accountId: string;
  /** Folder handler paths are relative to; the functions' LAMBDA_TASK_ROOT. */
  readonly baseDir: string;
  /** Where TypeScript handlers are bundled. */
  readonly outDir: string;
  readonly initTimeoutSeconds: number;
  /** 0: environments stay warm until the service stops. */
  readonly idleTimeoutSeconds: number;
  readonly onLog?: (functionName: string, text: string) => void;
}

/** The functions of one local Lambda service by name, each with its pool of execution environments. */
export class FunctionRegistry {
  private readonly functions = new Map<string, RegisteredFunction>();

  constructor(private readonly options: FunctionRegistryOptions) {}

  /** `arn:aws:lambda:<region>:<account>:function:<name>` */
  functionArn(name: string): string {
    return `arn:aws:lambda:${this.options.region}:${this.options.accountId}:function:${name}`;
  }

  /**
   * Registers (or replaces) a function. The handler is resolved and TypeScript compiled here, once, so a
   * bad handler spec throws HandlerLoadError now rather than at the first invocation.
   */
  register(name: string, config: LocalFunctionConfig): void {
    const { region, baseDir, outDir, initTimeoutSeconds, idleTimeoutSeconds, onLog } = this.options;
    const handler = loadHandler(config.handler, baseDir, outDir);
    const memorySize = config.memorySize ?? DEFAULT_MEMORY_SIZE;
    const logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${process.versions.node.split('.')[0]}.x`,
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
      LAMBDA_TASK_ROOT: baseDir,
      _HANDLER: config.handler,
      ...config.environment,
    };
    const pool = new FunctionPool({
      handler,
      timeoutSeconds: config.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      initTimeoutSeconds,
      memorySize,
      env,
      maxConcurrency: config.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      idleTimeoutSeconds,
      onLog: onLog ? (text) => onLog(name, text) : undefined,
    });
    const previous = this.functions.get(name);
    this.functions.set(name, { config, pool, logStreamName, invocations: 0 });
    if (previous) void previous.pool.close();
  }

  get(name: string): RegisteredFunction | undefined {
    return this.functions.get(name);
  }

  /** Invocations that reached a handler, for one function or all of them. */
  invocations(name?: string): number {
    return name === undefined
      ? [...this.functions.values()].reduce((sum, fn) => sum + fn.invocations, 0)
      : (this.functions.get(name)?.invocations ?? 0);
  }

  /** Terminates every idle environment of every function now; returns how many. */
  reclaimIdle(): number {
    return [...this.functions.values()].reduce((sum, fn) => sum + fn.pool.reclaimIdle(), 0);
  }

  /** Environments alive, over all functions. */
  environments(): number {
    return [...this.functions.values()].reduce((sum, fn) => sum + fn.pool.environments, 0);
  }

  /** Terminates every function's workers. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.functions.values()].map((fn) => fn.pool.close()));
  }
}
