// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} placeholders are what these tests are about
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
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
    expect(parseCommand(['serve'])).toEqual({ kind: 'serve', port: DEFAULT_PORT });
    expect(parseCommand(['demo', '--serve'])).toEqual({
      kind: 'demo',
      port: DEFAULT_PORT,
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
