import * as path from 'node:path';
import { createIntegrations, type LocalIntegrations } from '../../src/integrations';
import { useLocalServices } from '../../src/testing/local-services';
import { failureOf, runTask } from './helpers';

const INVOKE = 'arn:aws:states:::lambda:invoke';
const fixture = (name: string, timeoutSeconds = 3) => ({ handler: `handlers.ts#${name}`, timeoutSeconds });

const services = useLocalServices({
  region: 'us-east-1',
  lambda: {
    baseDir: path.join(__dirname, '..', 'lambda', 'fixtures'),
    accountId: '111111111111',
    onLog: () => {},
    functions: {
      identity: fixture('echo'),
      decline: fixture('decline'),
      hang: fixture('hang', 1),
      exit: fixture('exit'),
      large: fixture('large'),
    },
  },
});

/** The engine reaches the local Lambda over HTTP (any endpoint) or in process (the runtime's own service): the same answers either way. */
const TRANSPORTS = ['http', 'in-process'] as const;
let inProcess: LocalIntegrations | undefined;
afterAll(() => inProcess?.destroy());
const integrationsFor = (transport: (typeof TRANSPORTS)[number]): LocalIntegrations => {
  if (transport === 'http') return services().integrations;
  const lambda = services().lambda;
  if (!lambda) throw new Error('no local Lambda service');
  inProcess ??= createIntegrations({
    dynamodb: { region: 'us-east-1' },
    lambda: { region: 'us-east-1', endpoint: lambda.endpoint, inProcess: lambda.invokeInProcess },
  });
  return inProcess;
};

describe.each(TRANSPORTS)(
  'lambda:invoke optimized integration against the local Lambda service (%s)',
  (transport) => {
    const run = (parameters: unknown, resource = INVOKE) =>
      runTask(integrationsFor(transport), resource, parameters);
    test('Given an object payload, when invoked, then the result envelope has AWS keys in AWS order', async () => {
      const result = (await run({ FunctionName: 'identity', Payload: { orderId: 'o-1' } })) as Record<
        string,
        unknown
      >;
      expect(Object.keys(result)).toEqual([
        'ExecutedVersion',
        'Payload',
        'SdkHttpMetadata',
        'SdkResponseMetadata',
        'StatusCode',
      ]);
      expect(result).toMatchObject({
        ExecutedVersion: '$LATEST',
        Payload: { orderId: 'o-1' },
        StatusCode: 200,
      });
      expect(Object.keys((result.SdkHttpMetadata as { AllHttpHeaders: object }).AllHttpHeaders)).toEqual([
        'X-Amz-Executed-Version',
        'x-amzn-Remapped-Content-Length',
        'Connection',
        'x-amzn-RequestId',
        'Content-Length',
        'Date',
        'X-Amzn-Trace-Id',
        'Content-Type',
      ]);
    });

    test.each([
      ['a string holding JSON text is sent verbatim', '0.0', 0],
      ['a string holding a JSON string is sent verbatim', '"HelloWorld"', 'HelloWorld'],
      ['null is sent as no payload, which the function sees as {}', null, {}],
      ['a plain string that is not JSON is sent as a JSON string', 'hello', 'hello'],
      ['an array is serialized', [1, 'two'], [1, 'two']],
    ])(
      'Given a payload where %s, when invoked, then Payload round-trips as AWS does it',
      async (_, payload, expected) => {
        const result = (await run({ FunctionName: 'identity', Payload: payload })) as { Payload: unknown };
        expect(result.Payload).toEqual(expected);
      },
    );

    test('Given a function ARN as FunctionName, when invoked, then it runs the function', async () => {
      const arn = services().lambda?.functionArn('identity');
      const result = (await run({ FunctionName: arn, Payload: { a: 1 } })) as { Payload: unknown };
      expect(result.Payload).toEqual({ a: 1 });
    });

    test('Given InvocationType Event, when invoked, then the envelope carries the 202 answer and an empty payload', async () => {
      const result = (await run({
        FunctionName: 'identity',
        InvocationType: 'Event',
        Payload: { a: 1 },
      })) as {
        StatusCode: number;
        Payload: unknown;
        SdkHttpMetadata: { HttpHeaders: Record<string, string> };
      };
      expect(result.StatusCode).toBe(202);
      expect(result.Payload).toBe('');
      expect(result.SdkHttpMetadata.HttpHeaders['Content-Length']).toBe('0');
    });

    test('fails with the function errorType and the compact error document as cause when the handler throws', async () => {
      const failure = await failureOf(run({ FunctionName: 'decline', Payload: {} }));
      expect(failure.error).toBe('PaymentDeclined');
      const cause = JSON.parse(failure.cause ?? '');
      expect(Object.keys(cause)).toEqual(['errorType', 'errorMessage', 'trace']);
      expect(cause).toMatchObject({ errorType: 'PaymentDeclined', errorMessage: 'card declined' });
      expect(failure.cause).toBe(JSON.stringify(cause));
    });

    test('fails with Lambda.Unknown and the returned payload in the cause when the function times out', async () => {
      const failure = await failureOf(run({ FunctionName: 'hang', Payload: {} }));
      expect(failure.error).toBe('Lambda.Unknown');
      expect(failure.cause).toMatch(
        /^The cause could not be determined because Lambda did not return an error type\. Returned payload: \{"errorMessage":"\S+ \S+ Task timed out after 1\.\d\d seconds"\}$/,
      );
    });

    test('fails with Runtime.ExitError when the function process exits', async () => {
      const failure = await failureOf(run({ FunctionName: 'exit', Payload: {} }));
      expect(failure.error).toBe('Runtime.ExitError');
      expect(JSON.parse(failure.cause ?? '')).toEqual({
        errorType: 'Runtime.ExitError',
        errorMessage: expect.stringContaining('Runtime exited with error: exit status 3'),
      });
    });

    test('fails with Lambda.ResourceNotFoundException and AWS cause format when the function does not exist', async () => {
      const failure = await failureOf(run({ FunctionName: 'no_such_function', Payload: null }));
      expect(failure.error).toBe('Lambda.ResourceNotFoundException');
      expect(failure.cause).toMatch(
        /^Function not found: arn:aws:lambda:us-east-1:111111111111:function:no_such_function:\$LATEST \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: \S+; Proxy: null\)$/,
      );
    });

    test('fails with Lambda.TooManyRequestsException when the service throttles', async () => {
      const lambda = services().lambda;
      lambda?.setBeforeInvoke(() => ({
        statusCode: 429,
        errorType: 'TooManyRequestsException',
        message: 'Rate Exceeded.',
      }));
      try {
        const failure = await failureOf(run({ FunctionName: 'identity', Payload: {} }));
        expect(failure.error).toBe('Lambda.TooManyRequestsException');
        expect(failure.cause).toMatch(
          /^Rate Exceeded\. \(Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException;/,
        );
      } finally {
        lambda?.setBeforeInvoke(undefined);
      }
    });

    test('fails with States.DataLimitExceeded when the result is larger than 256 KiB', async () => {
      const failure = await failureOf(run({ FunctionName: 'large', Payload: null }));
      expect(failure).toEqual({
        error: 'States.DataLimitExceeded',
        cause:
          "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit.",
      });
    });

    test('fails with States.Runtime when a parameter is not supported by Step Functions', async () => {
      const failure = await failureOf(run({ FunctionName: 'identity', Payload: {}, Timeout: 3 }));
      expect(failure.error).toBe('States.Runtime');
      expect(failure.cause).toContain('The field "Timeout" is not supported by Step Functions');
    });

    test('Given the task is aborted (timeout or stop), when the call is in flight, then the integration rejects with the abort reason', async () => {
      const controller = new AbortController();
      const pending = runTask(
        integrationsFor(transport),
        INVOKE,
        { FunctionName: 'hang', Payload: {} },
        controller.signal,
      );
      const reason = new Error('task timed out');
      setTimeout(() => controller.abort(reason), 50);
      await expect(pending).rejects.toBe(reason);
    });
  },
);

