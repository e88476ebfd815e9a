import * as http from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import * as path from 'node:path';
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { LOCAL_AWS_CONFIG } from '../../src/dynamodb-local';
import { HandlerLoadError, type LambdaService, serviceFaults, startLambdaService } from '../../src/lambda';

const fixtures = path.join(__dirname, 'fixtures');

/** A Lambda client for a local service: no SDK retries, so each answer is the service's first. */
const localLambdaClient = (endpoint: string, region: string) =>
  new LambdaClient({ endpoint, region, credentials: LOCAL_AWS_CONFIG.credentials, maxAttempts: 1 });
const fn = (name: string, timeoutSeconds = 2) => ({ handler: `handlers.ts#${name}`, timeoutSeconds });

let service: LambdaService;
let client: LambdaClient;

beforeAll(async () => {
  service = await startLambdaService({
    baseDir: fixtures,
    region: 'eu-west-1',
    accountId: '111122223333',
    onLog: () => {},
    functions: {
      echo: fn('echo'),
      context: {
        ...fn('describeContext'),
        environment: { GREETING: 'hello' },
        memorySize: 256,
      },
      decline: fn('decline'),
      callback: fn('callbackStyle'),
      barrier: { ...fn('barrier'), timeoutSeconds: 20, maxConcurrency: 4 },
      hang: { ...fn('hang'), timeoutSeconds: 1 },
      exit: fn('exit'),
      throwLater: fn('throwLater'),
      nothing: fn('returnsNothing'),
      counter: fn('counter'),
      missingExport: fn('noSuchExport'),
      oom: { ...fn('exhaustMemory'), memorySize: 64 },
      leak: { ...fn('leakAcrossCalls'), memorySize: 64, maxConcurrency: 1 },
    },
  });
  client = localLambdaClient(service.endpoint, 'eu-west-1');
});

afterAll(async () => {
  client?.destroy();
  await service?.stop();
});

async function invoke(
  FunctionName: string,
  payload?: unknown,
): Promise<{ out: InvokeCommandOutput; body: unknown; text: string }> {
  const out = await client.send(
    new InvokeCommand({
      FunctionName,
      ...(payload !== undefined ? { Payload: Buffer.from(JSON.stringify(payload)) } : {}),
    }),
  );
  const text = Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8');
  return { out, text, body: text ? JSON.parse(text) : undefined };
}

