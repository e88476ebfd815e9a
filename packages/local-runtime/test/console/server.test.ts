/**
 * The console server's JSON API and pages, against a started runtime with the blueprint-shaped
 * fixture and the example profile: counts and outcomes, outcome filters, one execution's analysis,
 * records and the executions that touched a key, start and stop, and the request checks.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type {
  ExecutionDetail,
  ExecutionPage,
  RecordDetail,
  RecordPage,
  StateMachineSummary,
} from '../../src/console';
import { startConsole } from '../../src/console';
import { IDEMPOTENCY_PROFILE } from '../fixtures/console/profile';
import { type ConsoleFixture, PACKAGE_ROOT, startConsoleFixture } from '../fixtures/console/runtime';

let fixture: ConsoleFixture;
const executions: Record<string, string> = {};

beforeAll(async () => {
  fixture = await startConsoleFixture(IDEMPOTENCY_PROFILE);
  executions.new = (await fixture.execute('new-1', { orderId: 'o-1', flaky: true })).arn;
  executions.duplicate = (await fixture.execute('dup-1', { orderId: 'o-1' })).arn;
  executions.failure = (await fixture.execute('fail-1', { orderId: 'o-2', card: 'declined' })).arn;
  executions.invalid = (await fixture.execute('invalid-1', { card: 'none' })).arn;
}, 60_000);
afterAll(() => fixture?.runtime.stop());

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${fixture.url}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

async function post<T>(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${fixture.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

describe('the console API', () => {
  it('lists the state machines with counts by status and by outcome', async () => {
    // Outcomes are read from histories in the background: ask until all four are read.
    let orders: StateMachineSummary | undefined;
    for (let i = 0; i < 50; i++) {
      orders = (await get<StateMachineSummary[]>('/api/state-machines')).body.find(
        (m) => m.name === 'orders',
      );
      if (orders?.classification?.classified === 4) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(orders).toMatchObject({
      type: 'STANDARD',
      total: 4,
      counts: { SUCCEEDED: 2, FAILED: 2 },
      outcomes: { new: 1, duplicate: 1, 'business-failure': 1, 'invalid-key': 1 },
      classification: { classified: 4, finished: 4 },
      hasRecords: true,
    });
  });

  it('lists executions newest first with their outcomes, and filters by status and by outcome', async () => {
    const all = (await get<ExecutionPage>('/api/state-machines/orders/executions')).body;
    expect(all.executions.map((row) => [row.name, row.outcome])).toEqual([
      ['invalid-1', 'invalid-key'],
      ['fail-1', 'business-failure'],
      ['dup-1', 'duplicate'],
      ['new-1', 'new'],
    ]);
    const failed = (await get<ExecutionPage>('/api/state-machines/orders/executions?status=FAILED')).body;
    expect(failed.executions.map((row) => row.name)).toEqual(['invalid-1', 'fail-1']);
    const duplicates = (await get<ExecutionPage>('/api/state-machines/orders/executions?outcome=duplicate'))
      .body;
    expect(duplicates.executions.map((row) => row.name)).toEqual(['dup-1']);
    const paged = (await get<ExecutionPage>('/api/state-machines/orders/executions?pageSize=3')).body;
    expect(paged.executions).toHaveLength(3);
    const rest = (
      await get<ExecutionPage>(
        `/api/state-machines/orders/executions?pageSize=3&token=${encodeURIComponent(paged.nextToken ?? '')}`,
      )
    ).body;
    expect(rest.executions.map((row) => row.name)).toEqual(['new-1']);
    expect((await get('/api/state-machines/orders/executions?outcome=nope')).status).toBe(400);
  });

  it('gives one execution: its definition, history, per-state outcomes and its record', async () => {
    const { status, body } = await get<ExecutionDetail>('/api/state-machines/orders/executions/new-1');
    expect(status).toBe(200);
    expect(body.outcome).toBe('new');
    expect(body.record).toEqual({ key: 'order#o-1', tableName: 'orders' });
    expect(body.analysis.states.RunBusinessLogic).toEqual({ status: 'retried', visits: 1, retries: 1 });
    expect(body.analysis.transitions.map((t) => t.to)).toEqual([
      'ClaimIdempotencyKey',
      'RunBusinessLogic',
      'RecordCompletion',
      'Processed',
      '__end',
    ]);
    expect(body.events[0]?.type).toBe('ExecutionStarted');
    const missing = await get<{ error: { name: string } }>('/api/state-machines/orders/executions/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.name).toBe('ExecutionDoesNotExist');
  });

  it('lists the records and, for one key, every execution that touched it with its owner', async () => {
    const page = (await get<RecordPage>('/api/state-machines/orders/records')).body;
    expect(page.tableName).toBe('orders');
    expect(page.records.map((record) => record.key)).toEqual(['order#o-1']); // o-2 was released
    expect(page.records[0]).toMatchObject({ status: 'COMPLETED', owner: executions.new });
    expect(page.records[0]?.lease).toBeGreaterThan(1e12);
    const search = (await get<RecordPage>('/api/state-machines/orders/records?q=o-1')).body;
    expect(search.records.map((record) => record.key)).toEqual(['order#o-1']);

    const record = (
      await get<RecordDetail>(`/api/state-machines/orders/records/${encodeURIComponent('order#o-1')}`)
    ).body;
    expect(record.executions.map((e) => [e.name, e.owner, e.outcome])).toEqual([
      ['dup-1', false, 'duplicate'],
      ['new-1', true, 'new'],
    ]);
    const released = (
      await get<RecordDetail>(`/api/state-machines/orders/records/${encodeURIComponent('order#o-2')}`)
    ).body;
    expect(released.record).toBeUndefined();
    expect(released.executions.map((e) => e.name)).toEqual(['fail-1']);
  });

  it('starts an execution (the input must be JSON) and stops a running one', async () => {
    const bad = await post<{ error: { message: string } }>('/api/state-machines/orders/executions', {
      input: '{"orderId":',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/The input is not JSON/);

    const started = await post<{ name: string; arn: string }>('/api/state-machines/orders/executions', {
      name: 'slow-api',
      input: JSON.stringify({ orderId: 'slow-api', delayMs: 30_000 }),
    });
    expect(started.status).toBe(201);
    expect(started.body.name).toBe('slow-api');
    const again = await post<{ error: { name: string } }>('/api/state-machines/orders/executions', {
      name: 'slow-api',
      input: '{}',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.name).toBe('ExecutionAlreadyExists');

    // Stop it once the business function runs (its claim is written first).
    for (let i = 0; i < 100; i++) {
      const running = (await get<ExecutionDetail>('/api/state-machines/orders/executions/slow-api')).body;
      if (running.analysis.states.RunBusinessLogic?.status === 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const stopped = await post('/api/state-machines/orders/executions/slow-api/stop', { error: 'Test.Stop' });
    expect(stopped.status).toBe(200);
    const detail = (await get<ExecutionDetail>('/api/state-machines/orders/executions/slow-api')).body;
    expect(detail.execution).toMatchObject({ status: 'ABORTED', error: 'Test.Stop' });
    expect(detail.analysis.states.RunBusinessLogic?.status).toBe('aborted');
  });

  it('refuses a POST from another origin and one that is not JSON', async () => {
    const foreign = await post(
      '/api/state-machines/orders/executions',
      { input: '{}' },
      { Origin: 'http://evil.test' },
    );
    expect(foreign.status).toBe(403);
    const response = await fetch(`${fixture.url}/api/state-machines/orders/executions`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(response.status).toBe(415);
  });

  it('serves the app shell for every page URL, with the profile embedded, and the bundled assets', async () => {
    const page = await fetch(`${fixture.url}/state-machines/orders/executions/new-1?view=events`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<script id="console-config" type="application\/json">/);
    expect(html).toContain('"enteredState":"AlreadyProcessed"');
    // The profile's name in the header and the title, escaped.
    expect(html).toContain('<title>Step Functions local console · Orders &#38; refunds</title>');
    expect(html).toContain('<span class="profile-name"> · Orders &#38; refunds</span>');
    const script = html.match(/src="(\/assets\/console\.js\?v=\w+)"/)?.[1] ?? '';
    const js = await fetch(`${fixture.url}${script}`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await js.text()).length).toBeGreaterThan(10_000);
    expect((await fetch(`${fixture.url}/assets/console.css`)).status).toBe(200);
    expect((await fetch(`${fixture.url}/assets/nope.js`)).status).toBe(404);
  });
});

describe('a console without a profile', () => {
  it('shows statuses only and has no records', async () => {
    const plain = await startConsole({ stepFunctionsEndpoint: fixture.runtime.stepFunctions.endpoint });
    try {
      const machines = (await (
        await fetch(`${plain.url}/api/state-machines`)
      ).json()) as StateMachineSummary[];
      const orders = machines.find((m) => m.name === 'orders');
      expect(orders?.outcomes).toBeUndefined();
      expect(orders?.hasRecords).toBe(false);
      expect(orders?.counts?.SUCCEEDED).toBe(2);
      const page = (await (
        await fetch(`${plain.url}/api/state-machines/orders/executions`)
      ).json()) as ExecutionPage;
      expect(page.executions.every((row) => row.outcome === undefined)).toBe(true);
      expect((await fetch(`${plain.url}/api/state-machines/orders/records`)).status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});

/** Runs sfn-local with `args` until it prints the console's URL and "Serving", checks, then Ctrl-C. */
async function whileServing(args: readonly string[], check: (url: string) => Promise<void>): Promise<void> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'bin/sfn-local.ts', ...args],
    {
      cwd: PACKAGE_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no console line in: ${out}`)), 45_000);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Console\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match?.[1] && /Serving/.test(out)) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    await check(url);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }
}

describe('sfn-local', () => {
  it('serve prints the console URL with the endpoints and serves it until Ctrl-C', async () => {
    await whileServing(['serve', '--port', '0', '--console-port', '0'], async (url) => {
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Step Functions local console');
    });
  }, 60_000);

  it('console serves the console alone against another endpoint, with a profile from a file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'console-'));
    const profileFile = path.join(dir, 'profile.json');
    writeFileSync(profileFile, JSON.stringify(IDEMPOTENCY_PROFILE));
    const { runtime } = fixture;
    await whileServing(
      [
        'console',
        '--sfn-endpoint',
        runtime.stepFunctions.endpoint,
        '--dynamodb-endpoint',
        runtime.dynamodb.endpoint,
        '--console-port',
        '0',
        '--console-profile',
        profileFile,
      ],
      async (url) => {
        const response = await fetch(
          `${url}/api/state-machines/orders/records/${encodeURIComponent('order#o-1')}`,
        );
        const record = (await response.json()) as RecordDetail;
        expect(record.record?.owner).toBe(executions.new);
      },
    );
  }, 60_000);
});
