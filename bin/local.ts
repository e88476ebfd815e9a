#!/usr/bin/env -S npx ts-node --transpile-only
/**
 * The blueprint on the local runtime: the runtime's CLI (packages/local-runtime) with the example
 * deployed into it (local/deploy.ts) and the demo stream (local/demo.ts).
 *
 *   serve                 start DynamoDB Local, the local Lambda and the Step Functions endpoint,
 *                         deploy the blueprint, print the endpoints, serve until Ctrl-C
 *   demo [--serve]        serve, send the demo stream, print the summary (then exit, or keep serving)
 *   history <arn>         print an execution's history from a running 'serve' / 'npm start'
 *   run <definition.json> [--input JSON] [--function name=module#export]... [--set Name=value]...
 *                         run one definition once and print its output and history
 */
import {
  bold,
  DEFAULT_PORT,
  dim,
  endpointsText,
  Interrupted,
  runCli,
  serveUntilInterrupted,
  withRuntime,
} from '@sfn-idempotency/local-runtime';
import { countCompleted, demoStream, formatSummary, runDemo, summarize } from '../local/demo';
import { LOCAL_EXAMPLE, PROJECT_ROOT, startBlueprintRuntime } from '../local/deploy';

type BlueprintRuntime = Awaited<ReturnType<typeof startBlueprintRuntime>>;

/** What `serve` and `npm start` print about the deployed example. */
function describe(runtime: BlueprintRuntime) {
  const arn = runtime.workflow.stateMachineArn;
  return {
    resources: [`state machine    ${arn}`, `table            ${LOCAL_EXAMPLE.tableName}`],
    examples: [
      `aws stepfunctions start-execution --state-machine-arn ${arn} \\`,
      `  --input '{"detail":{"orderId":"ord-1","amount":1200,"currency":"EUR","card":"tok_1"}}'`,
      `aws dynamodb scan --table-name ${LOCAL_EXAMPLE.tableName}`,
    ],
  };
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
          if (process.stdout.isTTY) process.stdout.write(`\r  ${done}/${total} executions finished`);
          else if (done === total || done - lastPrinted >= Math.ceil(total / 10)) {
            lastPrinted = done;
            console.log(`  ${done}/${total} executions finished`);
          }
        },
      });
      if (process.stdout.isTTY && !options.quiet) process.stdout.write('\n');
      const seconds = (Date.now() - t0) / 1000;
      const completed = await countCompleted(runtime.clients.dynamodb, LOCAL_EXAMPLE.tableName);
      const summary = summarize(stream, outcomes, invocationsByKey, completed, seconds);
      console.log(`\n${formatSummary(summary)}`);

      const failed = outcomes.find((o) => o.outcome === 'failed');
      const duplicate = outcomes.find((o) => o.outcome === 'duplicate');
      console.log(`\n${bold('Where to look next')}`);
      if (options.serve) {
        const history = (arn: string) =>
          `npm run local -- history ${arn}${options.port === DEFAULT_PORT ? '' : ` --port ${options.port}`}`;
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
        await serveUntilInterrupted(endpointsText(runtime, describe(runtime)));
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

runCli(process.argv.slice(2), {
  baseDir: PROJECT_ROOT,
  start: ({ port }) => startBlueprintRuntime({ ports: { stepFunctions: port } }),
  describe,
  demo,
});
