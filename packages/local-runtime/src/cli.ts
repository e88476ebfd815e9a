/**
 * The local CLI's argument rules, kept apart from the command runners so every bad input is
 * rejected, with a message that names the fix, before anything (a JVM, a port) is started.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { type ConsoleProfile, ConsoleProfileError, validateProfile } from './console/profile';

/** The well-known Step Functions port of `serve`, `demo` and `history`. */
export const DEFAULT_PORT = 8083;

/** The well-known port of the local console (a browser UI), next to Step Functions'. */
export const DEFAULT_CONSOLE_PORT = 8084;

/** What a project adds to the usage text: how the CLI is invoked, and its demo. */
export interface UsageOptions {
  /** How a user runs the CLI. @default 'sfn-local' */
  readonly invocation?: string;
  /** Lines describing the project's `demo` command and its options; no demo lines without them. */
  readonly demo?: {
    readonly command: string;
    readonly options?: readonly string[];
  };
}

/** The usage text: the runtime's commands, plus a project's demo when it has one. */
export function usageText(options: UsageOptions = {}): string {
  const demo = options.demo;
  const d = demo ? 'demo, ' : '';
  return `usage: ${options.invocation ?? 'sfn-local'} <command> [options]

commands:
  serve                      start the local runtime with the project deployed, until Ctrl-C; with
                             --app (or a cdk.json here and no deployment of the project's own) the
                             CDK app is synthesized and its cloud assembly deployed
${demo ? `  demo [--serve]             ${demo.command}\n` : ''}  history <executionArn>     print an execution's history from a running 'serve'
  console                    only the console, against any Step Functions endpoint (a running 'serve'
                             on --port, or --sfn-endpoint; default $AWS_ENDPOINT_URL_SFN), until Ctrl-C
      --sfn-endpoint <url>   the Step Functions endpoint to read (and start and stop executions through)
      --dynamodb-endpoint <url>   the DynamoDB endpoint of the records pages (default $AWS_ENDPOINT_URL_DYNAMODB)
      --region <region>      (default $AWS_REGION, else us-east-1)
  run <definition.json>      run a state machine definition once and print its history and output
      --input <json>         execution input (default {})
      --function <name>=<module#export>   register a local Lambda function; \${Lambda:<name>} in the
                             definition becomes its ARN (repeatable)
      --set <Name>=<value>   substitute \${Name} in the definition (repeatable)
  run --app <app> [--state-machine <name>]   deploy the CDK app, then run one of its state machines
                             (by name or logical id; not needed when it has one) or the definition given

options:
  --app <dir-or-command>     a CDK app, as the CDK CLI's --app: its cdk.out folder, its folder (with a
                             cdk.json), or the command that runs it, e.g. "npx ts-node bin/app.ts"
                             (serve, ${d}run); synthesized offline and cached until its sources change
  --port <n>                 Step Functions port (serve, ${d}history: default ${DEFAULT_PORT}; run: any free port)
  --console-port <n>         port of the local console, a browser UI for executions (serve, ${d}
                             console: default ${DEFAULT_CONSOLE_PORT}, or any free port with --port 0; 0: any free port)
  --no-console               serve${demo ? ', demo' : ''}: no console
  --retention-mb <n>         serve${demo ? ', demo' : ''}: heap the finished executions may take before the
                             oldest are forgotten (names stay reserved); default 256, about 200,000
                             executions of the blueprint (also SFN_LOCAL_RETENTION_MB)
  --console-profile <file>   serve, ${d}console: a JSON console profile (outcome names, where records are)
${(demo?.options ?? []).map((line) => `  ${line}\n`).join('')}  -h, --help                 this text
`;
}

/** The runtime's own usage text (no project, no demo). */
export const USAGE = usageText();

/** Bad command-line input: the CLI prints the message and the usage, and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The Step Functions port is taken, most often by another `npm start` or `npm run serve`. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

/** The console of `serve` and `demo`: absent with --no-console. */
export interface ConsoleCommandOptions {
  readonly port: number;
  /** Read from --console-profile; a project's own profile (CliProject.consoleProfile) otherwise. */
  readonly profile?: ConsoleProfile;
}

