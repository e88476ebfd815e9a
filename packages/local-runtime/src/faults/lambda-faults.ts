/**
 * Fault hooks for the local Lambda service: business errors before the handler runs and after it
 * ran (its side effects done), a 500 ServiceException after it ran, and an answer held until the
 * caller has given up (a timeout after the work was done). Each kind is a share of invocations, off
 * by default, decided per invocation and counted.
 */
import {
  type AfterInvokeHook,
  type BeforeInvokeHook,
  type InvokeInfo,
  type LambdaService,
  serviceFaults,
} from '../lambda';
import { checkRate, type RandomSource } from './random';

export interface LambdaFaultRates {
  /** The function fails without running: a function error, the handler is not called. @default 0 */
  readonly businessErrorBefore?: number;
  /** The handler ran (its side effects happened), then its answer is replaced by a function error. @default 0 */
  readonly businessErrorAfter?: number;
  /** The handler ran, then the Lambda service answers 500 ServiceException. @default 0 */
  readonly serviceErrorAfterRun?: number;
  /**
   * The handler ran, then its answer is held for `timeoutHoldMs`: a caller whose timeout is shorter
   * (a Task's TimeoutSeconds) gives up first, not knowing the work was done. @default 0
   */
  readonly timeout?: number;
  /** How long a timed-out answer is held. @default 30000 */
  readonly timeoutHoldMs?: number;
}

export type LambdaFaultKind =
  | 'businessErrorBefore'
  | 'businessErrorAfter'
  | 'serviceErrorAfterRun'
  | 'timeout';

export const LAMBDA_FAULT_KINDS: readonly LambdaFaultKind[] = [
  'businessErrorBefore',
  'businessErrorAfter',
  'serviceErrorAfterRun',
  'timeout',
];

/** The errorType of an injected business error: the Step Functions error name the execution sees. */
export const INJECTED_BUSINESS_ERROR = 'InjectedBusinessError';

export interface LambdaFault {
  readonly kind: LambdaFaultKind;
  readonly invocation: InvokeInfo;
}

export interface LambdaFaultOptions {
  readonly rates?: LambdaFaultRates;
  /** Which functions get faults. @default every function */
  readonly functions?: (functionName: string) => boolean;
  /** @default Math.random */
  readonly random?: RandomSource;
  /** Told of every injected fault when it is decided. */
  readonly onFault?: (fault: LambdaFault) => void;
}

export interface LambdaFaults {
  readonly beforeInvoke: BeforeInvokeHook;
  readonly afterInvoke: AfterInvokeHook;
  counts(): Record<LambdaFaultKind, number>;
  /** Replaces the rates (absent shares become 0). */
  configure(rates: LambdaFaultRates): void;
  /** Lets every held answer go now (before stopping the Lambda service). */
  releaseHeld(): void;
}

interface Resolved {
  readonly businessErrorBefore: number;
  readonly businessErrorAfter: number;
  readonly serviceErrorAfterRun: number;
  readonly timeout: number;
  readonly timeoutHoldMs: number;
}

function resolveRates(rates: LambdaFaultRates): Resolved {
  const resolved = {
    businessErrorBefore: checkRate('businessErrorBefore', rates.businessErrorBefore),
    businessErrorAfter: checkRate('businessErrorAfter', rates.businessErrorAfter),
    serviceErrorAfterRun: checkRate('serviceErrorAfterRun', rates.serviceErrorAfterRun),
    timeout: checkRate('timeout', rates.timeout),
    timeoutHoldMs: rates.timeoutHoldMs ?? 30_000,
  };
  if (resolved.businessErrorAfter + resolved.serviceErrorAfterRun + resolved.timeout > 1) {
    throw new RangeError('businessErrorAfter, serviceErrorAfterRun and timeout must add up to at most 1');
  }
  return resolved;
}

/** Creates the hooks; give them to the service with `installLambdaFaults` or your own wrapper. */
export function lambdaFaults(options: LambdaFaultOptions = {}): LambdaFaults {
  const random = options.random ?? Math.random;
  const applies = options.functions ?? (() => true);
  let rates = resolveRates(options.rates ?? {});
  const counts: Record<LambdaFaultKind, number> = {
    businessErrorBefore: 0,
    businessErrorAfter: 0,
    serviceErrorAfterRun: 0,
    timeout: 0,
  };
  const held = new Set<() => void>();
  const record = (kind: LambdaFaultKind, invocation: InvokeInfo) => {
    counts[kind]++;
    options.onFault?.({ kind, invocation });
  };
  const businessError = (when: string) => ({
    functionError: {
      errorType: INJECTED_BUSINESS_ERROR,
      errorMessage: `injected business error (${when} the side effect)`,
    },
  });
  return {
    beforeInvoke(info) {
      if (info.invocationType !== 'RequestResponse' || !applies(info.functionName)) return undefined;
      if (rates.businessErrorBefore > 0 && random() < rates.businessErrorBefore) {
        record('businessErrorBefore', info);
        return businessError('before');
      }
      return undefined;
    },
    async afterInvoke(info) {
      if (!applies(info.functionName)) return undefined;
      const draw = random();
      if (draw < rates.businessErrorAfter) {
        record('businessErrorAfter', info);
        return businessError('after');
      }
      if (draw < rates.businessErrorAfter + rates.serviceErrorAfterRun) {
        record('serviceErrorAfterRun', info);
        return serviceFaults.serviceException();
      }
      if (draw < rates.businessErrorAfter + rates.serviceErrorAfterRun + rates.timeout) {
        record('timeout', info);
        await new Promise<void>((resolve) => {
          const release = () => {
            clearTimeout(timer);
            held.delete(release);
            resolve();
          };
          const timer = setTimeout(release, rates.timeoutHoldMs);
          held.add(release);
        });
      }
      return undefined;
    },
    counts: () => ({ ...counts }),
    configure(next) {
      rates = resolveRates(next);
    },
    releaseHeld() {
      for (const release of [...held]) release();
    },
  };
}

/** Installs the hooks as the service-wide hooks of `service`; returns a function that removes them. */
export function installLambdaFaults(service: LambdaService, faults: LambdaFaults): () => void {
  service.setBeforeInvoke(faults.beforeInvoke);
  service.setAfterInvoke(faults.afterInvoke);
  return () => {
    faults.releaseHeld();
    service.setBeforeInvoke(undefined);
    service.setAfterInvoke(undefined);
  };
}
