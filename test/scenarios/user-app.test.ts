/**
 * Any CDK app runs locally, not only the blueprint's: a user's app (test/fixtures/user-app) with its
 * own function behind IdempotentWorkflow and options other than the defaults (a key expression, a
 * key prefix, RETURN_STORED_RESULT, EXPRESS), synthesized and deployed from its cloud assembly as
 * `npm run local -- serve --app test/fixtures/user-app` does, and checked through the SDK.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as path from 'node:path';
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { type InvokeInfo, LOCAL_AWS_CONFIG, synthesizeApp } from '@sfn-idempotency/local-runtime';
import { IdempotencyError } from '../../lib/state-machines/names';
import { type AppRuntime, outputOf, PROJECT_ROOT, startApp } from '../../local/app';
import { allRecords } from './support';

const USER_APP = path.join(PROJECT_ROOT, 'test', 'fixtures', 'user-app');
const CLI = ['-r', 'ts-node/register/transpile-only', path.join(PROJECT_ROOT, 'bin', 'local.ts')];

let runtime: AppRuntime;
let stateMachineArn: string;
let tableName: string;
const invocations: InvokeInfo[] = [];

beforeAll(async () => {
  // Reused while neither the app nor the lib/ code it requires changed (the cache records both).
  const { assemblyDir } = await synthesizeApp({ app: USER_APP });
  runtime = await startApp({ app: assemblyDir, print: false, onLambdaLog: () => {} });
  stateMachineArn = outputOf(runtime.deployment, 'QuotesStateMachineArn') ?? '';
  tableName = outputOf(runtime.deployment, 'QuotesTableName') ?? '';
  runtime.lambda.setBeforeInvoke((info) => {
    invocations.push(info);
  });
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

const quote = (id: string) => ({
  quote: { id, currency: 'EUR' },
  items: [
    { unitPrice: 250, quantity: 3 },
    { unitPrice: 1000, quantity: 1 },
  ],
});

const startSync = async (input: unknown) => {
  const result = await runtime.clients.sfn.send(
    new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  return { ...result, parsed: result.output === undefined ? undefined : JSON.parse(result.output) };
};

describe('Given a user app deployed from its cloud assembly', () => {
  test('Then its state machine, table and function run locally (the state machine EXPRESS), with nothing left as a problem', () => {
    const { deployment } = runtime;
    expect(deployment.problems).toEqual([]);
    expect(deployment.stateMachines).toEqual([
      expect.objectContaining({ arn: stateMachineArn, type: 'EXPRESS', queryLanguage: 'JSONata' }),
    ]);
    expect(deployment.tables.map((t) => t.name)).toEqual([tableName]);
    expect(deployment.functions).toEqual([
      expect.objectContaining({
        runtime: 'nodejs22.x',
        handler: expect.stringMatching(/index\.js#handler$/),
      }),
    ]);
    // EXPRESS: no orphaned-lease release workflow, so no rule either (as the construct does on AWS)
    expect(deployment.rules).toEqual([]);
    expect(deployment.notEmulated.map((n) => n.type)).toEqual(
      expect.arrayContaining(['AWS::IAM::Role', 'AWS::CloudWatch::Alarm']),
    );
  });
});

describe('Given a quote priced once', () => {
  test('When the same quote arrives again, Then the stored result is returned without invoking the function, and the record id carries the prefix', async () => {
    const before = invocations.length;

    const first = await startSync(quote('q-1'));
    const duplicate = await startSync(quote('q-1'));

    expect(first.status).toBe('SUCCEEDED');
    expect(first.parsed).toEqual({
      quoteId: 'q-1',
      total: 1750,
      currency: 'EUR',
      reference: expect.any(String),
    });
    expect(invocations.length - before).toBe(1);
    expect(duplicate.status).toBe('SUCCEEDED');
    // The function gives every call a fresh reference: the same one back means the stored result.
    expect(duplicate.parsed).toEqual(first.parsed);
    const records = await allRecords(runtime.clients.dynamodb, tableName);
    const record = records.find((r) => r.id?.S === 'quotes#q-1');
    expect(record?.status?.S).toBe('COMPLETED');
    expect(JSON.parse(record?.data?.S ?? 'null')).toEqual(first.parsed);
  });

  test('When another quote arrives, Then the function runs for it, under its own key', async () => {
    const before = invocations.length;

    const other = await startSync(quote('q-2'));

    expect(other.status).toBe('SUCCEEDED');
    expect(other.parsed).toMatchObject({ quoteId: 'q-2' });
    expect(invocations.length - before).toBe(1);
    expect(JSON.parse(invocations.at(-1)?.payload ?? '{}')).toEqual(quote('q-2'));
    const ids = (await allRecords(runtime.clients.dynamodb, tableName)).map((r) => r.id?.S);
    expect(ids).toEqual(expect.arrayContaining(['quotes#q-1', 'quotes#q-2']));
  });

  test('When a quote has no id, Then the key expression finds nothing and no record is written', async () => {
    const before = invocations.length;

    const result = await startSync({ quote: { currency: 'EUR' }, items: [] });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe(IdempotencyError.KeyMissing);
    expect(invocations.length - before).toBe(0);
  });
});

/** Runs the blueprint's CLI (bin/local.ts) as `npm run local --` does. */
function cli(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [...CLI, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe("The blueprint's command line with --app", () => {
  test('run --app <folder> synthesizes (or reuses) the user app instead of the blueprint app and runs its state machine', async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [...CLI, 'run', '--app', 'test/fixtures/user-app', '--input', JSON.stringify(quote('cli-1'))],
        { cwd: PROJECT_ROOT, timeout: 90_000 },
        (error, out) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out }),
      );
    });

    expect(stdout).toMatch(/(Reused the synthesized app|Synthesized node -r ts-node)/);
    expect(stdout).toContain('Deployed 1 state machine, 1 function, 1 table, 0 rules');
    expect(stdout).toContain('Status SUCCEEDED');
    expect(stdout).toMatch(/Output \{"quoteId":"cli-1","total":1750/);
    expect(code).toBe(0);
  }, 90_000);

  test('serve --app <folder> serves the user app (its deployment table, then the endpoints) until Ctrl-C', async () => {
    const child = cli(['serve', '--app', 'test/fixtures/user-app', '--port', '0']);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not serving after 60 s:\n${stdout}`)), 60_000);
        child.stdout?.on('data', () => {
          if (stdout.includes('Serving; press Ctrl-C')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('close', () => reject(new Error(`exited before serving:\n${stdout}`)));
      });
      const endpoint = /Step Functions +(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      const arn = /UserQuotes\.QuotesStateMachineArn +(\S+)/.exec(stdout)?.[1];
      const sfn = new SFNClient({ ...LOCAL_AWS_CONFIG, endpoint, disableHostPrefix: true });
      try {
        const result = await sfn.send(
          new StartSyncExecutionCommand({ stateMachineArn: arn, input: JSON.stringify(quote('serve-1')) }),
        );
        expect(result.status).toBe('SUCCEEDED');
      } finally {
        sfn.destroy();
      }
      expect(stdout).toMatch(/State machines \(1\)[\s\S]*EXPRESS/);
      expect(stdout).toMatch(/Not emulated locally\n {2}AWS::/);
      expect(stdout).toContain('export AWS_ENDPOINT_URL_EVENTBRIDGE=');
      expect(stdout).toContain('export AWS_DISABLE_HOST_PREFIX_INJECTION=true');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain('Stopping...');
  }, 90_000);
});
