#!/usr/bin/env -S npx ts-node --transpile-only
/**
 * The blueprint on the local runtime: the runtime's CLI (packages/local-runtime) with the CDK app of
 * cdk.json (bin/app.ts) synthesized and deployed into it (local/app.ts), and the demo stream
 * (local/demo.ts).
 *
 *   serve                 start DynamoDB Local, the local Lambda and the Step Functions endpoint,
 *                         deploy the app, print what runs, the console's URL and the endpoints,
 *                         serve until Ctrl-C
 *   demo [--serve]        serve, send the demo stream to the app's payment and shipping workflows,
 *                         print the summary (then exit, or keep serving)
 *   history <arn>         print an execution's history from a running 'serve' / 'npm start'
 *   console               the local console alone, against a running 'serve' or any endpoint
 *   run <definition.json> [--input JSON] [--function name=module#export]... [--set Name=value]...
 *                         run one definition once and print its output and history
 *   --app <dir-or-command>  serve, demo and run take another CDK app or cloud assembly, as the
 *                         CDK CLI's --app does (serve and run then are the runtime's own)
 *
 * serve and demo start the local console (a browser UI, http://127.0.0.1:8084 unless
 * --console-port or --no-console) with the blueprint's profile (local/console-profile.ts), which
 * names each execution's outcome and finds its idempotency record.
 */
import {
  bold,
  type Command,
  DEFAULT_PORT,
  dim,
  endpointsText,
  Interrupted,
  type RuntimeConsoleOptions,
  runCli,
  serveUntilInterrupted,
  withRuntime,
} from '@sfn-idempotency/local-runtime';
import { type AppRuntime, blueprintTargets, describeApp, PROJECT_ROOT, startApp } from '../local/app';
import { CONSOLE_PROFILE, consoleExecutionUrl, consoleRecordUrl } from '../local/console-profile';
import {
  businessFunctionOf,
  type DemoRecord,
  demoStream,
  distinctOrders,
  type ExecutionOutcome,
  formatSummary,
  InvocationLog,
  readRecords,
  runDemo,
  stateMachineNameOf,
  summarizeWorkflow,
} from '../local/demo';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Starts the runtime with the app deployed, saying so first and when it is ready. */
function start(options: {
  readonly app?: string;
  readonly port: number;
  readonly quietLambdas: boolean;
  readonly console?: RuntimeConsoleOptions;
}) {
  console.log(
    `${bold('Starting the local runtime')} ${dim('(DynamoDB Local, local Lambda, Step Functions engine)')} ` +
      `with the CDK app ${options.app ?? 'of cdk.json (bin/app.ts)'}...`,
  );
  return startApp({
    app: options.app,
    port: options.port,
    ...(options.console ? { console: options.console } : {}),
    ...(options.quietLambdas ? { onLambdaLog: () => {} } : {}),
  });
}

async function demo(options: Extract<Command, { kind: 'demo' }>): Promise<number> {
  let servingWithCode: number | undefined;
  try {
    return await withRuntime(
      start({ app: options.app, port: options.port, quietLambdas: true, console: options.console }),
      async (runtime: AppRuntime) => {
        const targets = blueprintTargets(runtime.deployment);
        const sfn = runtime.clients.sfn;
        const workflows = await Promise.all(
          targets.workflows.map(async (w) => ({
            ...w,
            functionName: await businessFunctionOf(sfn, w.stateMachine.arn),
          })),
        );
        console.log(
          `\n${bold(`Ready in ${seconds(process.uptime() * 1000)}`)}: ` +
            `${workflows.map((w) => `the ${w.label} workflow (business function ${w.functionName})`).join(' and ')}, ` +
            `on the table ${targets.tableName}`,
        );

        const log = new InvocationLog();
        runtime.lambda.setBeforeInvoke(log.hook);
        const stream = demoStream({ orders: options.orders });
        const total = stream.length * workflows.length;
        console.log(
          `\n${bold('Sending the demo stream')} to each workflow: ${stream.length} OrderPlaced events for ${distinctOrders(stream)} orders, ` +
            'duplicates mixed in, some sent at the same moment, a few declined cards, one event without an order id',
        );
        const t0 = Date.now();
        const done = new Map<string, number>();
        let lastPrinted = 0;
        const onProgress = (label: string) => (finished: number) => {
          if (options.quiet) return;
          done.set(label, finished);
          const all = [...done.values()].reduce((a, b) => a + b, 0);
          if (process.stdout.isTTY) process.stdout.write(`\r  ${all}/${total} executions finished`);
          else if (all === total || all - lastPrinted >= Math.ceil(total / 10)) {
            lastPrinted = all;
            console.log(`  ${all}/${total} executions finished`);
          }
        };
        const outcomes = await Promise.all(
          workflows.map((w) =>
            runDemo({ sfn, stateMachineArn: w.stateMachine.arn, stream, onProgress: onProgress(w.label) }),
          ),
        );
        if (process.stdout.isTTY && !options.quiet) process.stdout.write('\n');
        const took = (Date.now() - t0) / 1000;
        const records = await readRecords(runtime.clients.dynamodb, targets.tableName);
        const summaries = workflows.map((w, i) =>
          summarizeWorkflow({
            label: w.label,
            stateMachineArn: w.stateMachine.arn,
            outcomes: outcomes[i] ?? [],
            invocations: log.of(w.functionName),
            records,
          }),
        );
        console.log(
          `\n${formatSummary({
            sent: stream.length,
            uniqueKeys: distinctOrders(stream),
            tableName: targets.tableName,
            workflows: summaries,
            seconds: took,
          })}`,
        );

        const payment = workflows.findIndex((w) => w.label === 'payment');
        printWhereToLook(options, {
          payment: outcomes[payment] ?? [],
          paymentArn: workflows[payment]?.stateMachine.arn ?? '',
          records,
          tableName: targets.tableName,
          consoleUrl: runtime.console?.url,
        });
        const healthy = summaries.every((s) => s.exactlyOnceProblems.length === 0 && s.byOutcome.other === 0);
        if (options.serve) {
          servingWithCode = healthy ? 0 : 1;
          await serveUntilInterrupted(endpointsText(runtime, describeApp(runtime.deployment)));
        }
        return healthy ? 0 : 1;
      },
    );
  } catch (error) {
    // After the summary, Ctrl-C is how `npm start` ends.
    if (error instanceof Interrupted && servingWithCode !== undefined) return servingWithCode;
    throw error;
  }
}