export type Command =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'serve';
      readonly port: number;
      readonly app?: string;
      readonly console?: ConsoleCommandOptions;
      /** --retention-mb */
      readonly retentionMegabytes?: number;
    }
  | {
      readonly kind: 'demo';
      readonly port: number;
      /** --retention-mb */
      readonly retentionMegabytes?: number;
      readonly console?: ConsoleCommandOptions;
      readonly serve: boolean;
      readonly orders: number;
      readonly quiet: boolean;
      /** The CDK app to run the demo against (`--app`), when the project's demo takes one. */
      readonly app?: string;
    }
  | { readonly kind: 'history'; readonly port: number; readonly executionArn: string }
  | {
      readonly kind: 'console';
      readonly stepFunctionsEndpoint: string;
      readonly dynamodbEndpoint?: string;
      readonly region: string;
      readonly console: ConsoleCommandOptions;
    }
  | {
      readonly kind: 'run';
      readonly port: number;
      /** The definition file; absent when `app` is given and one of its state machines runs. */
      readonly file?: string;
      /** The definition text with `--set` values applied (functions are applied once registered). */
      readonly definition?: string;
      readonly input: string;
      readonly functions: ReadonlyArray<readonly [name: string, handler: string]>;
      /** A CDK app deployed before the run (`--app`). */
      readonly app?: string;
      /** Which of the app's state machines runs (name or logical id), when no definition file is given. */
      readonly stateMachine?: string;
    };

function integer(value: string, option: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(
      `${option} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

function pairs(items: readonly string[], option: string, example: string): [string, string][] {
  return items.map((item) => {
    const at = item.indexOf('=');
    if (at <= 0 || at === item.length - 1) {
      throw new UsageError(`${option} must look like ${example}, got ${JSON.stringify(item)}`);
    }
    return [item.slice(0, at), item.slice(at + 1)];
  });
}

/** `${Name}` and `${Lambda:name}` placeholders left in a definition. */
export function placeholdersIn(text: string): string[] {
  return [...new Set(text.match(/\$\{[A-Za-z0-9_:.-]+\}/g) ?? [])];
}

/** Parses and checks the whole command line; reads and checks the definition file of `run`. */
export function parseCommand(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  const [command, ...rest] = positionals;
  if (values.help) return { kind: 'help' };
  if (command === undefined) throw new UsageError('a command is needed');
  const port = (fallback: number) =>
    values.port === undefined ? fallback : integer(values.port, '--port', 0, 65_535);
  const noMoreArguments = (expected: number) => {
    if (rest.length > expected) throw new UsageError(`unexpected argument ${JSON.stringify(rest[expected])}`);
  };
  if (values.app !== undefined && values.app.trim() === '') {
    throw new UsageError(
      '--app needs a value: a cdk.out folder, a CDK app folder, or the command that runs the app',
    );
  }
  const app = values.app !== undefined ? { app: values.app } : {};
  if (values['state-machine'] !== undefined && (command !== 'run' || values.app === undefined)) {
    throw new UsageError('--state-machine chooses a state machine of the app: use it with run --app');
  }
  const consoleGiven = ['console-port', 'console-profile'].filter(
    (name) => values[name as 'console-port'] !== undefined,
  );
  const starts = command === 'serve' || command === 'demo' || command === 'console';
  if (!starts && (consoleGiven.length > 0 || values['no-console'])) {
    throw new UsageError(
      `--${consoleGiven[0] ?? 'no-console'} is an option of serve and demo, which start the console`,
    );
  }
  for (const option of ['sfn-endpoint', 'dynamodb-endpoint', 'region'] as const) {
    if (values[option] !== undefined && command !== 'console') {
      throw new UsageError(`--${option} is an option of the console command`);
    }
  }
  if (values['retention-mb'] !== undefined && command !== 'serve' && command !== 'demo') {
    throw new UsageError('--retention-mb is an option of serve and demo, which keep executions');
  }
  const retention =
    values['retention-mb'] === undefined
      ? {}
      : { retentionMegabytes: integer(values['retention-mb'], '--retention-mb', 1, 1_048_576) };
  if (values['no-console'] && consoleGiven.length > 0) {
    throw new UsageError(`--no-console and --${consoleGiven[0]} contradict each other: choose one`);
  }
  const consoleOptions = (): { console?: ConsoleCommandOptions } =>
    values['no-console']
      ? {}
      : {
          console: {
            port:
              values['console-port'] === undefined
                ? // --port 0 asks for no fixed port: the console takes any free one too.
                  values.port === '0'
                  ? 0
                  : DEFAULT_CONSOLE_PORT
                : integer(values['console-port'], '--console-port', 0, 65_535),
            ...(values['console-profile'] !== undefined
              ? { profile: readProfile(values['console-profile']) }
              : {}),
          },
        };

  switch (command) {
    case 'serve':
      noMoreArguments(0);
      return { kind: 'serve', port: port(DEFAULT_PORT), ...app, ...consoleOptions(), ...retention };
    case 'demo':
      noMoreArguments(0);
      return {
        kind: 'demo',
        port: port(DEFAULT_PORT),
        serve: values.serve,
        orders: integer(values.events, '--events', 1, 100_000),
        quiet: values.quiet,
        ...app,
        ...consoleOptions(),
        ...retention,
      };
    case 'console': {
      noMoreArguments(0);
      if (values['no-console']) throw new UsageError('--no-console leaves the console command nothing to do');
      const endpoint = (value: string | undefined, option: string) => {
        if (value === undefined || value === '') return undefined;
        try {
          const url = new URL(value);
          if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
          return value.replace(/\/$/, '');
        } catch {
          throw new UsageError(
            `${option} must be an http(s) URL such as http://127.0.0.1:8083, got ${JSON.stringify(value)}`,
          );
        }
      };
      const stepFunctionsEndpoint =
        endpoint(values['sfn-endpoint'], '--sfn-endpoint') ??
        (values.port === undefined
          ? endpoint(process.env.AWS_ENDPOINT_URL_SFN, 'AWS_ENDPOINT_URL_SFN')
          : undefined) ??
        `http://127.0.0.1:${port(DEFAULT_PORT)}`;
      const dynamodbEndpoint =
        endpoint(values['dynamodb-endpoint'], '--dynamodb-endpoint') ??
        endpoint(process.env.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB');
      return {
        kind: 'console',
        stepFunctionsEndpoint,
        ...(dynamodbEndpoint ? { dynamodbEndpoint } : {}),
        region: values.region ?? process.env.AWS_REGION ?? 'us-east-1',
        console: consoleOptions().console ?? { port: DEFAULT_CONSOLE_PORT },
      };
    }
    case 'history': {
      noMoreArguments(1);
      const executionArn = rest[0];
      if (!executionArn?.startsWith('arn:')) {
        throw new UsageError(
          'history needs an execution ARN, e.g. arn:aws:states:us-east-1:123456789012:execution:<state machine>:<name>',
        );
      }
      return { kind: 'history', port: port(DEFAULT_PORT), executionArn };
    }
    case 'run': {
      noMoreArguments(1);
      const file = rest[0];
      if (file === undefined && values.app !== undefined) {
        try {
          JSON.parse(values.input);
        } catch (error) {
          throw new UsageError(
            `--input must be JSON, got ${JSON.stringify(values.input)}: ${(error as Error).message}`,
          );
        }
        return {
          kind: 'run',
          port: port(0),
          input: values.input,
          functions: pairs(values.function, '--function', 'name=handlers/module.ts#export'),
          app: values.app,
          ...(values['state-machine'] !== undefined ? { stateMachine: values['state-machine'] } : {}),
        };
      }
      if (file === undefined) {
        throw new UsageError(
          'run needs a definition file, e.g. my-machine.asl.json (or --app with a CDK app)',
        );
      }
      const text = readUserFile(file, 'the definition file');
      try {
        JSON.parse(values.input);
      } catch (error) {
        throw new UsageError(
          `--input must be JSON, got ${JSON.stringify(values.input)}: ${(error as Error).message}`,
        );
      }
      const functions = pairs(values.function, '--function', 'name=handlers/module.ts#export');
      const substitutions = Object.fromEntries(pairs(values.set, '--set', 'Name=value'));
      const definition = text.replace(
        /\$\{([A-Za-z0-9_.-]+)\}/g,
        (match, name: string) => substitutions[name] ?? match,
      );
      const functionNames = new Set(functions.map(([name]) => `\${Lambda:${name}}`));
      const left = placeholdersIn(definition).filter((p) => !functionNames.has(p));
      if (left.length > 0) {
        throw new UsageError(
          `${file} still has ${left.join(', ')}: give each a value with --set Name=value (or --function name=module#export for \${Lambda:name}). ` +
            "The blueprint's own definition is deployed by 'npm run serve'.",
        );
      }
      return { kind: 'run', port: port(0), file, definition, input: values.input, functions, ...app };
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

/** A file named on the command line, as text; a UsageError naming it (`what`) when it cannot be read. */
function readUserFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
}

