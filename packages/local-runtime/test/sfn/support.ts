/**
 * What the Step Functions endpoint tests share: an SDK client for a local endpoint, the name and
 * message of a refused call, and raw JSON 1.0 requests for bodies the SDK would never send.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { LOCAL_AWS_CONFIG } from '../../src/dynamodb-local';

/**
 * An SFN client for a local endpoint: no retries, so every answer is the service's first, and no
 * `sync-` host prefix (StartSyncExecution and TestState carry it; a loopback address has no such host).
 */
export function localSfnClient(endpoint: string): SFNClient {
  return new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_AWS_CONFIG.credentials,
    disableHostPrefix: true,
    maxAttempts: 1,
  });
}

/** The error a call was refused with. */
export async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const { name, message } = error as Error;
    return { name, message };
  }
  throw new Error('expected the call to fail');
}

/** A raw JSON 1.0 request with any target and body text. */
export async function sendRaw(
  endpoint: string,
  target: string,
  body: string,
): Promise<{ status: number; errorType: string | null; json: Record<string, unknown> }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': target },
    body,
  });
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-ErrorType'),
    json: (await response.json()) as Record<string, unknown>,
  };
}
