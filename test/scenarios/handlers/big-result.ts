/**
 * Scenario business function: records its call, then answers with a string of `resultBytes`
 * characters, to produce a result larger than Step Functions accepts (256 KiB).
 */
import { type LambdaContextLike, recordCall } from './calls';

export async function handler(event: unknown, context?: LambdaContextLike): Promise<string> {
  recordCall(event, context);
  const size = (event as { resultBytes?: unknown } | null)?.resultBytes;
  return 'x'.repeat(typeof size === 'number' ? size : 0);
}
