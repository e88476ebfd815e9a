#!/usr/bin/env -S npx ts-node --transpile-only
/**
 * The local runtime's command line.
 *
 *   serve                 start DynamoDB Local, the local Lambda and the Step Functions endpoint,
 *                         deploy the blueprint, print the endpoints, serve until Ctrl-C
 *   demo [--serve]        serve, send the demo stream, print the summary (then exit, or keep serving)
 *   run <definition.json> [--input JSON] [--function name=module#export]... [--set Name=value]...
 *                         run one definition once and print its output and history
 */

// The SDK warns that its 2027 releases need Node 22; that is news for the maintainers, not for a demo.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  type Command,
  ensurePortFree,
  executionHistory,
  LOCAL_AWS_CONFIG,
  type LocalRuntime,
  parseCommand,
  startLocalRuntime,
  USAGE,
  UsageError,
  waitForExecution,
} from '@sfn-idempotency/local-runtime';
import { countCompleted, demoStream, formatSummary, runDemo, summarize } from '../local/demo';
import { type DeployedWorkflow, LOCAL_EXAMPLE, PROJECT_ROOT, startBlueprintRuntime } from '../local/deploy';

const tty = process.stdout.isTTY === true;
const bold = (s: string) => (tty ? `\u001b[1m${s}\u001b[0m` : s);
const dim = (s: string) => (tty ? `\u001b[2m${s}\u001b[0m` : s);

/** A runtime, with the blueprint deployed when it was started by startBlueprintRuntime. */
type ServedRuntime = LocalRuntime & { readonly workflow?: DeployedWorkflow };

function endpointsText(runtime: ServedRuntime): string {
  const { stepFunctions, lambda, dynamodb, region } = runtime;
  const arn = runtime.workflow?.stateMachineArn ?? '';
  return [
    bold('Local runtime'),
    `  Step Functions   ${stepFunctions.endpoint}`,
    `  Lambda           ${lambda.endpoint}`,
    `  DynamoDB Local   ${dynamodb.endpoint}`,
    ...(arn ? [`  state machine    ${arn}`, `  table            ${LOCAL_EXAMPLE.tableName}`] : []),
    '',
    bold('Use it from a shell'),
    `  export AWS_REGION=${region} AWS_DEFAULT_REGION=${region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`,
    `  export AWS_ENDPOINT_URL_SFN=${stepFunctions.endpoint}`,
    `  export AWS_ENDPOINT_URL_LAMBDA=${lambda.endpoint}`,
    `  export AWS_ENDPOINT_URL_DYNAMODB=${dynamodb.endpoint}`,
    ...(arn
      ? [
          `  aws stepfunctions start-execution --state-machine-arn ${arn} \\`,
          `    --input '{"detail":{"orderId":"ord-1","amount":1200,"currency":"EUR","card":"tok_1"}}'`,
          `  aws dynamodb scan --table-name ${LOCAL_EXAMPLE.tableName}`,
        ]
      : []),
    '',
    bold('Or from code'),
    `  new SFNClient({ endpoint: '${stepFunctions.endpoint}', region: '${region}',`,
    `    credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, disableHostPrefix: true })`,
    dim('  (disableHostPrefix: StartSyncExecution otherwise calls sync-127.0.0.1, which does not resolve;'),
    dim('   the AWS CLI cannot turn the prefix off, so use the SDK for StartSyncExecution)'),
  ].join('\n');
}

/**
 * Ctrl-C (or SIGTERM) once: the running command's runtime is stopped cleanly (no JVM, worker or
 * cache folder left), then the process exits. Again, a second later: exit at once.
 */
const interrupted = new Promise<NodeJS.Signals>((resolve) => {
  let first: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    // npm passes the terminal's Ctrl-C on as well, so one keypress can arrive twice: only a later
    // signal means "stop now".
    if (first !== undefined && Date.now() - first > 1000) process.exit(130);
    first ??= Date.now();
    resolve(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
});

class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

/** Resolves with the work's result, or rejects with Interrupted when a signal comes first. */
function unlessInterrupted<T>(work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    interrupted.then((signal) => {
      throw new Interrupted(`${signal} received; stopping`);
    }),
  ]);
}

