/**
 * Last-resort cleanup of what the local runtime leaves outside this process (DynamoDB Local JVMs, Lambda
 * bundle folders) when the process ends without `stop()`.
 *
 * - On `exit` (including `process.exit()` from an application's own signal handler), every cleanup runs.
 * - On SIGINT, SIGTERM and SIGHUP, the cleanups run only when nobody else listens for that signal: the
 *   process is then about to die by it, so they run and the signal is raised again to keep its default
 *   effect. An application that handles the signal itself owns the shutdown: its `stop()` can still use
 *   the services, and the `exit` hook covers whatever it leaves.
 *
 * Cleanups must be synchronous: they may run inside an `exit` listener.
 */

type Cleanup = () => void;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

// Marks this module's listeners, so that copies of the module (Jest loads one per test file) do not
// count each other as an application that handles the signal.
const OURS = Symbol.for('sfn-idempotency-blueprint.process-cleanup.listener');

interface Registry {
  readonly cleanups: Set<Cleanup>;
  installed: boolean;
}

const KEY = Symbol.for('sfn-idempotency-blueprint.process-cleanup');
const globals = globalThis as Record<symbol, Registry | undefined>;
const registry: Registry = globals[KEY] ?? { cleanups: new Set(), installed: false };
globals[KEY] = registry;

function runAll(): void {
  for (const cleanup of [...registry.cleanups]) {
    try {
      cleanup();
    } catch {
      // one failing cleanup must not keep the others from running
    }
  }
}

/** Whether a listener other than this module's (an application's own handler) listens for `signal`. */
function signalHasOwner(signal: NodeJS.Signals): boolean {
  return process.listeners(signal).some((listener) => !(OURS in listener));
}

function install(): void {
  if (registry.installed) return;
  registry.installed = true;
  process.on('exit', runAll);
  for (const signal of SIGNALS) {
    const onSignal = Object.assign(
      (): void => {
        if (signalHasOwner(signal)) return;
        runAll();
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      },
      { [OURS]: true },
    );
    process.on(signal, onSignal);
  }
}

/** Registers `cleanup` to run if the process ends before it is unregistered; returns the unregister function. */
export function onProcessEnd(cleanup: Cleanup): () => void {
  install();
  registry.cleanups.add(cleanup);
  return () => {
    registry.cleanups.delete(cleanup);
  };
}
