/**
 * The local engine's own share of a blueprint execution: the payment workflow's definition, as the
 * blueprint app deploys it (synthesized, or the cached assembly, then deployed as `npm start` does),
 * executed in process against DynamoDB Local and the local Lambda, then on integrations that answer
 * at once. Run with `npm run bench:engine` (after the engine's own transition benchmarks).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { type IntegrationRegistry, StateMachine, StatesError } from '@sfn-idempotency/local-runtime';
import { blueprintTargets, startApp } from '../local/app';

const ARNS = {
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench',
  stateMachineName: 'bench',
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:bench:run',
  name: 'run',
  roleArn: 'arn:aws:iam::123456789012:role/bench',
};

/** Wraps every integration so the time spent inside DynamoDB and Lambda calls is summed. */
function timed(registry: IntegrationRegistry, clock: { ns: bigint }): IntegrationRegistry {
  return {
    resolve(resource) {
      const integration = registry.resolve(resource);
      if (!integration) return undefined;
      return {
        ...integration,
        invoke: async (call) => {
          const start = process.hrtime.bigint();
          try {
            return await integration.invoke(call);
          } finally {
            clock.ns += process.hrtime.bigint() - start;
          }
        },
      };
    },
  };
}

/** ms per execution of the definition on instant integrations: new events, then duplicates of them. */
async function ownTime(
  definition: string,
  order: (i: number) => unknown,
): Promise<{ new: number; duplicate: number }> {
  const claimed = new Set<string>();
  const instantServices: IntegrationRegistry = {
    resolve: (resource) => {
      const action = resource.split(':').pop() ?? '';
      return {
        resourceType: action === 'invoke' ? 'lambda' : 'dynamodb',
        resource: action,
        invoke: async (call) => {
          const parameters = call.parameters as { Item?: { id?: { S?: string } }; Payload?: unknown };
          const metadata = {
            SdkHttpMetadata: { HttpStatusCode: 200 },
            SdkResponseMetadata: { RequestId: 'r' },
          };
          if (action === 'invoke')
            return { ExecutedVersion: '$LATEST', Payload: parameters.Payload, StatusCode: 200 };
          if (action === 'putItem') {
            const id = parameters.Item?.id?.S ?? '';
            if (claimed.has(id)) {
              throw new StatesError(
                'DynamoDB.ConditionalCheckFailedException',
                'The conditional request failed',
              );
            }
            claimed.add(id);
          }
          return metadata;
        },
      };
    },
  };
  const sm = StateMachine.create(definition, { integrations: instantServices });
  const timeRuns = async (inputs: unknown[]) => {
    const start = process.hrtime.bigint();
    for (const input of inputs) await sm.start(input, ARNS).done;
    return Number(process.hrtime.bigint() - start) / 1e6 / inputs.length;
  };
  await timeRuns(Array.from({ length: 2000 }, (_, i) => order(200_000 + (i % 1000))));
  const fresh = Array.from({ length: 3000 }, (_, i) => order(300_000 + i));
  return { new: await timeRuns(fresh), duplicate: await timeRuns(fresh) };
}

/**
 * The deployed payment workflow's definition (its table and function substituted), executed by the
 * engine in process against DynamoDB Local and the local Lambda, one execution at a time: engine
 * time = wall time - time inside integration calls.
 */
async function blueprintOverhead(): Promise<void> {
  const runtime = await startApp({ print: false, onLambdaLog: () => {} });
  try {
    const clock = { ns: 0n };
    const payment = blueprintTargets(runtime.deployment).workflows.find((w) => w.label === 'payment');
    if (!payment) throw new Error('the blueprint app has no payment workflow');
    const described = await runtime.clients.sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: payment.stateMachine.arn }),
    );
    const definition = described.definition ?? '';
    const sm = StateMachine.create(definition, { integrations: timed(runtime.integrations, clock) });
    const order = (i: number) => ({
      detail: { orderId: `b-${i}`, amount: 1000 + i, currency: 'EUR', card: 'tok' },
    });
    const run = async (label: string, inputs: unknown[]) => {
      clock.ns = 0n;
      const start = process.hrtime.bigint();
      for (const [i, input] of inputs.entries()) {
        const result = await sm.start(input, { ...ARNS, executionArn: `${ARNS.executionArn}-${label}-${i}` })
          .done;
        if (result.status !== 'SUCCEEDED') throw new Error(`${label}: ${result.error} ${result.cause}`);
      }
      const wall = Number(process.hrtime.bigint() - start) / 1e6;
      const inside = Number(clock.ns) / 1e6;
      return { label, runs: inputs.length, wall, engine: wall - inside };
    };
    await run(
      'warm-up',
      Array.from({ length: 100 }, (_, i) => order(100_000 + i)),
    );
    const rows = [
      await run(
        'new event',
        Array.from({ length: 300 }, (_, i) => order(i)),
      ),
      await run(
        'duplicate',
        Array.from({ length: 300 }, (_, i) => order(i)),
      ),
    ];
    // The engine's own time: the same definition and inputs with integrations that answer at once
    // (a conditional failure for the duplicates), so no DynamoDB, Lambda, SDK or socket work is in it.
    const own = await ownTime(definition, order);
    console.log(
      '\nthe payment workflow as deployed, against DynamoDB Local + local Lambda (one execution at a time)',
    );
    console.log(
      '| path | runs | wall ms per execution | wall minus integration calls, ms (share) | engine own time, ms (share) |',
    );
    console.log('|---|---:|---:|---:|---:|');
    for (const r of rows) {
      const wall = r.wall / r.runs;
      const ownMs = r.label === 'new event' ? own.new : own.duplicate;
      console.log(
        `| ${r.label} | ${r.runs} | ${wall.toFixed(2)} | ${(r.engine / r.runs).toFixed(3)} (${((100 * r.engine) / r.wall).toFixed(1)}%) | ${ownMs.toFixed(3)} (${((100 * ownMs) / wall).toFixed(1)}%) |`,
      );
    }
    console.log(
      "(wall minus integration calls also holds the SDK's garbage collection and event-loop wake-ups; the own time does not)",
    );
  } finally {
    await runtime.stop();
  }
}

blueprintOverhead().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
