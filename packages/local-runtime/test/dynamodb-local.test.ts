import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  createTable,
  DynamoDbLocalStartError,
  freePort,
  JavaNotFoundError,
  LOCAL_AWS_CONFIG,
  startDynamoDbLocal,
} from '../src/dynamodb-local';

function jvmRunningOn(port: number): boolean {
  try {
    const out = execFileSync('pgrep', [
      '-f',
      `DynamoDBLocal.jar -inMemory -sharedDb -disableTelemetry -port ${port}`,
    ]);
    return out.toString().trim().length > 0;
  } catch {
    return false;
  }
}

async function gone(port: number): Promise<boolean> {
  // The JVM is killed when the process ends; give the kernel a moment to reap it.
  for (let i = 0; i < 50 && jvmRunningOn(port); i++) await new Promise((r) => setTimeout(r, 100));
  return !jvmRunningOn(port);
}

/** An HTTP server that is not DynamoDB (answers 404 to everything), like the local Lambda service. */
async function foreignServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"Message":"not here"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// A process that starts DynamoDB Local and waits; with "own-handler" it handles SIGINT itself: it lists
// the tables (DynamoDB must still answer) and exits without calling stop().
const CHILD = `
const { startDynamoDbLocal } = require(${JSON.stringify(path.join(__dirname, '..', 'src', 'dynamodb-local'))});
void (async () => {
  const local = await startDynamoDbLocal();
  if (process.argv[1] === 'own-handler') {
    process.on('SIGINT', async () => {
      const res = await fetch(local.endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.0',
          'X-Amz-Target': 'DynamoDB_20120810.ListTables',
          Authorization: 'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: '{}',
      }).catch((error) => ({ status: String(error) }));
      process.stdout.write('during ' + res.status + '\\n');
      process.exit(130);
    });
  }
  process.stdout.write('ready ' + local.port + '\\n');
  setInterval(() => {}, 1000);
})();
`;

async function startChild(
  mode: 'default' | 'own-handler',
): Promise<{ child: ChildProcess; port: number; out: () => string }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', CHILD, mode], {
    cwd: path.join(__dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the child exited early with code ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /ready (\d+)/.exec(out);
      if (ready) resolve(Number(ready[1]));
    });
  });
  return { child, port, out: () => out };
}

function ended(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('DynamoDB Local launcher', () => {
  test('Given Java 17, when started, then it answers the DynamoDB API; when stopped, then its JVM is gone', async () => {
    const local = await startDynamoDbLocal();
    const client = new DynamoDBClient({ ...LOCAL_AWS_CONFIG, endpoint: local.endpoint });
    try {
      await createTable(local.endpoint, 'idempotency');
      const tables = await client.send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual(['idempotency']);
      expect(jvmRunningOn(local.port)).toBe(true);
    } finally {
      client.destroy();
      await local.stop();
    }
    expect(jvmRunningOn(local.port)).toBe(false);
    await local.stop();
  });

  test('fails when Java is not on PATH, saying how to install it', async () => {
    const attempt = startDynamoDbLocal({ env: { ...process.env, PATH: '' } });
    await expect(attempt).rejects.toThrow(JavaNotFoundError);
    await expect(startDynamoDbLocal({ env: { ...process.env, PATH: '' } })).rejects.toThrow(
      /apt-get install -y openjdk-17-jre-headless/,
    );
  });

  test('fails when the requested port holds another HTTP server, instead of taking that server for DynamoDB', async () => {
    const foreign = await foreignServer();
    try {
      const attempt = startDynamoDbLocal({ port: foreign.port });
      await expect(attempt).rejects.toThrow(DynamoDbLocalStartError);
      await expect(attempt).rejects.toThrow(
        new RegExp(`could not bind port ${foreign.port}: another process is using it`),
      );
    } finally {
      await foreign.close();
    }
    expect(await gone(foreign.port)).toBe(true);
  });

  test('Given the chosen free port is taken before the JVM binds it, when started, then it starts again on another port', async () => {
    const foreign = await foreignServer();
    const chosen: number[] = [];
    const local = await startDynamoDbLocal({
      choosePort: async () => {
        const port = chosen.length === 0 ? foreign.port : await freePort();
        chosen.push(port);
        return port;
      },
    });
    const client = new DynamoDBClient({ ...LOCAL_AWS_CONFIG, endpoint: local.endpoint });
    try {
      expect(chosen).toHaveLength(2);
      expect(local.port).toBe(chosen[1]);
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    } finally {
      client.destroy();
      await local.stop();
      await foreign.close();
    }
  });

  test('Given an application that handles SIGINT itself, when SIGINT arrives, then DynamoDB Local still answers in its handler and is gone once the process exits', async () => {
    const { child, port, out } = await startChild('own-handler');
    try {
      child.kill('SIGINT');
      expect(await ended(child)).toEqual({ code: 130, signal: null });
      expect(out()).toContain('during 200');
      expect(await gone(port)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('Given nobody handles SIGINT, when SIGINT arrives, then the process dies by it and takes DynamoDB Local with it', async () => {
    const { child, port } = await startChild('default');
    try {
      child.kill('SIGINT');
      expect(await ended(child)).toEqual({ code: null, signal: 'SIGINT' });
      expect(await gone(port)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
