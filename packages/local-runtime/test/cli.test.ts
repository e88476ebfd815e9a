// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} placeholders are what these tests are about
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_CONSOLE_PORT,
  DEFAULT_PORT,
  ensurePortFree,
  PortInUseError,
  parseCommand,
  placeholdersIn,
  UsageError,
} from '../src/cli';

let dir: string;
let machine: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-'));
  machine = join(dir, 'machine.asl.json');
  writeFileSync(
    machine,
    JSON.stringify({
      QueryLanguage: 'JSONata',
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: '${Lambda:pay}', Payload: { table: '${TableName}' } },
          End: true,
        },
      },
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseCommand', () => {
  it('gives serve, demo and history the well-known port and run any free port', () => {
    expect(parseCommand(['serve'])).toEqual({
      kind: 'serve',
      port: DEFAULT_PORT,
      console: { port: DEFAULT_CONSOLE_PORT },
    });
    expect(parseCommand(['demo', '--serve'])).toEqual({
      kind: 'demo',
      port: DEFAULT_PORT,
      console: { port: DEFAULT_CONSOLE_PORT },
      serve: true,
      orders: 200,
      quiet: false,
    });
    const run = parseCommand([
      'run',
      machine,
      '--set',
      'TableName=orders',
      '--function',
      'pay=handlers/payment.ts#handler',
    ]);
    expect(run).toMatchObject({ kind: 'run', port: 0, functions: [['pay', 'handlers/payment.ts#handler']] });
  });

  it('gives serve and demo the retention budget of --retention-mb', () => {
    expect(parseCommand(['serve', '--retention-mb', '512'])).toMatchObject({
      kind: 'serve',
      retentionMegabytes: 512,
    });
    expect(parseCommand(['demo', '--retention-mb', '64'])).toMatchObject({
      kind: 'demo',
      retentionMegabytes: 64,
    });
  });

  it('applies --set values and leaves ${Lambda:name} for the registered function', () => {
    const run = parseCommand(['run', machine, '--set', 'TableName=orders', '--function', 'pay=h.ts#handler']);
    if (run.kind !== 'run') throw new Error('expected run');
    expect(run.definition).toContain('"table":"orders"');
    expect(run.definition).toContain('${Lambda:pay}');
  });

  it('fails when a placeholder is left without a value, naming it and the fix', () => {
    expect(() => parseCommand(['run', machine, '--function', 'pay=h.ts#handler'])).toThrow(
      /still has \$\{TableName\}: give each a value with --set/,
    );
    expect(() => parseCommand(['run', machine, '--set', 'TableName=t'])).toThrow(/\$\{Lambda:pay\}/);
  });

  it.each([
    [['serve', '--port', 'abc'], /--port must be a whole number from 0 to 65535, got "abc"/],
    [['serve', '--port', '70000'], /--port must be a whole number/],
    [['demo', '--events', '0'], /--events must be a whole number from 1/],
    [['demo', '--events', 'many'], /--events must be a whole number/],
    [['run'], /run needs a definition file/],
    [['run', '/no/such/file.json'], /cannot read the definition file \/no\/such\/file.json: no such file/],
    [['history'], /history needs an execution ARN/],
    [['bogus'], /unknown command "bogus"/],
    [[], /a command is needed/],
    [['serve', '--colour'], /Unknown option '--colour'/],
    [['serve', 'extra'], /unexpected argument "extra"/],
    [['serve', '--retention-mb', '0'], /--retention-mb must be a whole number from 1/],
    [['history', 'arn:x', '--retention-mb', '64'], /--retention-mb is an option of serve and demo/],
  ])('fails with a UsageError for %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });

  it('fails when --input is not JSON or a pair has no value', () => {
    expect(() => parseCommand(['run', machine, '--set', 'TableName=t', '--input', '{bad'])).toThrow(
      /--input must be JSON, got "\{bad"/,
    );
    expect(() => parseCommand(['run', machine, '--set', 'TableName='])).toThrow(
      /--set must look like Name=value/,
    );
    expect(() => parseCommand(['run', machine, '--function', 'pay'])).toThrow(
      /--function must look like name=/,
    );
  });
});