describe('local Lambda service (Invoke API through @aws-sdk/client-lambda)', () => {
  test('Given a TypeScript handler, when invoked, then it returns the payload with status 200 and $LATEST', async () => {
    const { out, body } = await invoke('echo', { orderId: 'o-1', amount: 12.5 });
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(out.FunctionError).toBeUndefined();
    expect(body).toEqual({ orderId: 'o-1', amount: 12.5 });
  });

  test('Given a full ARN or name:$LATEST, when invoked, then the same function runs', async () => {
    expect((await invoke(service.functionArn('echo'), { a: 1 })).body).toEqual({ a: 1 });
    expect((await invoke('echo:$LATEST', { b: 2 })).body).toEqual({ b: 2 });
  });

  test('Given no payload, when invoked, then the handler receives an empty object', async () => {
    expect((await invoke('echo')).body).toEqual({});
  });

  test('Given a handler, when invoked, then it sees a Lambda-like context and its own environment only', async () => {
    const { body } = await invoke('context', {});
    expect(body).toEqual({
      awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      functionName: 'context',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:context',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/context',
      remainingPositive: true,
      remainingAtMostTimeout: true,
      region: 'eu-west-1',
      greeting: 'hello',
    });
  });

  test('Given a callback-style handler, when invoked, then the callback value is returned', async () => {
    expect((await invoke('callback', { n: 21 })).body).toEqual({ doubled: 42 });
  });

  test('Given a handler returning undefined, when invoked, then the payload is null', async () => {
    expect((await invoke('nothing', {})).text).toBe('null');
  });

  test('Given a handler that throws, when invoked, then the Node.js error document comes back as an Unhandled function error', async () => {
    const { out, body } = await invoke('decline', {});
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(Object.keys(body as object)).toEqual(['errorType', 'errorMessage', 'trace']);
    expect(body).toMatchObject({ errorType: 'PaymentDeclined', errorMessage: 'card declined' });
    expect((body as { trace: string[] }).trace[0]).toBe('PaymentDeclined: card declined');
  });

  test('Given a handler that never yields, when its timeout passes, then AWS timeout document is returned and the service keeps serving', async () => {
    const { out, body } = await invoke('hang', {});
    expect(out.FunctionError).toBe('Unhandled');
    expect(body).toEqual({
      errorMessage: expect.stringMatching(
        /^\d{4}-\d\d-\d\dT[\d:.]+Z [0-9a-f-]{36} Task timed out after 1\.\d\d seconds$/,
      ),
    });
    expect((await invoke('echo', { still: 'alive' })).body).toEqual({ still: 'alive' });
  });

  test('Given a handler that calls process.exit, when invoked, then Runtime.ExitError is returned and the next call gets a fresh environment', async () => {
    const { out, body } = await invoke('exit', {});
    expect(out.FunctionError).toBe('Unhandled');
    expect(body).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: expect.stringMatching(
        /^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$/,
      ),
    });
    const again = await invoke('exit', {});
    expect(again.body).toMatchObject({ errorType: 'Runtime.ExitError' });
  });

  test('Given an exception thrown outside the handler promise, when invoked, then that error is reported and the runtime survives', async () => {
    const { out, body } = await invoke('throwLater', {});
    expect(out.FunctionError).toBe('Unhandled');
    expect(body).toMatchObject({ errorType: 'TypeError', errorMessage: 'thrown outside the handler' });
    expect((await invoke('echo', { ok: true })).body).toEqual({ ok: true });
  });

  test('Given a handler that exhausts its memory, when invoked, then Runtime.OutOfMemory is returned and the runtime survives', async () => {
    const { out, body } = await invoke('oom', {});
    expect(out.FunctionError).toBe('Unhandled');
    expect(body).toEqual({
      errorType: 'Runtime.OutOfMemory',
      errorMessage: expect.stringMatching(/Error: Runtime exited with error: signal: killed$/),
    });
    expect((await invoke('echo', { ok: 1 })).body).toEqual({ ok: 1 });
  });

  test('Given a handler that leaks a little on every warm call, when the leak reaches its memory size, then that call gets Runtime.OutOfMemory and the next one a fresh environment', async () => {
    let outOfMemory: unknown;
    for (let call = 1; call <= 40 && outOfMemory === undefined; call++) {
      const { out, body } = await invoke('leak', {});
      if (out.FunctionError) outOfMemory = body;
    }
    expect(outOfMemory).toEqual({
      errorType: 'Runtime.OutOfMemory',
      errorMessage: expect.stringMatching(/Error: Runtime exited with error: signal: killed$/),
    });
    expect((await invoke('leak', {})).body).toEqual({ calls: 1 });
  });

  test('Given an invocation whose client disconnects while the handler runs, when the handler ends, then the service keeps serving', async () => {
    const controller = new AbortController();
    const call = fetch(`${service.endpoint}/2015-03-31/functions/hang/invocations`, {
      method: 'POST',
      body: '{}',
      signal: controller.signal,
    });
    const before = service.invocations('hang');
    while (service.invocations('hang') === before) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await expect(call).rejects.toThrow();
    // The hanging handler still times out and its environment is replaced.
    const { body } = await invoke('hang', {});
    expect(body).toEqual({ errorMessage: expect.stringMatching(/Task timed out after 1\.\d\d seconds$/) });
    expect((await invoke('echo', { after: 'disconnect' })).body).toEqual({ after: 'disconnect' });
  });

  test('Given a request whose body stops halfway, when the client disconnects, then the service answers the next request', async () => {
    await new Promise<void>((resolve, reject) => {
      const socket = connect(service.port, '127.0.0.1', () => {
        socket.write(
          'POST /2015-03-31/functions/echo/invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"a":',
          () => {
            socket.destroy();
            resolve();
          },
        );
      });
      socket.on('error', reject);
    });
    expect((await invoke('echo', { whole: true })).body).toEqual({ whole: true });
  });

  test('Given a module without the named export, when invoked, then Runtime.HandlerNotFound is returned', async () => {
    const { out, body } = await invoke('missingExport', {});
    expect(out.FunctionError).toBe('Unhandled');
    expect(body).toMatchObject({ errorType: 'Runtime.HandlerNotFound' });
  });

  test('Given concurrent invocations, when they overlap, then they run in parallel environments', async () => {
    // Each invocation waits at a barrier that opens only when all four are waiting at once: in one
    // environment at a time the first would wait forever (until its timeout), however fast or slow
    // the machine is.
    const parties = 4;
    const held: http.ServerResponse[] = [];
    const gate = http.createServer((_req, res) => {
      held.push(res);
      if (held.length === parties) for (const waiting of held) waiting.end('all arrived');
    });
    await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(gate.address() as AddressInfo).port}/`;
    try {
      const before = service.invocations('barrier');
      const results = await Promise.all(Array.from({ length: parties }, () => invoke('barrier', { url })));
      expect(results.map((r) => r.body)).toEqual(Array(parties).fill({ released: 'all arrived' }));
      expect(service.invocations('barrier') - before).toBe(parties);
    } finally {
      for (const waiting of held) waiting.end();
      gate.closeAllConnections();
      await new Promise((resolve) => gate.close(resolve));
    }
  });

  test('Given a warm environment, when invoked again, then module state is reused as in Lambda', async () => {
    const first = (await invoke('counter', {})).body as { calls: number };
    const second = (await invoke('counter', {})).body as { calls: number };
    expect(second.calls).toBe(first.calls + 1);
  });

  test('Given an unknown function, when invoked, then ResourceNotFoundException names its $LATEST ARN', async () => {
    await expect(invoke('no_such_function', {})).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:eu-west-1:111122223333:function:no_such_function:$LATEST',
      $metadata: { httpStatusCode: 404 },
    });
  });

  test('Given invalid JSON, when invoked, then InvalidRequestContentException is returned', async () => {
    await expect(
      client.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{not json') })),
    ).rejects.toMatchObject({ name: 'InvalidRequestContentException', $metadata: { httpStatusCode: 400 } });
  });

  test('Given Event and DryRun invocation types, when invoked, then 202 and 204 come back', async () => {
    const event = await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event' }));
    expect(event.StatusCode).toBe(202);
    const dry = await client.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
    expect(dry.StatusCode).toBe(204);
  });

  test('Given a fault hook, when it returns a throttle, then the SDK sees TooManyRequestsException and the handler does not run', async () => {
    const before = service.invocations('echo');
    service.setBeforeInvoke((info) =>
      info.functionName === 'echo' ? serviceFaults.tooManyRequests() : undefined,
    );
    try {
      await expect(invoke('echo', {})).rejects.toMatchObject({
        name: 'TooManyRequestsException',
        $metadata: { httpStatusCode: 429 },
      });
      expect(service.invocations('echo')).toBe(before);
    } finally {
      service.setBeforeInvoke(undefined);
    }
  });

  test('fails when a handler module does not exist, naming the path and the expected form', () => {
    expect(() => service.register('ghost', { handler: 'nowhere/ghost.ts#handler' })).toThrow(
      HandlerLoadError,
    );
    expect(() => service.register('ghost', { handler: 'nowhere/ghost.ts#handler' })).toThrow(
      /nowhere\/ghost\.ts.*was not found/,
    );
  });
});

describe('local Lambda service: the init phase', () => {
  let local: LambdaService;
  let lambda: LambdaClient;

  beforeAll(async () => {
    local = await startLambdaService({
      baseDir: fixtures,
      onLog: () => {},
      // AWS's budget is 10 s; a short one keeps the test quick and shows the same two steps.
      initTimeoutSeconds: 0.5,
      functions: {
        initHang: { handler: 'init-hang.js#handler', timeoutSeconds: 1 },
        slowInit: { handler: 'slow-init.js#handler', timeoutSeconds: 5, environment: { INIT_MS: '800' } },
        echo: fn('echo'),
      },
    });
    lambda = localLambdaClient(local.endpoint, 'us-east-1');
  });

  afterAll(async () => {
    lambda?.destroy();
    await local?.stop();
  });

  const call = async (FunctionName: string) => {
    const out = await lambda.send(new InvokeCommand({ FunctionName, Payload: Buffer.from('{}') }));
    return {
      out,
      body: JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8')) as unknown,
    };
  };

  test('Given a module that never finishes loading, when invoked, then the retried init ends at the function timeout with the timeout document and the service keeps serving', async () => {
    const { out, body } = await call('initHang');
    expect(out.FunctionError).toBe('Unhandled');
    expect(body).toEqual({
      errorMessage: expect.stringMatching(
        /^\d{4}-\d\d-\d\dT[\d:.]+Z [0-9a-f-]{36} Task timed out after 1\.\d\d seconds$/,
      ),
    });
    expect((await call('echo')).body).toEqual({});
    // The slot the hanging environment held is free again: a second call times out the same way.
    expect((await call('initHang')).body).toEqual({ errorMessage: expect.stringMatching(/Task timed out/) });
  });

  test('Given an init longer than the init phase but shorter than the function timeout, when invoked, then init runs again inside the invocation and its time counts against the timeout', async () => {
    const { out, body } = await call('slowInit');
    expect(out.FunctionError).toBeUndefined();
    // 5 s timeout, of which at least 800 ms went to the retried init.
    expect((body as { remaining: number }).remaining).toBeLessThanOrEqual(5000 - 800);
    expect((body as { remaining: number }).remaining).toBeGreaterThan(0);
  });
});

describe('local Lambda service: idle execution environments', () => {
  let local: LambdaService;
  let lambda: LambdaClient;

  beforeAll(async () => {
    local = await startLambdaService({
      baseDir: fixtures,
      onLog: () => {},
      idleTimeoutSeconds: 0.3,
      functions: { echo: fn('echo') },
    });
    lambda = localLambdaClient(local.endpoint, 'us-east-1');
  });

  afterAll(async () => {
    lambda?.destroy();
    await local?.stop();
  });

  const burst = (n: number) =>
    Promise.all(
      Array.from({ length: n }, () =>
        lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{}') })),
      ),
    );

  test('Given a burst, when the environments stay idle past the idle timeout, then they are terminated and the next call starts a fresh one', async () => {
    await burst(4);
    expect(local.environments()).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(local.environments()).toBe(0);
    const [out] = await burst(1);
    expect(out?.StatusCode).toBe(200);
    expect(local.environments()).toBe(1);
  });

  test('reclaimIdleEnvironments terminates the idle ones at once and leaves the service serving', async () => {
    await burst(3);
    const alive = local.environments();
    expect(local.reclaimIdleEnvironments()).toBe(alive);
    expect(local.environments()).toBe(0);
    const [out] = await burst(1);
    expect(out?.StatusCode).toBe(200);
  });
});
