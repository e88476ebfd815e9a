/**
 * Test-only: deploys one workflow into a local runtime straight from its plan (lib/plan.ts, the
 * plan the construct renders too), so a behaviour test can put the blueprint in front of its own
 * recording or failing handlers without a CDK app per variant. What `npm start` runs is the
 * synthesized CDK app (local/app.ts); this helper is not a way to run the blueprint locally.
 */
import * as path from 'node:path';
import type { LocalRuntime } from '@sfn-idempotency/local-runtime';
import type { DefinitionOptions } from '../../lib/definition';
import { planWorkflow, type WorkflowPlan } from '../../lib/plan';

/** The repository root: handler paths such as `test/scenarios/handlers/recording.ts#handler` are relative to it. */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

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
  /** The table the records go to (created by the test). */
  readonly tableName: string;
  /** @default 'STANDARD' */
  readonly type?: 'STANDARD' | 'EXPRESS';
  /** The business function: a registered local function name. */
  readonly functionName: string;
  /**
   * Deploy the plan's release workflow and its status-change rule, as the construct does: a
   * STANDARD execution that ends FAILED, TIMED_OUT or ABORTED while holding a lease frees its key.
   * @default true for STANDARD workflows (the plan has a release only for them)
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
