import { MAX_TIMER_MS } from '../run';
import type { TaskTokens } from '../task-tokens';

/** No SendTaskHeartbeat (or SendTaskSuccess/Failure) within `HeartbeatSeconds`: the task fails with States.HeartbeatTimeout. */
export class HeartbeatTimeout extends Error {}

/**
 * The wait of a `.waitForTaskToken` task after its request was submitted: resolves with the output of
 * SendTaskSuccess, rejects with the StatesError of SendTaskFailure, with HeartbeatTimeout when
 * `heartbeatSeconds` pass without a heartbeat, or with the signal's reason when the task is aborted
 * (task timeout, execution stopped). The token is closed however the wait ends.
 */
export function waitForCallback(
  tokens: TaskTokens,
  token: string,
  heartbeatSeconds: number | undefined,
  signal: AbortSignal,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let heartbeatTimer: NodeJS.Timeout | undefined;
    const end = () => {
      if (heartbeatTimer !== undefined) clearTimeout(heartbeatTimer);
      signal.removeEventListener('abort', onAbort);
      tokens.close(token);
    };
    const onAbort = () => {
      end();
      reject(signal.reason);
    };
    const armHeartbeat = () => {
      if (heartbeatSeconds === undefined || heartbeatSeconds * 1000 > MAX_TIMER_MS) return;
      if (heartbeatTimer !== undefined) clearTimeout(heartbeatTimer);
      heartbeatTimer = setTimeout(() => {
        end();
        reject(new HeartbeatTimeout());
      }, heartbeatSeconds * 1000);
    };
    if (signal.aborted) {
      tokens.close(token);
      reject(signal.reason);
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    armHeartbeat();
    tokens.listen(
      token,
      (outcome) => {
        end();
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.output);
      },
      armHeartbeat,
    );
  });
}