describe.each(TRANSPORTS)('legacy Lambda resource (the function ARN as Resource) (%s)', (transport) => {
  const run = (parameters: unknown, resource: string) =>
    runTask(integrationsFor(transport), resource, parameters);
  test('Given the function ARN as Resource, when run, then the result is the bare return value and LambdaFunction events are used', async () => {
    const arn = services().lambda?.functionArn('identity') ?? '';
    expect(services().integrations.resolve(arn)?.events).toBe('lambdaFunction');
    expect(await run({ constant: 1 }, arn)).toEqual({ constant: 1 });
  });
});

describe('integration registry', () => {
  test.each([
    ['arn:aws:states:::dynamodb:putItem', 'dynamodb', 'putItem'],
    ['arn:aws:states:::dynamodb:getItem', 'dynamodb', 'getItem'],
    ['arn:aws:states:::dynamodb:updateItem', 'dynamodb', 'updateItem'],
    ['arn:aws:states:::dynamodb:deleteItem', 'dynamodb', 'deleteItem'],
    ['arn:aws:states:::lambda:invoke', 'lambda', 'invoke'],
    ['arn:aws:states:::lambda:invoke.waitForTaskToken', 'lambda', 'invoke.waitForTaskToken'],
  ])('resolves %s', (resource, resourceType, name) => {
    expect(services().integrations.resolve(resource)).toMatchObject({ resourceType, resource: name });
  });

  test.each([
    'arn:aws:states:::dynamodb:query',
    'arn:aws:states:::dynamodb:putItem.waitForTaskToken',
    'arn:aws:states:::lambda:invoke.sync',
    'arn:aws:states:::aws-sdk:dynamodb:putItem',
    'arn:aws:states:::sqs:sendMessage',
  ])('leaves %s unresolved, so the definition is rejected at create time', (resource) => {
    expect(services().integrations.resolve(resource)).toBeUndefined();
  });
});
