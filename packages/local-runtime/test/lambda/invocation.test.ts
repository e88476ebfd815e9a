import { parseFunctionName } from '../../src/lambda/http';
import { type InvokeRequest, Invoker, MAX_SYNC_PAYLOAD_BYTES } from '../../src/lambda/invocation';
import type { FunctionPool, InvokeContext, InvokeOutcome } from '../../src/lambda/pool';
import {
  FunctionRegistry,
  type LocalFunctionConfig,
  type RegisteredFunction,
} from '../../src/lambda/registry';

const registry = new FunctionRegistry({
  region: 'eu-west-1',
  accountId: '111122223333',
  baseDir: __dirname,
  outDir: __dirname,
  initTimeoutSeconds: 10,
  idleTimeoutSeconds: 0,
});

/** A registered function whose pool answers with `outcome` and records what it was given, without workers. */
const stubFunction = (
  outcome: InvokeOutcome = { kind: 'result', payload: '"ok"' },
  config: Partial<LocalFunctionConfig> = {},
): { fn: RegisteredFunction; calls: [string, InvokeContext][] } => {
  const calls: [string, InvokeContext][] = [];
  const pool = {
    invoke: async (payload: string, context: InvokeContext) => {
      calls.push([payload, context]);
      return outcome;
    },
  } as unknown as FunctionPool;
  return {
    fn: { config: { handler: 'stub.ts', ...config }, pool, logStreamName: 'stream', invocations: 0 },
    calls,
  };
};

const request = (overrides: Partial<InvokeRequest> = {}): InvokeRequest => ({
  requestId: 'request-1',
  functionName: 'echo',
  qualifier: undefined,
  invocationType: 'RequestResponse',
  body: Buffer.from('{"a":1}'),
  ...overrides,
});

describe('Invoker', () => {
  test('Given an empty body and a qualifier, When invoked, Then the handler gets {} and a context naming the qualified ARN', async () => {
    const { fn, calls } = stubFunction(undefined, { memorySize: 256 });
    const result = await new Invoker(registry, undefined).invoke(
      fn,
      request({ body: Buffer.alloc(0), qualifier: '$LATEST' }),
    );
    expect(result).toMatchObject({ kind: 'response', payload: '"ok"', functionError: false });
    expect(calls).toEqual([
      [
        '{}',
        expect.objectContaining({
          awsRequestId: 'request-1',
          invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:echo:$LATEST',
          memoryLimitInMB: '256',
          logStreamName: 'stream',
        }),
      ],
    ]);
    expect(fn.invocations).toBe(1);
  });

  test('Given a request over 6 MB, When invoked, Then RequestTooLargeException comes back and the handler does not run', async () => {
    const { fn, calls } = stubFunction();
    const result = await new Invoker(registry, undefined).invoke(
      fn,
      request({ body: Buffer.alloc(MAX_SYNC_PAYLOAD_BYTES + 1, 0x20) }),
    );
    expect(result).toEqual({
      kind: 'fault',
      fault: expect.objectContaining({ statusCode: 413, errorType: 'RequestTooLargeException' }),
    });
    expect(calls).toEqual([]);
  });

  test('Given a service-wide and a function hook that both fault, When invoked, Then the service-wide fault wins and nothing is counted', async () => {
    const functionHook = jest.fn(() => ({ statusCode: 500, errorType: 'FromFunction', message: 'f' }));
    const { fn, calls } = stubFunction(undefined, { beforeInvoke: functionHook });
    const invoker = new Invoker(registry, () => ({
      statusCode: 429,
      errorType: 'FromService',
      message: 's',
    }));
    const result = await invoker.invoke(fn, request());
    expect(result).toEqual({
      kind: 'fault',
      fault: { statusCode: 429, errorType: 'FromService', message: 's' },
    });
    expect(functionHook).not.toHaveBeenCalled();
    expect([calls.length, fn.invocations]).toEqual([0, 0]);
  });

  test('Given DryRun, When invoked, Then the checks pass and the handler does not run', async () => {
    const { fn, calls } = stubFunction();
    const result = await new Invoker(registry, undefined).invoke(fn, request({ invocationType: 'DryRun' }));
    expect(result).toEqual({ kind: 'dryRun', traceId: expect.stringMatching(/^Root=1-[0-9a-f]{8}-/) });
    expect([calls.length, fn.invocations]).toEqual([0, 0]);
  });

  test('Given a handler result over 6 MB, When invoked, Then a Function.ResponseSizeTooLarge function error comes back', async () => {
    const { fn } = stubFunction({ kind: 'result', payload: `"${'x'.repeat(MAX_SYNC_PAYLOAD_BYTES)}"` });
    const result = await new Invoker(registry, undefined).invoke(fn, request());
    expect(result).toMatchObject({ kind: 'response', functionError: true });
    expect(JSON.parse((result as { payload: string }).payload)).toMatchObject({
      errorType: 'Function.ResponseSizeTooLarge',
    });
  });
});

describe('parseFunctionName', () => {
  test.each([
    ['echo', { name: 'echo' }],
    ['echo:$LATEST', { name: 'echo', qualifier: '$LATEST' }],
    ['arn:aws:lambda:us-east-1:123456789012:function:echo', { name: 'echo', qualifier: undefined }],
    ['arn:aws:lambda:us-east-1:123456789012:function:echo:live', { name: 'echo', qualifier: 'live' }],
    ['123456789012:function:echo:7', { name: 'echo', qualifier: '7' }],
  ])('Given %s, When parsed, Then name and qualifier are split', (raw, expected) => {
    expect(parseFunctionName(raw)).toEqual(expected);
  });
});
