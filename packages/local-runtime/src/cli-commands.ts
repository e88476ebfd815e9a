/**
 * The command runners behind the CLI (`serve`, `history`, `run`), and `runCli`, which parses the
 * command line and dispatches. A project that deploys something of its own into the runtime (the
 * blueprint does) passes a `CliProject`: how to start the runtime with it deployed, what to print
 * about it, and a `demo`.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import {
  CreateStateMachineCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  type Command,
  type ConsoleCommandOptions,
  ensurePortFree,
  PortInUseError,
  parseCommand,
  UsageError,
  type UsageOptions,
  usageText,
} from './cli';
import {
  type CloudAssemblyDeployment,
  type DeployedStateMachine,
  deployCloudAssembly,
  formatDeployment,
  type SynthesizedApp,
  synthesizeApp,
} from './cloud-assembly';
import { type ConsoleProfile, type ConsoleServer, startConsole } from './console';
import { LOCAL_AWS_CONFIG } from './dynamodb-local';
import { executionHistory, waitForExecution } from './executions';
import {
  LOCAL_ACCOUNT,
  type LocalRuntime,
  type LocalRuntimeOptions,
  type RuntimeConsoleOptions,
  startLocalRuntime,
} from './runtime';

const tty = process.stdout.isTTY === true;
export const bold = (s: string): string => (tty ? `\u001b[1m${s}\u001b[0m` : s);
export const dim = (s: string): string => (tty ? `\u001b[2m${s}\u001b[0m` : s);

/** Ctrl-C (or SIGTERM) arrived while a command ran: its runtime is stopped, then the CLI exits. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

let interruption: Promise<NodeJS.Signals> | undefined;

/**
 * Resolves on the first Ctrl-C or SIGTERM; installs the handlers on first use, so importing this
 * module changes nothing. Once the first signal was handled, another one a second later exits at
 * once (npm passes the terminal's Ctrl-C on as well, so one keypress can arrive twice).
 */
export function interrupted(): Promise<NodeJS.Signals> {
  interruption ??= new Promise<NodeJS.Signals>((resolve) => {
    let first: number | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (first !== undefined && Date.now() - first > 1000) process.exit(130);
      first ??= Date.now();
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return interruption;
}

/** Resolves with the work's result, or rejects with Interrupted when a signal comes first. */
export function unlessInterrupted<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    interrupted().then((signal) => {
      throw new Interrupted(`${signal} received; stopping`);
    }),
  ]);
}

/** Starts a runtime, runs `work` with it, and always stops it, also on Ctrl-C during either. */
export async function withRuntime<R extends LocalRuntime, T>(
  start: Promise<R>,
  work: (runtime: R) => Promise<T>,
): Promise<T> {
  let runtime: R | undefined;
  try {
    runtime = await unlessInterrupted(start);
    return await unlessInterrupted(work(runtime));
  } finally {
    runtime ??= await start.catch(() => undefined);
    await runtime?.stop();
  }
}

/**
 * The endpoints, the shell exports and the SDK settings, with a project's own lines in between.
 * The console's URL comes first when there is one (the runtime's, or `project.console`).
 */
