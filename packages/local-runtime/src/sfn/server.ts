import { type HttpEndpoint, serveAwsJson } from '../aws-json-server';
import type { StepFunctionsApi } from './api';
import { StepFunctionsApiError } from './errors';

export type { HttpEndpoint } from '../aws-json-server';

/** Serves `api` over the Step Functions wire protocol (AWS JSON 1.0) on 127.0.0.1 (`port` 0 picks a free port). */
export const listen = (api: StepFunctionsApi, port: number, host = '127.0.0.1'): Promise<HttpEndpoint> =>
  serveAwsJson(
    {
      targetPrefix: 'AWSStepFunctions.',
      version: '1.0',
      call: (operation, input) => api.call(operation, input),
      errorOf: (error) => (error instanceof StepFunctionsApiError ? { type: error.name } : undefined),
      internalErrorType: 'InternalFailure',
    },
    port,
    host,
  );