describe('parseCommand: the console options', () => {
  it('takes --console-port (0: any free port) and --no-console for serve and demo', () => {
    expect(parseCommand(['serve', '--console-port', '0'])).toMatchObject({ console: { port: 0 } });
    expect(parseCommand(['demo', '--console-port', '9000'])).toMatchObject({ console: { port: 9000 } });
    expect(parseCommand(['serve', '--no-console'])).not.toHaveProperty('console');
    // No fixed port for Step Functions: none for the console either.
    expect(parseCommand(['serve', '--port', '0'])).toMatchObject({ console: { port: 0 } });
    expect(parseCommand(['serve', '--port', '0', '--console-port', '8084'])).toMatchObject({
      console: { port: 8084 },
    });
  });

  it('reads and checks a --console-profile file', () => {
    const good = join(dir, 'profile.json');
    writeFileSync(
      good,
      JSON.stringify({ outcomes: [{ id: 'new', label: 'New', when: { enteredState: 'Processed' } }] }),
    );
    expect(parseCommand(['serve', '--console-profile', good])).toMatchObject({
      console: { port: DEFAULT_CONSOLE_PORT, profile: { outcomes: [{ id: 'new' }] } },
    });
    const bad = join(dir, 'bad-profile.json');
    writeFileSync(bad, JSON.stringify({ outcomes: [{ id: 'new', label: 'New', when: {} }] }));
    expect(() => parseCommand(['serve', '--console-profile', bad])).toThrow(
      /outcomes\[0\]\.when needs at least one of enteredState/,
    );
    expect(() => parseCommand(['serve', '--console-profile', join(dir, 'missing.json')])).toThrow(
      /cannot read the console profile .*no such file/,
    );
  });

  it('refuses the console options where there is no console, and contradictions', () => {
    expect(() => parseCommand(['run', machine, '--console-port', '1'])).toThrow(UsageError);
    expect(() => parseCommand(['history', 'arn:aws:states:x', '--no-console'])).toThrow(
      /--no-console is an option of serve and demo/,
    );
    expect(() => parseCommand(['serve', '--no-console', '--console-port', '1'])).toThrow(/contradict/);
    expect(() => parseCommand(['serve', '--console-port', 'x'])).toThrow(
      /--console-port must be a whole number/,
    );
  });
});

describe('parseCommand: the console command', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads a running serve on --port, or the endpoints given, or those of the shell exports', () => {
    delete process.env.AWS_ENDPOINT_URL_SFN;
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    delete process.env.AWS_REGION;
    expect(parseCommand(['console'])).toEqual({
      kind: 'console',
      stepFunctionsEndpoint: `http://127.0.0.1:${DEFAULT_PORT}`,
      region: 'us-east-1',
      console: { port: DEFAULT_CONSOLE_PORT },
    });
    expect(parseCommand(['console', '--port', '9000'])).toMatchObject({
      stepFunctionsEndpoint: 'http://127.0.0.1:9000',
    });
    process.env.AWS_ENDPOINT_URL_SFN = 'http://127.0.0.1:4566/';
    process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:8000';
    process.env.AWS_REGION = 'eu-west-1';
    expect(parseCommand(['console', '--console-port', '0'])).toEqual({
      kind: 'console',
      stepFunctionsEndpoint: 'http://127.0.0.1:4566',
      dynamodbEndpoint: 'http://127.0.0.1:8000',
      region: 'eu-west-1',
      console: { port: 0 },
    });
    expect(
      parseCommand(['console', '--sfn-endpoint', 'https://states.eu-west-1.amazonaws.com']),
    ).toMatchObject({
      stepFunctionsEndpoint: 'https://states.eu-west-1.amazonaws.com',
    });
  });

  it('refuses an endpoint that is not a URL, and the endpoint options elsewhere', () => {
    expect(() => parseCommand(['console', '--sfn-endpoint', 'localhost:8083'])).toThrow(
      /must be an http\(s\) URL/,
    );
    expect(() => parseCommand(['serve', '--sfn-endpoint', 'http://127.0.0.1:1'])).toThrow(
      /--sfn-endpoint is an option of the console command/,
    );
    expect(() => parseCommand(['console', '--no-console'])).toThrow(/nothing to do/);
  });
});

describe('placeholdersIn', () => {
  it('lists each placeholder once', () => {
    expect(placeholdersIn('${A} ${Lambda:x} ${A} $notOne {B}')).toEqual(['${A}', '${Lambda:x}']);
  });
});

describe('ensurePortFree', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fails with PortInUseError when the port is taken, telling how to get another', async () => {
    await expect(ensurePortFree(port)).rejects.toThrow(PortInUseError);
    await expect(ensurePortFree(port)).rejects.toThrow(/pass --port 0 for any free port/);
  });

  it('accepts port 0 (any free port) without binding', async () => {
    await expect(ensurePortFree(0)).resolves.toBeUndefined();
  });
});
