/**
 * The local EventBridge endpoint: AWS JSON 1.1 (`X-Amz-Target: AWSEvents.<Operation>`), PutEvents
 * only, so `aws events put-events --endpoint-url` and `@aws-sdk/client-eventbridge` work against it.
 */
import { serveAwsJson } from '../aws-json-server';
import type { LocalEventBus } from '../events';
import { EventBridgeApiError, putEvents } from './put-events';

export interface EventBridgeServiceOptions {
  /** The bus PutEvents publishes on (its rules start state machines). */
  readonly bus: LocalEventBus;
  /** Port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly accountId?: string;
}

export interface EventBridgeService {
  /** `http://127.0.0.1:<port>`, for `new EventBridgeClient({ endpoint })` or `AWS_ENDPOINT_URL_EVENTBRIDGE`. */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts the PutEvents endpoint on the loopback interface. */
export async function startEventBridgeService(
  options: EventBridgeServiceOptions,
): Promise<EventBridgeService> {
  const location = {
    region: options.region ?? 'us-east-1',
    accountId: options.accountId ?? '123456789012',
  };
  const http = await serveAwsJson(
    {
      targetPrefix: 'AWSEvents.',
      version: '1.1',
      call: (operation, input) => {
        if (operation !== 'PutEvents') {
          throw new EventBridgeApiError(
            'UnknownOperationException',
            `the local EventBridge endpoint implements PutEvents only, not ${operation}; rules come from the deployed app`,
          );
        }
        return putEvents(options.bus, input, location);
      },
      errorOf: (error) => (error instanceof EventBridgeApiError ? { type: error.errorType } : undefined),
      internalErrorType: 'InternalException',
    },
    options.port ?? 0,
  );
  return { endpoint: http.endpoint, port: http.port, stop: () => http.close() };
}