/** Where a duplicate and a declined payment can be seen: the console's pages and the history command. */
function printWhereToLook(
  options: Extract<Command, { kind: 'demo' }>,
  found: {
    /** The payment workflow's executions (a declined card fails there only). */
    readonly payment: readonly ExecutionOutcome[];
    readonly paymentArn: string;
    readonly records: readonly DemoRecord[];
    readonly tableName: string;
    /** The console's URL, when it serves (not with --no-console). */
    readonly consoleUrl?: string;
  },
): void {
  const { consoleUrl, tableName } = found;
  const failed = found.payment.find((o) => o.outcome === 'failed');
  const duplicate = found.payment.find((o) => o.outcome === 'duplicate');
  // The duplicate's record (payments#<orderId>), as the table holds it: its page lists the winner and the duplicates.
  const record = found.records.find(
    (r) =>
      duplicate?.orderId !== undefined &&
      r.id.endsWith(`#${duplicate.orderId}`) &&
      stateMachineNameOf(r.execution ?? '') === stateMachineNameOf(found.paymentArn),
  );
  const label = (text: string) => `  ${text.padEnd(31)}`;
  console.log(`\n${bold('Where to look next')}`);
  if (options.serve) {
    const history = (arn: string) =>
      `npm run local -- history ${arn}${options.port === DEFAULT_PORT ? '' : ` --port ${options.port}`}`;
    if (consoleUrl) {
      console.log(
        `${label('the console:')}${consoleUrl}   ${dim('(in a browser: executions, graphs, records)')}`,
      );
      if (duplicate)
        console.log(`${label('a duplicate:')}${consoleExecutionUrl(consoleUrl, duplicate.executionArn)}`);
      if (record) {
        console.log(
          `${label('its record and executions:')}${consoleRecordUrl(consoleUrl, found.paymentArn, record.id)}`,
        );
      }
      if (failed)
        console.log(`${label('a declined payment:')}${consoleExecutionUrl(consoleUrl, failed.executionArn)}`);
    }
    if (duplicate) console.log(`${label("a duplicate's history:")}${history(duplicate.executionArn)}`);
    if (failed) console.log(`${label("a declined payment's history:")}${history(failed.executionArn)}`);
    console.log(
      `${label('the records:')}aws dynamodb scan --table-name ${tableName}   (with the exports below)`,
    );
  } else {
    console.log(
      `${label('keep the runtime up:')}npm start   (it serves after the demo until Ctrl-C, with the console)`,
    );
  }
  console.log(
    `${label('the app that ran:')}bin/app.ts → lib/blueprint-stack.ts (what npx cdk deploy deploys)`,
  );
  console.log(`${label('the blueprint definition:')}state-machines/idempotency.asl.json`);
}

runCli<AppRuntime>(process.argv.slice(2), {
  baseDir: PROJECT_ROOT,
  // `serve` without --app: the blueprint's own app. With --app, the runtime's serve takes that app.
  start: async ({ port, console: consoleOptions }) => {
    const runtime = await start({ port, quietLambdas: false, console: consoleOptions });
    console.log(dim(`\nReady in ${seconds(process.uptime() * 1000)}`));
    return runtime;
  },
  // Outcome names and where records are, for the console of serve, demo and `console`.
  consoleProfile: CONSOLE_PROFILE,
  describe: (runtime) => describeApp(runtime.deployment),
  demo,
  usage: {
    invocation: 'npm run local --',
    demo: {
      command:
        'send the demo stream to the payment and shipping workflows and print a summary (--serve: keep serving afterwards)',
      options: [
        '--events <n>               demo: distinct orders (default 200)',
        '--quiet                    demo: no progress line',
      ],
    },
  },
});
