import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadedHandler } from './handler-loader';

/** The error document a Node.js Lambda runtime returns (`X-Amz-Function-Error` responses). */
export interface ErrorDocument {
  readonly errorType?: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/** What one invocation produced: a JSON payload, or a function error document. */
export type InvokeOutcome =
  | { readonly kind: 'result'; readonly payload: string }
  | {
      readonly kind: 'error';
      readonly error: ErrorDocument;
      readonly reason: 'function' | 'timeout' | 'crash';
    };

export interface InvokeContext {
  readonly awsRequestId: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

export interface PoolOptions {
  readonly handler: LoadedHandler;
  readonly timeoutSeconds: number;
  /**
   * Budget of the init phase of a new environment (module load), outside the function timeout. When it
   * runs out, the environment is replaced and init runs again inside the invocation, under the function
   * timeout, as Lambda does. AWS's value is 10 s.
   */
  readonly initTimeoutSeconds: number;
  readonly memorySize: number;
  readonly env: Record<string, string>;
  /** Most environments (worker threads) alive at once; further invocations wait in order. */
  readonly maxConcurrency: number;
  /**
   * An environment idle this long is terminated, as Lambda reclaims idle execution environments,
   * so a burst's workers do not hold their memory afterwards. 0: never.
   */
  readonly idleTimeoutSeconds: number;
  readonly onLog?: (text: string) => void;
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'initError'; error: ErrorDocument }
  | { type: 'result'; id: number; payload: string }
  | { type: 'error'; id: number | undefined; error: ErrorDocument; fatal?: boolean };

const WORKER_SCRIPT = path.join(__dirname, 'worker.cjs');

/**
 * One execution environment: a worker thread that has loaded the handler. It runs one invocation at a time
 * and is thrown away after a timeout or a crash, exactly when Lambda would recycle the sandbox.
 */
class Environment {
  readonly worker: Worker;
  readonly ready: Promise<ErrorDocument | undefined>;
  private nextId = 1;
  private pending?: { id: number; settle: (outcome: InvokeOutcome) => void; requestId: string };
  readonly createdAt = Date.now();
  /** Set once an invocation has seen this environment's init succeed. */
  initialized = false;
  dead = false;
  /** While idle in the pool: the timer that reclaims it. */
  idleTimer?: NodeJS.Timeout;

  constructor(options: PoolOptions) {
    const capture = options.onLog !== undefined;
    this.worker = new Worker(WORKER_SCRIPT, {
      workerData: {
        modulePath: options.handler.modulePath,
        exportName: options.handler.exportName,
        handlerSpec: options.handler.spec,
      },
      env: options.env,
      resourceLimits: { maxOldGenerationSizeMb: Math.max(32, options.memorySize) },
      stdout: capture,
      stderr: capture,
    });
    if (capture) {
      this.worker.stdout.on('data', (chunk: Buffer) => options.onLog?.(chunk.toString()));
      this.worker.stderr.on('data', (chunk: Buffer) => options.onLog?.(chunk.toString()));
    }
    this.ready = new Promise((resolve) => {
      const onMessage = (msg: WorkerMessage): void => {
        if (msg.type === 'ready') resolve(undefined);
        else if (msg.type === 'initError') resolve(msg.error);
      };
      this.worker.on('message', onMessage);
      this.worker.once('exit', (code) =>
        resolve({
          errorType: 'Runtime.ExitError',
          errorMessage: `RequestId: init Error: Runtime exited with error: exit status ${code}`,
        }),
      );
    });
    this.worker.on('message', (msg: WorkerMessage) => {
      if ((msg.type === 'result' || msg.type === 'error') && this.pending && msg.id === this.pending.id) {
        const { settle } = this.pending;
        this.pending = undefined;
        if (msg.type === 'result') settle({ kind: 'result', payload: msg.payload });
        else settle({ kind: 'error', error: msg.error, reason: msg.fatal ? 'crash' : 'function' });
      }
    });
    let crashError: Error | undefined;
    this.worker.on('error', (err: Error & { code?: string }) => {
      crashError = err;
    });
    this.worker.on('exit', (code) => {
      this.dead = true;
      if (!this.pending) return;
      const { settle, requestId } = this.pending;
      this.pending = undefined;
      settle({ kind: 'error', reason: 'crash', error: crashDocument(requestId, code, crashError) });
    });
  }

  /** Runs one invocation that must end by `deadline` (epoch ms); the function timeout started at `started`. */
  invoke(payload: string, context: InvokeContext, started: number, deadline: number): Promise<InvokeOutcome> {
    const id = this.nextId++;
    return new Promise<InvokeOutcome>((resolve) => {
      const timer = setTimeout(
        () => {
          if (!this.pending || this.pending.id !== id) return;
          this.pending = undefined;
          this.dead = true;
          void this.worker.terminate();
          resolve(timeoutOutcome(context, started, deadline));
        },
        Math.max(0, deadline - Date.now()),
      );
      this.pending = {
        id,
        requestId: context.awsRequestId,
        settle: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      };
      this.worker.postMessage({ type: 'invoke', id, payload, context, deadline });
    });
  }

