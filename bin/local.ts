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
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// The SDK warns that its 2027 releases need Node 22; that is news for the maintainers, not for a demo.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { CreateStateMachineCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { substitute } from '../lib/definition';
import {
  countCompleted,
  demoStream,
  executionHistory,
  formatSummary,
  runDemo,
  summarize,
  waitForExecution,
} from '../lib/local/demo';
import {
  LOCAL_DEFAULTS,
  type LocalRuntime,
  startBlueprintRuntime,
  startLocalRuntime,
} from '../lib/local/runtime';

const USAGE = `usage: local <command> [options]

commands:
  serve                      start the local runtime with the blueprint deployed, until Ctrl-C
  demo [--serve]             send the demo stream and print a summary (--serve: keep serving afterwards)
  run <definition.json>      run a state machine definition once and print output and history
      --input <json>         execution input (default {})
      --function <name>=<module#export>   register a local Lambda function (repeatable)
      --set <Name>=<value>   substitute \${Name} in the definition (repeatable)

options:
  --port <n>                 Step Functions endpoint port (default 8083; 0 = any free port)
  --events <n>               demo: distinct orders (default 200)
  --quiet                    demo: no progress line
`;

const tty = process.stdout.isTTY === true;
const bold = (s: string) => (tty ? `\u001b[1m${s}\u001b[0m` : s);
const dim = (s: string) => (tty ? `\u001b[2m${s}\u001b[0m` : s);

function endpointsText(runtime: LocalRuntime): string {
  const { stepFunctions, lambda, dynamodb, region } = runtime;
  const arn =
    'workflow' in runtime
      ? (runtime as { workflow: { stateMachineArn: string } }).workflow.stateMachineArn
      : '';
  return [
    bold('Local runtime'),
    `  Step Functions   ${stepFunctions.endpoint}`,
    `  Lambda           ${lambda.endpoint}`,
    `  DynamoDB Local   ${dynamodb.endpoint}`,
    ...(arn ? [`  state machine    ${arn}`, `  table            ${LOCAL_DEFAULTS.tableName}`] : []),
    '',
    bold('Use it from a shell'),
    `  export AWS_REGION=${region} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`,
    `  export AWS_ENDPOINT_URL_SFN=${stepFunctions.endpoint}`,
    `  export AWS_ENDPOINT_URL_LAMBDA=${lambda.endpoint}`,
    `  export AWS_ENDPOINT_URL_DYNAMODB=${dynamodb.endpoint}`,
    ...(arn
      ? [
          `  aws stepfunctions start-execution --state-machine-arn ${arn} \\`,
          `    --input '{"detail":{"orderId":"ord-1","amount":1200,"currency":"EUR","card":"tok_1"}}'`,
          `  aws dynamodb scan --table-name ${LOCAL_DEFAULTS.tableName}`,
        ]
      : []),
    '',
    bold('Or from code'),
    `  new SFNClient({ endpoint: '${stepFunctions.endpoint}', region: '${region}',`,
    `    credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, disableHostPrefix: true })`,
  ].join('\n');
}

/** Resolves once Ctrl-C (or SIGTERM) arrives. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function serve(runtime: LocalRuntime): Promise<void> {
  console.log(`\n${endpointsText(runtime)}\n\n${dim('Serving; press Ctrl-C to stop.')}`);
  await untilInterrupted();
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
  const runtime = await startBlueprintRuntime({
    ports: { stepFunctions: options.port },
    onLambdaLog: () => {},
  });
  try {
    console.log(
      `Ready in ${((Date.now() - started) / 1000).toFixed(1)} s: blueprint deployed as ${runtime.workflow.name}, ` +
        `business Lambda ${LOCAL_DEFAULTS.functionName} (${LOCAL_DEFAULTS.handler}), table ${LOCAL_DEFAULTS.tableName}`,
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
    const completed = await countCompleted(runtime.clients.dynamodb, LOCAL_DEFAULTS.tableName);
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

    const healthy = summary.keysInvokedMoreThanOnceAfterSuccess.length === 0 && summary.byOutcome.other === 0;
    if (options.serve) await serve(runtime);
    return healthy ? 0 : 1;
  } finally {
    await runtime.stop();
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
  const { SFNClient } = await import('@aws-sdk/client-sfn');
  const sfn = new SFNClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: LOCAL_DEFAULTS.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    printHistory(await executionHistory(sfn, executionArn));
    return 0;
  } finally {
    sfn.destroy();
  }
}

function printHistory(events: Awaited<ReturnType<typeof executionHistory>>): void {
  for (const event of events) {
    const { type, id, previousEventId, timestamp, ...details } = event;
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
    void timestamp;
  }
}

async function runDefinition(
  file: string,
  options: { input: string; functions: string[]; set: string[]; port: number },
): Promise<number> {
  const pairs = (items: string[], what: string) =>
    items.map((item) => {
      const at = item.indexOf('=');
      if (at <= 0) throw new Error(`${what} must look like Name=value, got ${JSON.stringify(item)}`);
      return [item.slice(0, at), item.slice(at + 1)] as const;
    });
  const runtime = await startLocalRuntime({ ports: { stepFunctions: options.port } });
  try {
    let text = readFileSync(file, 'utf8');
    for (const [name, handler] of pairs(options.functions, '--function')) {
      const arn = runtime.registerFunction(name, { handler, timeoutSeconds: 30 });
      text = text.split(`\${Lambda:${name}}`).join(arn);
    }
    const definition = substitute(text, Object.fromEntries(pairs(options.set, '--set')), true);
    const created = await runtime.clients.sfn.send(
      new CreateStateMachineCommand({
        name: 'run',
        definition,
        roleArn: `arn:aws:iam::${runtime.accountId}:role/local-run`,
      }),
    );
    const started = await runtime.clients.sfn.send(
      new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, input: options.input }),
    );
    const result = await waitForExecution(runtime.clients.sfn, started.executionArn ?? '');
    console.log(bold('History'));
    printHistory(await executionHistory(runtime.clients.sfn, started.executionArn ?? ''));
    console.log(`\n${bold('Status')} ${result.status}`);
    if (result.output !== undefined) console.log(`${bold('Output')} ${result.output}`);
    if (result.error !== undefined) console.log(`${bold('Error')}  ${result.error}`);
    if (result.cause !== undefined) console.log(`${bold('Cause')}  ${result.cause}`);
    return result.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    await runtime.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      serve: { type: 'boolean', default: false },
      port: { type: 'string', default: '8083' },
      events: { type: 'string', default: '200' },
      quiet: { type: 'boolean', default: false },
      input: { type: 'string', default: '{}' },
      function: { type: 'string', multiple: true, default: [] },
      set: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  const port = Number(values.port);
  if (values.help || command === undefined) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case 'serve': {
      const runtime = await startBlueprintRuntime({ ports: { stepFunctions: port } });
      try {
        await serve(runtime);
      } finally {
        await runtime.stop();
      }
      return 0;
    }
    case 'demo':
      return demo({ serve: values.serve, port, orders: Number(values.events), quiet: values.quiet });
    case 'history':
      if (!rest[0]) throw new Error('history needs an execution ARN');
      return history(rest[0], port);
    case 'run':
      if (!rest[0]) throw new Error('run needs a definition file, e.g. state-machines/idempotency.asl.json');
      return runDefinition(rest[0], {
        input: values.input,
        functions: values.function,
        set: values.set,
        port,
      });
    default:
      console.error(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const e = error as Error;
    console.error(`\n${e.name ?? 'Error'}: ${e.message ?? String(error)}`);
    process.exit(1);
  },
);
