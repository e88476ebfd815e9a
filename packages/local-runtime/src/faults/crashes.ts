/**
 * Crashes at the two windows of a Task that idempotency cares about, staged with StopExecution
 * from the Step Functions service's in-process feed of history events:
 * - `whileRunning`: the execution is stopped while the task's call is in flight (after its
 *   TaskStarted, before it ends); the call itself goes on, as a Lambda invocation does on AWS;
 * - `afterSuccess`: the execution is stopped the moment the task's TaskSucceeded is recorded, so
 *   the next state never starts (for a business step: its result is never recorded).
 * The definition is not changed; each window is a share of the state's runs, off by default.
 */
import type { HistoryEvent } from '../engine/types';
import type { StepFunctionsApi } from '../sfn';
import { checkRate, type RandomSource } from './random';

export interface CrashRates {
  /** Share of the state's runs stopped while its call is in flight. @default 0 */
  readonly whileRunning?: number;
  /** Share of the state's successful runs stopped right after TaskSucceeded. @default 0 */
  readonly afterSuccess?: number;
  /**
   * A crash while running comes a random 0 to this many milliseconds after TaskStarted (if the
   * call ended first, that run is not crashed). @default 50
   */
  readonly whileRunningMaxDelayMs?: number;
}

export type CrashKind = 'whileRunning' | 'afterSuccess';

export const CRASH_KINDS: readonly CrashKind[] = ['whileRunning', 'afterSuccess'];

export interface Crash {
  readonly kind: CrashKind;
  readonly executionArn: string;
  /** The execution input (JSON text). */
  readonly input: string;
}

export interface CrashOptions {
  /** The Task state whose runs are interrupted, e.g. the business step. */
  readonly stateName: string;
  readonly rates?: CrashRates;
  /** Which state machines. @default every one */
  readonly stateMachines?: (stateMachineArn: string) => boolean;
  /** @default Math.random */
  readonly random?: RandomSource;
  /** Told of every crash, after StopExecution. */
  readonly onCrash?: (crash: Crash) => void;
  /** The error StopExecution records. @default 'Crash.Injected' */
  readonly error?: string;
}

export interface CrashInjector {
  counts(): Record<CrashKind, number>;
  /** Replaces the rates (absent shares become 0). */
  configure(rates: CrashRates): void;
  /** Stops watching; pending crashes are dropped. */
  stop(): void;
}

interface Tracked {
  /** The state the execution is in, from its last *StateEntered. */
  state?: string;
  /** The task of `stateName` is in flight. */
  inTask: boolean;
  timer?: NodeJS.Timeout;
}

function resolveRates(rates: CrashRates) {
  return {
    whileRunning: checkRate('whileRunning', rates.whileRunning),
    afterSuccess: checkRate('afterSuccess', rates.afterSuccess),
    whileRunningMaxDelayMs: rates.whileRunningMaxDelayMs ?? 50,
  };
}

/** Watches `api`'s executions and stops a share of them at the windows of `stateName`. */
export function injectCrashes(api: StepFunctionsApi, options: CrashOptions): CrashInjector {
  const random = options.random ?? Math.random;
  const selected = options.stateMachines ?? (() => true);
  const error = options.error ?? 'Crash.Injected';
  let rates = resolveRates(options.rates ?? {});
  const counts: Record<CrashKind, number> = { whileRunning: 0, afterSuccess: 0 };
  const tracked = new Map<string, Tracked>();

  const crash = (kind: CrashKind, executionArn: string, input: string) => {
    const record = api.execution(executionArn);
    if (record?.status !== 'RUNNING') return;
    // Synchronous, inside the feed: the engine checks for the stop before it enters the next state.
    api.stopExecution({
      executionArn,
      error,
      cause: `injected crash (${kind === 'whileRunning' ? 'while the task ran' : 'after the task succeeded, before the next state'})`,
    });
    counts[kind]++;
    options.onCrash?.({ kind, executionArn, input });
  };

  const onHistory = (executionArn: string, input: string, event: HistoryEvent) => {
    const state = tracked.get(executionArn);
    if (!state) return;
    if (event.type.endsWith('StateEntered')) {
      state.state = (event.stateEnteredEventDetails as { name?: string } | undefined)?.name;
      return;
    }
    if (state.state !== options.stateName) return;
    if (event.type === 'TaskStarted') {
      state.inTask = true;
      if (rates.whileRunning > 0 && random() < rates.whileRunning) {
        state.timer = setTimeout(
          () => {
            state.timer = undefined;
            if (state.inTask && state.state === options.stateName) crash('whileRunning', executionArn, input);
          },
          Math.floor(random() * rates.whileRunningMaxDelayMs),
        );
      }
    } else if (
      event.type === 'TaskSucceeded' ||
      event.type === 'TaskFailed' ||
      event.type === 'TaskTimedOut'
    ) {
      state.inTask = false;
      if (event.type === 'TaskSucceeded' && rates.afterSuccess > 0 && random() < rates.afterSuccess) {
        crash('afterSuccess', executionArn, input);
      }
    }
  };

  const unsubscribe = api.subscribe((event) => {
    const { executionArn, input, stateMachineArn, type } = event.execution;
    if (event.kind === 'executionStarted') {
      if (type === 'STANDARD' && selected(stateMachineArn)) tracked.set(executionArn, { inTask: false });
    } else if (event.kind === 'historyEvent') {
      onHistory(executionArn, input, event.event);
    } else {
      const state = tracked.get(executionArn);
      if (state?.timer) clearTimeout(state.timer);
      tracked.delete(executionArn);
    }
  });

  return {
    counts: () => ({ ...counts }),
    configure(next) {
      rates = resolveRates(next);
    },
    stop() {
      unsubscribe();
      for (const state of tracked.values()) if (state.timer) clearTimeout(state.timer);
      tracked.clear();
    },
  };
}