export function endpointsText(
  runtime: LocalRuntime,
  project: {
    readonly resources?: readonly string[];
    readonly examples?: readonly string[];
    /** The console's URL, when it was not started with the runtime. */
    readonly console?: string;
  } = {},
): string {
  const { stepFunctions, lambda, dynamodb, region } = runtime;
  const consoleUrl = project.console ?? runtime.console?.url;
  return [
    ...(consoleUrl
      ? [
          `${bold('Console')}  ${consoleUrl}  ${dim('(executions, graphs, history, records; in a browser)')}`,
          '',
        ]
      : []),
    bold('Local runtime'),
    `  Step Functions   ${stepFunctions.endpoint}`,
    `  Lambda           ${lambda.endpoint}`,
    `  DynamoDB Local   ${dynamodb.endpoint}`,
    `  EventBridge      ${runtime.eventBridge.endpoint}  ${dim('(PutEvents)')}`,
    ...(project.resources ?? []).map((line) => `  ${line}`),
    '',
    bold('Use it from a shell'),
    `  export AWS_REGION=${region} AWS_DEFAULT_REGION=${region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`,
    `  export AWS_ENDPOINT_URL_SFN=${stepFunctions.endpoint}`,
    `  export AWS_ENDPOINT_URL_LAMBDA=${lambda.endpoint}`,
    `  export AWS_ENDPOINT_URL_DYNAMODB=${dynamodb.endpoint}`,
    `  export AWS_ENDPOINT_URL_EVENTBRIDGE=${runtime.eventBridge.endpoint}`,
    '  export AWS_DISABLE_HOST_PREFIX_INJECTION=true',
    dim('  (StartSyncExecution and TestState otherwise go to sync-127.0.0.1, which does not resolve)'),
    ...(project.examples ?? []).map((line) => `  ${line}`),
    '',
    bold('Or from code'),
    `  new SFNClient({ endpoint: '${stepFunctions.endpoint}', region: '${region}',`,
    `    credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, disableHostPrefix: true })`,
    dim('  (disableHostPrefix: the same for the SDK)'),
  ].join('\n');
}

/** Prints the endpoints and serves until Ctrl-C. */
export async function serveUntilInterrupted(endpoints: string): Promise<void> {
  console.log(`\n${endpoints}\n\n${dim('Serving; press Ctrl-C to stop.')}`);
  await interrupted();
  console.log('\nStopping...');
}

/** Prints one line per history event: id, previous id, type, state name, and error/cause/output. */
export function printHistory(events: readonly HistoryEvent[]): void {
  for (const event of events) {
    const { type, id, previousEventId, timestamp: _timestamp, ...details } = event;
    const detail = Object.values(details).find((v) => typeof v === 'object' && v !== null) as
      | Record<string, unknown>
      | undefined;
    const name = detail && typeof detail.name === 'string' ? ` ${detail.name}` : '';
    const extra = detail
      ? Object.entries(detail)
          .filter(([k]) => ['error', 'cause', 'resource', 'output'].includes(k))
          .map(([k, v]) => `${k}=${String(v).slice(0, 160)}`)
          .join(' ')
      : '';
    console.log(
      `  ${String(id).padStart(3)} ${String(previousEventId).padStart(3)}  ${type}${name}  ${dim(extra)}`,
    );
  }
}

/** `history <arn>`: reads the history from a runtime served on `port`. */
export async function history(executionArn: string, port: number): Promise<number> {
  const sfn = new SFNClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: LOCAL_ACCOUNT.region,
    credentials: LOCAL_AWS_CONFIG.credentials,
  });
  try {
    printHistory(await executionHistory(sfn, executionArn));
    return 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
      throw new Error(`nothing serves on port ${port}: start the runtime ('serve') first`);
    }
    throw error;
  } finally {
    sfn.destroy();
  }
}

/** Synthesizes `app` (or reuses the cached assembly) and says so with the time it took. */
export async function synthesizeForCli(app: string, cwd = process.cwd()): Promise<SynthesizedApp> {
  const synthesized = await synthesizeApp({ app, cwd });
  const seconds = (synthesized.durationMs / 1000).toFixed(1);
  if (!synthesized.command) console.log(`Cloud assembly ${dim(synthesized.assemblyDir)}`);
  else if (synthesized.reused) {
    console.log(
      `Reused the synthesized app (nothing changed since the last synth; checked in ${seconds} s) ${dim(synthesized.assemblyDir)}`,
    );
  } else {
    const changed = synthesized.changedFiles;
    const why = changed
      ? ` (changed since the last synth: ${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''})`
      : '';
    console.log(`Synthesized ${synthesized.command} in ${seconds} s${why} ${dim(synthesized.assemblyDir)}`);
  }
  return synthesized;
}

/** A runtime with a CDK app deployed into it. */
export type AppRuntime = LocalRuntime & {
  readonly deployment: CloudAssemblyDeployment;
  readonly synthesized: SynthesizedApp;
};

