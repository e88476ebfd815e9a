/**
 * The blueprint on the local runtime: the CDK app cdk.json names (bin/app.ts → lib/blueprint-stack.ts),
 * synthesized offline (or its cached assembly reused) while the runtime starts, then its cloud
 * assembly deployed with the runtime's deployer. So what runs locally is what `npx cdk deploy`
 * deploys: same tables, functions (the bundled assets), state machines and rules, same names in
 * every record. Development only: nothing here is deployed to AWS.
 */
import * as path from 'node:path';
import {
  type AppRuntime,
  type CloudAssemblyDeployment,
  type DeployedStateMachine,
  dim,
  type RuntimeConsoleOptions,
  startAppRuntime,
} from '@sfn-idempotency/local-runtime';

/** The blueprint's project root, the folder of its cdk.json. */
export const PROJECT_ROOT = path.join(__dirname, '..');

export type { AppRuntime } from '@sfn-idempotency/local-runtime';

export interface StartAppOptions {
  /**
   * The CDK app, as the CDK CLI's `--app`: a cdk.out folder, an app folder with a cdk.json, or the
   * command that runs the app (relative to the current folder). @default the blueprint's app (cdk.json)
   */
  readonly app?: string;
  /** Step Functions port (0: any free port). @default any free port */
  readonly port?: number;
  /** Where the functions print (default: this process's output). */
  readonly onLambdaLog?: (functionName: string, text: string) => void;
  /**
   * Print what the synth did (reused or ran, and why) and the deployment: what runs, what is not
   * emulated and why, the problems, the stack outputs. @default true
   */
  readonly print?: boolean;
  /**
   * The local console to serve next to the runtime (its port, and the profile: the blueprint's
   * CONSOLE_PROFILE of local/console-profile.ts, or one the command line gave). @default no console
   */
  readonly console?: RuntimeConsoleOptions;
}

/**
 * Starts the local runtime and deploys the app into it: the synth (or the cache check) runs while
 * DynamoDB Local and the other services start. A resource that cannot run locally is a problem in
 * `deployment.problems` (printed), not a failure: the rest runs.
 */
export function startApp(options: StartAppOptions = {}): Promise<AppRuntime> {
  return startAppRuntime({
    app: options.app ?? PROJECT_ROOT,
    print: options.print,
    baseDir: PROJECT_ROOT,
    ports: { stepFunctions: options.port ?? 0 },
    onLambdaLog: options.onLambdaLog,
    ...(options.console ? { console: options.console } : {}),
  });
}

/** A stack output's local value (any stack of the app), or undefined. */
export function outputOf(deployment: CloudAssemblyDeployment, key: string): string | undefined {
  return deployment.outputs.find((output) => output.key === key && output.value !== undefined)?.value;
}

/** The blueprint app's two example workflows and their shared table, as its stack outputs name them. */
export interface BlueprintTargets {
  readonly tableName: string;
  readonly workflows: readonly {
    /** `payment` or `shipping`. */
    readonly label: string;
    readonly stateMachine: DeployedStateMachine;
  }[];
}

/** The stack outputs the demo reads: the blueprint stack's (lib/blueprint-stack.ts). */
export const BLUEPRINT_OUTPUTS = {
  payment: 'StateMachineArn',
  shipping: 'ShippingStateMachineArn',
  table: 'TableName',
} as const;

/** The app has not the outputs of the blueprint stack that the demo needs. */
export class NotTheBlueprintAppError extends Error {
  override readonly name = 'NotTheBlueprintAppError';
}

/**
 * Finds the payment and shipping workflows and the table from the stack outputs, resolved to their
 * local values, and checks that each names a deployed state machine or table.
 */
export function blueprintTargets(deployment: CloudAssemblyDeployment): BlueprintTargets {
  const missing: string[] = [];
  const machine = (label: string, key: string) => {
    const arn = outputOf(deployment, key);
    const stateMachine = deployment.stateMachines.find((m) => m.arn === arn);
    if (!stateMachine)
      missing.push(arn === undefined ? `the output ${key}` : `the state machine ${arn} (${key})`);
    return stateMachine ? [{ label, stateMachine }] : [];
  };
  const workflows = [
    ...machine('payment', BLUEPRINT_OUTPUTS.payment),
    ...machine('shipping', BLUEPRINT_OUTPUTS.shipping),
  ];
  const tableName = outputOf(deployment, BLUEPRINT_OUTPUTS.table);
  if (tableName === undefined || !deployment.tables.some((t) => t.name === tableName)) {
    missing.push(
      tableName === undefined ? `the output ${BLUEPRINT_OUTPUTS.table}` : `the table ${tableName}`,
    );
  }
  if (missing.length > 0 || tableName === undefined) {
    throw new NotTheBlueprintAppError(
      `the demo drives the blueprint app's payment and shipping workflows, found through its stack outputs ` +
        `${Object.values(BLUEPRINT_OUTPUTS).join(', ')}; this app lacks ${missing.join(', ')}. ` +
        `Serve any app with 'npm run local -- serve --app <app>', or run one of its state machines with 'run --app <app> --state-machine <name>'.`,
    );
  }
  return { tableName, workflows };
}

/** An order event both example handlers accept, for the commands `serve` suggests. */
export const SAMPLE_ORDER_EVENT = {
  detail: { orderId: 'ord-1', amount: 1200, currency: 'EUR', card: 'tok_1', country: 'DE', weightGrams: 800 },
};

/** What `serve` and `npm start` print about the deployed blueprint app, with commands to try. */
export function describeApp(deployment: CloudAssemblyDeployment): {
  resources: string[];
  examples: string[];
} {
  let targets: BlueprintTargets;
  try {
    targets = blueprintTargets(deployment);
  } catch {
    return { resources: [], examples: [] }; // not the blueprint's outputs: the deployment table says what runs
  }
  const input = `'${JSON.stringify(SAMPLE_ORDER_EVENT)}'`;
  return {
    resources: [
      ...targets.workflows.map(
        (w) => `${`${w.label} workflow`.padEnd(19)}${w.stateMachine.arn}  ${dim(`(${w.stateMachine.type})`)}`,
      ),
      `${'shared table'.padEnd(19)}${targets.tableName}`,
    ],
    examples: [
      ...targets.workflows.flatMap((w) => [
        `aws stepfunctions start-execution --state-machine-arn ${w.stateMachine.arn} \\`,
        `  --input ${input}`,
      ]),
      `aws dynamodb scan --table-name ${targets.tableName}`,
    ],
  };
}