  terminate(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }
}

/**
 * AWS answers a timeout with a document that has no errorType (Step Functions then reports Lambda.Unknown).
 * The elapsed time counts from the start of the function timeout, so an init that runs inside the
 * invocation (after the init phase ran out) is included, as on AWS.
 */
function timeoutOutcome(context: InvokeContext, started: number, deadline: number): InvokeOutcome {
  const elapsed = Math.max(Date.now() - started, deadline - started) / 1000;
  return {
    kind: 'error',
    reason: 'timeout',
    error: {
      errorMessage: `${new Date().toISOString()} ${context.awsRequestId} Task timed out after ${elapsed.toFixed(2)} seconds`,
    },
  };
}

const INIT_TIMED_OUT = Symbol('init timed out');

/** `promise`, or INIT_TIMED_OUT if it has not settled by `deadline` (epoch ms). */
function before<T>(promise: Promise<T>, deadline: number): Promise<T | typeof INIT_TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof INIT_TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(INIT_TIMED_OUT), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

function crashDocument(
  requestId: string,
  code: number,
  error: (Error & { code?: string }) | undefined,
): ErrorDocument {
  if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return {
      errorType: 'Runtime.OutOfMemory',
      errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`,
    };
  }
  if (error) {
    // An uncaught exception: the Node.js runtime reports that error, then the environment is discarded.
    return {
      errorType: String(error.name ?? 'Error'),
      errorMessage: String(error.message ?? ''),
      trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
    };
  }
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}`,
  };
}

const SHUTTING_DOWN: InvokeOutcome = {
  kind: 'error',
  reason: 'crash',
  error: { errorType: 'Runtime.ExitError', errorMessage: 'the local Lambda service is shutting down' },
};

/** Warm environments for one function, created on demand up to `maxConcurrency`. */
export class FunctionPool {
  private readonly idle: Environment[] = [];
  private readonly all = new Set<Environment>();
  private readonly waiting: Array<(env: Environment | undefined) => void> = [];
  private alive = 0;
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  async invoke(payload: string, context: InvokeContext): Promise<InvokeOutcome> {
    const env = await this.acquire();
    if (!env) return SHUTTING_DOWN;
    let ready = env;
    let initError: ErrorDocument | undefined;
    let started = Date.now();
    const timeoutMs = this.options.timeoutSeconds * 1000;
    if (!env.initialized) {
      // The init phase has its own budget, outside the function timeout.
      const first = await before(env.ready, env.createdAt + this.options.initTimeoutSeconds * 1000);
      if (first === INIT_TIMED_OUT) {
        if (this.closed) {
          this.discard(env);
          return SHUTTING_DOWN;
        }
        // Lambda gives up on that environment and runs init again inside this invocation, under the
        // function timeout: from now on, init time counts against it.
        ready = this.replace(env);
        started = Date.now();
        const second = await before(ready.ready, started + timeoutMs);
        if (second === INIT_TIMED_OUT) {
          this.discard(ready);
          return timeoutOutcome(context, started, started + timeoutMs);
        }
        initError = second;
      } else {
        initError = first;
        started = Date.now();
      }
    }
    if (initError) {
      this.discard(ready);
      return { kind: 'error', reason: 'function', error: initError };
    }
    ready.initialized = true;
    const outcome = await ready.invoke(payload, context, started, started + timeoutMs);
    if (ready.dead) this.discard(ready);
    else this.release(ready);
    return outcome;
  }

  private acquire(): Promise<Environment | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const warm = this.idle.pop();
    if (warm) {
      clearTimeout(warm.idleTimer);
      return Promise.resolve(warm);
    }
    if (this.alive < this.options.maxConcurrency) {
      return Promise.resolve(this.create());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(env: Environment): void {
    const next = this.waiting.shift();
    if (next) {
      next(env);
      return;
    }
    this.idle.push(env);
    if (this.options.idleTimeoutSeconds > 0) {
      env.idleTimer = setTimeout(() => this.reclaim(env), this.options.idleTimeoutSeconds * 1000);
      env.idleTimer.unref();
    }
  }

  /** Terminates `env` if it is still idle. */
  private reclaim(env: Environment): boolean {
    const index = this.idle.indexOf(env);
    if (index < 0) return false;
    this.idle.splice(index, 1);
    clearTimeout(env.idleTimer);
    this.remove(env);
    return true;
  }

  /** Terminates every idle environment now (what the idle timeout does later); returns how many. */
  reclaimIdle(): number {
    let reclaimed = 0;
    for (const env of [...this.idle]) if (this.reclaim(env)) reclaimed++;
    return reclaimed;
  }

  /** Environments alive (idle or busy). */
  get environments(): number {
    return this.alive;
  }

  private create(): Environment {
    const env = new Environment(this.options);
    this.alive++;
    this.all.add(env);
    return env;
  }

  /** Terminates `env` and frees its slot. */
  private remove(env: Environment): void {
    void env.terminate();
    this.all.delete(env);
    this.alive--;
  }

  /** Removes a dead or failed `env`; a waiting invocation gets a new environment in its slot. */
  private discard(env: Environment): void {
    this.remove(env);
    const next = this.waiting.shift();
    if (next) next(this.create());
  }

  /** A new environment in the slot of `env`, which is terminated (a spinning init is stopped too). */
  private replace(env: Environment): Environment {
    void env.terminate();
    this.all.delete(env);
    const fresh = new Environment(this.options);
    this.all.add(fresh);
    return fresh;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const resolve of this.waiting.splice(0)) resolve(undefined);
    for (const env of this.idle) clearTimeout(env.idleTimer);
    this.idle.length = 0;
    await Promise.all([...this.all].map((env) => env.terminate()));
    this.all.clear();
  }
}