export interface StartAppRuntimeOptions extends LocalRuntimeOptions {
  /** The CDK app, as the CDK CLI's `--app`: a cdk.out folder, an app folder with a cdk.json, or a command. */
  readonly app: string;
  /** The folder a command runs in, and the default `baseDir`. @default process.cwd() */
  readonly cwd?: string;
  /** Print what the synth did (reused or ran, and why) and the deployment table. @default true */
  readonly print?: boolean;
}

/**
 * Starts the runtime while the app is synthesized (or its cached assembly checked), then deploys
 * the assembly. A resource that cannot run locally is a problem in `deployment.problems`, not a
 * failure: the rest runs.
 */
export async function startAppRuntime(options: StartAppRuntimeOptions): Promise<AppRuntime> {
  const { app, cwd = process.cwd(), print = true, ...runtimeOptions } = options;
  const synthesis = print ? synthesizeForCli(app, cwd) : synthesizeApp({ app, cwd });
  synthesis.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled
  const runtime = await startLocalRuntime({ baseDir: cwd, ...runtimeOptions });
  try {
    const synthesized = await synthesis;
    const deployment = await deployCloudAssembly(runtime, synthesized.assemblyDir);
    if (print) console.log(`\n${formatDeployment(deployment, { heading: bold, quiet: dim })}`);
    return Object.assign(runtime, { deployment, synthesized });
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}

/** Deploys a synthesized app into the runtime and prints one line of counts and each problem. */
async function deployForCli(
  runtime: LocalRuntime,
  synthesized: SynthesizedApp,
): Promise<CloudAssemblyDeployment> {
  const deployment = await deployCloudAssembly(runtime, synthesized.assemblyDir);
  console.log(
    `Deployed ${count(deployment.stateMachines.length, 'state machine')}, ${count(deployment.functions.length, 'function')}, ` +
      `${count(deployment.tables.length, 'table')}, ${count(deployment.rules.length, 'rule')} in ${(deployment.durationMs / 1000).toFixed(1)} s`,
  );
  for (const problem of deployment.problems) {
    const label = problem.severity === 'warning' ? 'warning' : 'problem';
    console.log(dim(`  ${label}: ${problem.error.name}: ${problem.error.message}`));
  }
  return deployment;
}

/** The deployed state machine `wanted` names (name, logical id or stack/logical id), or the only one. */
export function chooseStateMachine(
  deployment: CloudAssemblyDeployment,
  wanted: string | undefined,
): DeployedStateMachine {
  const machines = deployment.stateMachines;
  const list = machines.map((m) => `${m.name} (${m.stackName}/${m.logicalId})`).join(', ') || 'none';
  if (wanted === undefined) {
    if (machines.length === 1 && machines[0]) return machines[0];
    throw new UsageError(
      `the app has ${machines.length} state machines (${list}): choose one with --state-machine <name>`,
    );
  }
  const found = machines.find(
    (m) =>
      m.name === wanted ||
      m.logicalId === wanted ||
      `${m.stackName}/${m.logicalId}` === wanted ||
      m.arn === wanted,
  );
  if (!found) throw new UsageError(`the app has no state machine ${JSON.stringify(wanted)}; it has ${list}`);
  return found;
}

/** One synchronous EXPRESS execution: prints its status and result (Express keeps no history). */
async function runExpress(runtime: LocalRuntime, stateMachineArn: string, input: string): Promise<number> {
  const result = await runtime.clients.sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input }));
  console.log(dim('EXPRESS: run with StartSyncExecution; Express executions keep no history, as on AWS'));
  console.log(`\n${bold('Status')} ${result.status}`);
  if (result.output !== undefined) console.log(`${bold('Output')} ${result.output}`);
  if (result.error !== undefined) console.log(`${bold('Error')}  ${result.error}`);
  if (result.cause !== undefined) console.log(`${bold('Cause')}  ${result.cause}`);
  return result.status === 'SUCCEEDED' ? 0 : 1;
}