/** Reads and checks a --console-profile file. */
function readProfile(file: string): ConsoleProfile {
  const text = readUserFile(file, 'the console profile');
  try {
    return validateProfile(JSON.parse(text));
  } catch (error) {
    const reason =
      error instanceof ConsoleProfileError ? error.message : `not JSON: ${(error as Error).message}`;
    throw new UsageError(`${file}: ${reason}`);
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      serve: { type: 'boolean', default: false },
      port: { type: 'string' },
      events: { type: 'string', default: '200' },
      quiet: { type: 'boolean', default: false },
      input: { type: 'string', default: '{}' },
      function: { type: 'string', multiple: true, default: [] },
      set: { type: 'string', multiple: true, default: [] },
      app: { type: 'string' },
      'state-machine': { type: 'string' },
      'console-port': { type: 'string' },
      'console-profile': { type: 'string' },
      'no-console': { type: 'boolean', default: false },
      'sfn-endpoint': { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
      region: { type: 'string' },
      'retention-mb': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** Fails fast, before a JVM is started, when a fixed port is taken. */
export function ensurePortFree(port: number, host = '127.0.0.1'): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(
              `port ${port} is already in use (is another 'npm start' or 'npm run serve' running?); stop it, or pass --port 0 for any free port`,
            )
          : error,
      );
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
