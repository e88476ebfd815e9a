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
  readonly memorySize: number;
  readonly env: Record<string, string>;
  /** Most environments (worker threads) alive at once; further invocations wait in order. */
  readonly maxConcurrency: number;
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
  dead = false;

  constructor(private readonly options: PoolOptions) {
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

  invoke(payload: string, context: InvokeContext): Promise<InvokeOutcome> {
    const id = this.nextId++;
    const timeoutMs = this.options.timeoutSeconds * 1000;
    const started = Date.now();
    return new Promise<InvokeOutcome>((resolve) => {
      const timer = setTimeout(() => {
        if (!this.pending || this.pending.id !== id) return;
        this.pending = undefined;
        this.dead = true;
        void this.worker.terminate();
        const elapsed = Math.max(Date.now() - started, timeoutMs) / 1000;
        resolve({
          kind: 'error',
          reason: 'timeout',
          // AWS answers a timeout with a document that has no errorType (Step Functions then reports Lambda.Unknown).
          error: {
            errorMessage: `${new Date().toISOString()} ${context.awsRequestId} Task timed out after ${elapsed.toFixed(2)} seconds`,
          },
        });
      }, timeoutMs);
      this.pending = {
        id,
        requestId: context.awsRequestId,
        settle: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      };
      this.worker.postMessage({ type: 'invoke', id, payload, context, deadline: started + timeoutMs });
    });
  }

  terminate(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }
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
    if (!env) {
      return {
        kind: 'error',
        reason: 'crash',
        error: { errorType: 'Runtime.ExitError', errorMessage: 'the local Lambda service is shutting down' },
      };
    }
    const initError = await env.ready;
    if (initError) {
      this.discard(env);
      return { kind: 'error', reason: 'function', error: initError };
    }
    const outcome = await env.invoke(payload, context);
    if (env.dead) this.discard(env);
    else this.release(env);
    return outcome;
  }

  private acquire(): Promise<Environment | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const warm = this.idle.pop();
    if (warm) return Promise.resolve(warm);
    if (this.alive < this.options.maxConcurrency) {
      return Promise.resolve(this.create());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(env: Environment): void {
    const next = this.waiting.shift();
    if (next) next(env);
    else this.idle.push(env);
  }

  private create(): Environment {
    const env = new Environment(this.options);
    this.alive++;
    this.all.add(env);
    return env;
  }

  private discard(env: Environment): void {
    void env.terminate();
    this.all.delete(env);
    this.alive--;
    const next = this.waiting.shift();
    if (next) next(this.create());
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const resolve of this.waiting.splice(0)) resolve(undefined);
    this.idle.length = 0;
    await Promise.all([...this.all].map((env) => env.terminate()));
    this.all.clear();
  }
}