/** Starts a runtime, runs `work` with it, and always stops it, also on Ctrl-C during either. */
async function withRuntime<R extends LocalRuntime, T>(
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

async function serve(runtime: ServedRuntime): Promise<void> {
  console.log(`\n${endpointsText(runtime)}\n\n${dim('Serving; press Ctrl-C to stop.')}`);
  await interrupted;
  console.log('\nStopping...');
}

async function demo(options: {
  serve: boolean;
  port: number;
  orders: number;
  quiet: boolean;
}): Promise<number> {
  const started = Date.now();
  console.log(
    bold('Starting the local runtime') + dim(' (DynamoDB Local, local Lambda, Step Functions engine)...'),
  );
  const start = startBlueprintRuntime({ ports: { stepFunctions: options.port }, onLambdaLog: () => {} });
  let servingWithCode: number | undefined;
  try {
    return await withRuntime(start, async (runtime) => {
      console.log(
        `Ready in ${((Date.now() - started) / 1000).toFixed(1)} s: blueprint deployed as ${runtime.workflow.name}, ` +
          `business Lambda ${LOCAL_EXAMPLE.functionName} (${LOCAL_EXAMPLE.handler}), table ${LOCAL_EXAMPLE.tableName}`,
      );
      const invocationsByKey = new Map<string, number>();
      runtime.lambda.setBeforeInvoke((info) => {
        const key = orderIdOf(info.payload);
        if (key) invocationsByKey.set(key, (invocationsByKey.get(key) ?? 0) + 1);
      });
      const stream = demoStream({ orders: options.orders });
      console.log(
        `\n${bold('Sending the demo stream')}: ${stream.length} OrderPlaced events for ${new Set(stream.map((e) => e.orderId).filter(Boolean)).size} orders, ` +
          'duplicates mixed in, some sent at the same moment, a few declined cards, one event without an order id',
      );
      const t0 = Date.now();
      let lastPrinted = 0;
      const outcomes = await runDemo({
        sfn: runtime.clients.sfn,
        stateMachineArn: runtime.workflow.stateMachineArn,
        stream,
        onProgress: (done, total) => {
          if (options.quiet) return;
          if (tty) process.stdout.write(`\r  ${done}/${total} executions finished`);
          else if (done === total || done - lastPrinted >= Math.ceil(total / 10)) {
            lastPrinted = done;
            console.log(`  ${done}/${total} executions finished`);
          }
        },
      });
      if (tty && !options.quiet) process.stdout.write('\n');
      const seconds = (Date.now() - t0) / 1000;
      const completed = await countCompleted(runtime.clients.dynamodb, LOCAL_EXAMPLE.tableName);
      const summary = summarize(stream, outcomes, invocationsByKey, completed, seconds);
      console.log(`\n${formatSummary(summary)}`);

      const failed = outcomes.find((o) => o.outcome === 'failed');
      const duplicate = outcomes.find((o) => o.outcome === 'duplicate');
      console.log(`\n${bold('Where to look next')}`);
      if (options.serve) {
        const history = (arn: string) =>
          `npm run local -- history ${arn}${options.port === 8083 ? '' : ` --port ${options.port}`}`;
        if (duplicate) console.log(`  a duplicate's history:     ${history(duplicate.executionArn)}`);
        if (failed) console.log(`  a declined payment:        ${history(failed.executionArn)}`);
      } else {
        console.log('  keep the runtime up:       npm start   (it serves after the demo until Ctrl-C)');
      }
      console.log('  the blueprint definition:  state-machines/idempotency.asl.json');
      console.log('  deploy it to AWS:          npx cdk deploy   (README: "Deploy")');

      const healthy =
        summary.keysInvokedMoreThanOnceAfterSuccess.length === 0 && summary.byOutcome.other === 0;
      if (options.serve) {
        servingWithCode = healthy ? 0 : 1;
        await serve(runtime);
      }
      return healthy ? 0 : 1;
    });
  } catch (error) {
    // After the summary, Ctrl-C is how `npm start` ends.
    if (error instanceof Interrupted && servingWithCode !== undefined) return servingWithCode;
    throw error;
  }
}

function orderIdOf(payload: string): string | undefined {
  try {
    const event = JSON.parse(payload) as {
      detail?: { orderId?: unknown };
      event?: { detail?: { orderId?: unknown } };
    };
    const id = event.detail?.orderId ?? event.event?.detail?.orderId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

async function history(executionArn: string, port: number): Promise<number> {
  const sfn = new SFNClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: LOCAL_EXAMPLE.region,
    credentials: LOCAL_AWS_CONFIG.credentials,
  });
  try {
    printHistory(await executionHistory(sfn, executionArn));
    return 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
      throw new Error(
        `nothing serves on port ${port}: start the runtime with 'npm start' or 'npm run serve' first`,
      );
    }
    throw error;
  } finally {
    sfn.destroy();
  }
}

function printHistory(events: Awaited<ReturnType<typeof executionHistory>>): void {
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

async function runDefinition(command: Extract<Command, { kind: 'run' }>): Promise<number> {
  return withRuntime(
    startLocalRuntime({ baseDir: PROJECT_ROOT, ports: { stepFunctions: command.port } }),
    async (runtime) => {
      let definition = command.definition;
      for (const [name, handler] of command.functions) {
        const arn = runtime.registerFunction(name, { handler, timeoutSeconds: 30 });
        definition = definition.split(`\${Lambda:${name}}`).join(arn);
      }
      const created = await runtime.clients.sfn.send(
        new CreateStateMachineCommand({
          name: 'run',
          definition,
          roleArn: `arn:aws:iam::${runtime.accountId}:role/local-run`,
        }),
      );
      const started = await runtime.clients.sfn.send(
        new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, input: command.input }),
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

async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  if (command.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (command.kind !== 'history') await ensurePortFree(command.port);
  switch (command.kind) {
    case 'serve':
      try {
        await withRuntime(startBlueprintRuntime({ ports: { stepFunctions: command.port } }), serve);
      } catch (error) {
        if (!(error instanceof Interrupted)) throw error; // Ctrl-C is how serve ends
      }
      return 0;
    case 'demo':
      return demo(command);
    case 'history':
      return history(command.executionArn, command.port);
    case 'run':
      return runDefinition(command);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const e = error as Error;
    if (e instanceof UsageError) {
      console.error(`${e.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`\n${e.name ?? 'Error'}: ${e.message ?? String(error)}`);
    process.exit(e instanceof Interrupted ? 130 : 1);
  },
);