/** `run <definition>`: one execution of a definition on a fresh runtime; prints history and result. */
export async function runDefinition(
  command: Extract<Command, { kind: 'run' }>,
  baseDir = process.cwd(),
): Promise<number> {
  const synthesis = command.app === undefined ? undefined : synthesizeForCli(command.app);
  synthesis?.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled
  return withRuntime(
    startLocalRuntime({ baseDir, ports: { stepFunctions: command.port } }),
    async (runtime) => {
      const deployment = synthesis ? await deployForCli(runtime, await synthesis) : undefined;
      let definition = command.definition;
      for (const [name, handler] of command.functions) {
        const arn = runtime.registerFunction(name, { handler, timeoutSeconds: 30 });
        definition = definition?.split(`\${Lambda:${name}}`).join(arn);
      }
      let stateMachineArn: string | undefined;
      if (definition !== undefined) {
        const created = await runtime.clients.sfn.send(
          new CreateStateMachineCommand({
            name: 'run',
            definition,
            roleArn: `arn:aws:iam::${runtime.accountId}:role/local-run`,
          }),
        );
        stateMachineArn = created.stateMachineArn;
      } else if (deployment) {
        const chosen = chooseStateMachine(deployment, command.stateMachine);
        // An EXPRESS execution has no history to read back (as on AWS): run it synchronously.
        if (chosen.type === 'EXPRESS') return runExpress(runtime, chosen.arn, command.input);
        stateMachineArn = chosen.arn;
      }
      const started = await runtime.clients.sfn.send(
        new StartExecutionCommand({ stateMachineArn, input: command.input }),
      );
      const result = await waitForExecution(runtime.clients.sfn, started.executionArn ?? '');
      console.log(bold('History'));
      printHistory(await executionHistory(runtime.clients.sfn, started.executionArn ?? ''));
      console.log(`\n${bold('Status')} ${result.status}`);
      if (result.output !== undefined) console.log(`${bold('Output')} ${result.output}`);
      if (result.error !== undefined) console.log(`${bold('Error')}  ${result.error}`);
      if (result.cause !== undefined) console.log(`${bold('Cause')}  ${result.cause}`);
      return result.status === 'SUCCEEDED' ? 0 : 1;
    },
  );
}

/** What a project adds to the CLI: its deployment, its lines in the endpoints text, its demo. */
export interface CliProject<R extends LocalRuntime> {
  /**
   * Starts the runtime with the project deployed. Pass `console` on to startLocalRuntime, so the
   * runtime serves the console (when it does not, the CLI starts one next to it). @default an empty runtime
   */
  start?(options: { readonly port: number; readonly console?: RuntimeConsoleOptions }): Promise<R>;
  /**
   * What the console shows about the project's workflows (outcome names, where records are), as
   * data; `--console-profile <file>` replaces it for one run.
   */
  readonly consoleProfile?: ConsoleProfile;
  /** Lines about what the project deployed (resources) and commands to try (examples). */
  describe?(runtime: R): { readonly resources?: readonly string[]; readonly examples?: readonly string[] };
  /**
   * The `demo` command. `command.console` (absent with --no-console) carries the console's port and
   * the profile: pass it to startLocalRuntime as `console`. @default `demo` is refused with a UsageError
   */
  demo?(command: Extract<Command, { kind: 'demo' }>): Promise<number>;
  /** Folder that `run --function name=module#export` paths are relative to. @default process.cwd() */
  readonly baseDir?: string;
  /** How the usage text names the CLI and describes the demo. @default `sfn-local`, no demo */
  readonly usage?: UsageOptions;
}

