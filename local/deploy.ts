/**
 * Deploys the blueprint into the local runtime: the idempotency table, a business function and the
 * idempotent workflow with its orphaned-lease release, from the same plan the construct builds
 * (lib/plan.ts). Development only: nothing here is deployed to AWS.
 */
import {
  LOCAL_ACCOUNT,
  type LocalRuntime,
  type LocalRuntimeOptions,
  startLocalRuntime,
} from '@sfn-idempotency/local-runtime';
import type { DefinitionOptions } from '../lib/definition';
import { planWorkflow, type WorkflowPlan } from '../lib/plan';

/** The example the local runtime runs: the payment handler behind the blueprint. */
export const LOCAL_EXAMPLE = {
  ...LOCAL_ACCOUNT,
  tableName: 'idempotency-local',
  functionName: 'payment',
  handler: 'handlers/payment.ts#handler',
  stateMachineName: 'idempotent-payment',
  /** The blueprint app's payment workflow reads the order id; the local deployment does the same. */
  keyExpression: '$states.input.detail.orderId',
  keyPrefix: 'payment',
} as const;

/** A workflow deployed into the runtime. */
export interface DeployedWorkflow {
  readonly stateMachineArn: string;
  readonly name: string;
  /** What was deployed: the resolved options, the definitions, the time budget. */
  readonly plan: WorkflowPlan;
  /** The orphaned-lease release workflow, when deployed. */
  readonly releaseStateMachineArn?: string;
}

export interface DeployWorkflowOptions extends Partial<Omit<DefinitionOptions, 'businessFunctionArn'>> {
  /** State machine name. */
  readonly name: string;
  /** @default 'STANDARD' */
  readonly type?: 'STANDARD' | 'EXPRESS';
  /** The business function: a registered local function name. */
  readonly functionName: string;
  /**
   * Deploy the release workflow and its status-change rule, as the construct does: a STANDARD
   * execution that ends FAILED, TIMED_OUT or ABORTED while holding a lease frees its key.
   * @default true for STANDARD workflows
   */
  readonly releaseOrphanedLeases?: boolean;
}

/** Plans the workflow for a local function and table and creates its state machines and rule. */
export async function deployWorkflow(
  runtime: LocalRuntime,
  deploy: DeployWorkflowOptions,
): Promise<DeployedWorkflow> {
  const { name, type = 'STANDARD', functionName, ...options } = deploy;
  const plan = planWorkflow({
    ...options,
    tableName: options.tableName ?? LOCAL_EXAMPLE.tableName,
    businessFunctionArn: runtime.lambda.functionArn(functionName),
    workflowType: type,
  });
  const { definition, substitutions, release } = plan;
  const stateMachineArn = await runtime.deployStateMachine({ name, type, definition, substitutions });
  if (!release) return { stateMachineArn, name, plan };

  const releaseStateMachineArn = await runtime.deployStateMachine({
    name: `${name}-release`,
    definition: release.definition,
    substitutions: release.substitutions,
  });
  runtime.deployRule({
    name: `${name}-orphaned-leases`,
    pattern: release.eventPattern(stateMachineArn),
    targetStateMachineArn: releaseStateMachineArn,
  });
  return { stateMachineArn, name, plan, releaseStateMachineArn };
}

/** The blueprint's project root: handler paths such as `handlers/payment.ts#handler` are relative to it. */
export const PROJECT_ROOT = `${__dirname}/..`;

/**
 * The runtime with the example deployed: the idempotency table, the payment handler as a local
 * Lambda function, and the blueprint state machine around it (with the given options).
 */
export async function startBlueprintRuntime(
  options: LocalRuntimeOptions & { readonly workflow?: Partial<DeployWorkflowOptions> } = {},
): Promise<LocalRuntime & { readonly workflow: DeployedWorkflow }> {
  const runtime = await startLocalRuntime({ baseDir: PROJECT_ROOT, ...options });
  try {
    await runtime.createTable(options.workflow?.tableName ?? LOCAL_EXAMPLE.tableName);
    runtime.registerFunction(LOCAL_EXAMPLE.functionName, {
      handler: LOCAL_EXAMPLE.handler,
      timeoutSeconds: 3,
    });
    const workflow = await deployWorkflow(runtime, {
      name: LOCAL_EXAMPLE.stateMachineName,
      functionName: LOCAL_EXAMPLE.functionName,
      keyExpression: LOCAL_EXAMPLE.keyExpression,
      keyPrefix: LOCAL_EXAMPLE.keyPrefix,
      ...options.workflow,
    });
    return Object.assign(runtime, { workflow });
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}