/** `1 table`, `2 tables`. */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The commands to try against what `serveApp` deployed. */
function appExamples(deployment: CloudAssemblyDeployment): string[] {
  const examples: string[] = [];
  const machine = deployment.stateMachines[0];
  if (machine) {
    examples.push(
      `aws stepfunctions start-execution --state-machine-arn ${machine.arn} --input '<the event, as JSON>'`,
    );
  }
  const custom = deployment.rules.find((rule) => rule.kind === 'custom' && rule.enabled);
  if (custom) {
    examples.push(
      `aws events put-events --entries '[{"Source":"<source>","DetailType":"<detail-type>","Detail":"{}"${custom.eventBusName === 'default' ? '' : `,"EventBusName":"${custom.eventBusName}"`}}]'`,
    );
  }
  const table = deployment.tables[0];
  if (table) examples.push(`aws dynamodb scan --table-name ${table.name}`);
  return examples;
}

/** The console options of a command: the command's own profile, else the project's. */
export function consoleOptionsOf(
  options: ConsoleCommandOptions | undefined,
  projectProfile: ConsoleProfile | undefined,
): RuntimeConsoleOptions | undefined {
  if (!options) return undefined;
  const profile = options.profile ?? projectProfile;
  return { port: options.port, ...(profile ? { profile } : {}) };
}

/**
 * Runs `work` with the runtime's console URL: the runtime's own console, or (when a project's start
 * did not pass the console option on) one started here against the runtime's endpoints.
 */
async function withConsole<T>(
  runtime: LocalRuntime,
  options: RuntimeConsoleOptions | undefined,
  work: (consoleUrl: string | undefined) => Promise<T>,
): Promise<T> {
  if (!options || runtime.console) return work(runtime.console?.url);
  let own: ConsoleServer | undefined;
  try {
    own = await startConsole({
      stepFunctionsEndpoint: runtime.stepFunctions.endpoint,
      dynamodbEndpoint: runtime.dynamodb.endpoint,
      region: runtime.region,
      credentials: LOCAL_AWS_CONFIG.credentials,
      port: options.port,
      profile: options.profile,
    });
    return await work(own.url);
  } finally {
    await own?.stop();
  }
}

/** Fails fast when the console's fixed port is taken, naming the option that changes it. */
async function ensureConsolePortFree(options: ConsoleCommandOptions | undefined): Promise<void> {
  if (!options) return;
  try {
    await ensurePortFree(options.port);
  } catch (error) {
    if (error instanceof PortInUseError) {
      throw new PortInUseError(
        `the console's port ${options.port} is already in use (is another 'npm start' or 'npm run serve' running?); stop it, or pass --console-port 0 for any free port, or --no-console`,
      );
    }
    throw error;
  }
}

/** `console`: the console alone, against any Step Functions endpoint, until Ctrl-C. */
export async function serveConsole(
  command: Extract<Command, { kind: 'console' }>,
  projectProfile?: ConsoleProfile,
): Promise<void> {
  const server = await startConsole({
    stepFunctionsEndpoint: command.stepFunctionsEndpoint,
    dynamodbEndpoint: command.dynamodbEndpoint,
    region: command.region,
    port: command.console.port,
    profile: command.console.profile ?? projectProfile,
  });
  try {
    await unlessInterrupted(
      serveUntilInterrupted(
        [
          `${bold('Console')}  ${server.url}  ${dim('(executions, graphs, history, records; in a browser)')}`,
          `  reads Step Functions at ${command.stepFunctionsEndpoint}`,
          command.dynamodbEndpoint
            ? `  reads DynamoDB at ${command.dynamodbEndpoint}`
            : dim('  no DynamoDB endpoint (--dynamodb-endpoint): no records pages'),
        ].join('\n'),
      ),
    );
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
  } finally {
    await server.stop();
  }
}

/**
 * `serve --app`: synthesizes the CDK app (or reuses its cached assembly) while the runtime starts,
 * deploys the assembly, prints the deployment and the endpoints, and serves until Ctrl-C.
 */
export async function serveApp(options: {
  readonly app: string;
  readonly port: number;
  readonly cwd?: string;
  readonly baseDir?: string;
  /** The console to serve next to the runtime. */
  readonly console?: RuntimeConsoleOptions;
}): Promise<void> {
  const cwd = options.cwd ?? process.cwd();
  const started = Date.now();
  console.log(
    `${bold('Starting')} the local runtime for the CDK app ${options.app} ${dim(`(in ${cwd})`)}...`,
  );
  try {
    await withRuntime(
      startAppRuntime({
        app: options.app,
        cwd,
        baseDir: options.baseDir ?? cwd,
        ports: { stepFunctions: options.port },
        ...(options.console ? { console: options.console } : {}),
      }),
      async (runtime) => {
        console.log(dim(`\nReady in ${((Date.now() - started) / 1000).toFixed(1)} s`));
        await serveUntilInterrupted(endpointsText(runtime, { examples: appExamples(runtime.deployment) }));
      },
    );
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error; // Ctrl-C is how serve ends
  }
}

async function dispatch<R extends LocalRuntime>(
  argv: readonly string[],
  project: CliProject<R>,
): Promise<number> {
  const command = parseCommand(argv);
  if (command.kind === 'help') {
    console.log(usageText(project.usage));
    return 0;
  }
  if (command.kind !== 'history' && command.kind !== 'console') await ensurePortFree(command.port);
  if ((command.kind === 'serve' || command.kind === 'demo') && command.retentionMegabytes !== undefined) {
    // Through the environment, so a project's own start() (CliProject.start) gets it without a parameter.
    process.env.SFN_LOCAL_RETENTION_MB = String(command.retentionMegabytes);
  }
  if (command.kind === 'serve' || command.kind === 'demo' || command.kind === 'console') {
    await ensureConsolePortFree(command.console);
  }
  switch (command.kind) {
    case 'serve': {
      const consoleOptions = consoleOptionsOf(command.console, project.consoleProfile);
      // A CDK app: the one named, or the one in this folder when the project deploys nothing of its own.
      const app = command.app ?? (!project.start && existsSync(path.resolve('cdk.json')) ? '.' : undefined);
      if (app !== undefined) {
        await serveApp({ app, port: command.port, baseDir: project.baseDir, console: consoleOptions });
        return 0;
      }
      const start: Promise<LocalRuntime> = project.start
        ? project.start({ port: command.port, ...(consoleOptions ? { console: consoleOptions } : {}) })
        : startLocalRuntime({
            baseDir: project.baseDir,
            ports: { stepFunctions: command.port },
            ...(consoleOptions ? { console: consoleOptions } : {}),
          });
      try {
        await withRuntime(start, (runtime) =>
          withConsole(runtime, consoleOptions, (consoleUrl) =>
            serveUntilInterrupted(
              endpointsText(runtime, {
                ...project.describe?.(runtime as R),
                ...(consoleUrl ? { console: consoleUrl } : {}),
              }),
            ),
          ),
        );
      } catch (error) {
        if (!(error instanceof Interrupted)) throw error; // Ctrl-C is how serve ends
      }
      return 0;
    }
    case 'demo':
      if (!project.demo) throw new UsageError('this CLI has no demo: it serves an empty runtime');
      // The project's profile goes with the console options, so its demo passes them on as they are.
      return project.demo(
        command.console
          ? {
              ...command,
              console: { ...command.console, profile: command.console.profile ?? project.consoleProfile },
            }
          : command,
      );
    case 'history':
      return history(command.executionArn, command.port);
    case 'console':
      await serveConsole(command, project.consoleProfile);
      return 0;
    case 'run':
      return runDefinition(command, project.baseDir);
  }
}

/**
 * Runs the CLI and exits the process: 0 on success, 1 on failure, 2 on a usage error (with the
 * usage printed), 130 when interrupted.
 */
export function runCli<R extends LocalRuntime>(argv: readonly string[], project: CliProject<R> = {}): void {
  const usage = usageText(project.usage);
  // The SDK warns that its 2027 releases need Node 22; that is news for the maintainers, not for a user.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  dispatch(argv, project).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const e = error as Error;
      if (e instanceof UsageError) {
        console.error(`${e.message}\n\n${usage}`);
        process.exit(2);
      }
      console.error(`\n${e.name ?? 'Error'}: ${e.message ?? String(error)}`);
      process.exit(e instanceof Interrupted ? 130 : 1);
    },
  );
}
