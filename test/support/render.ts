/**
 * Test-only: a planned definition with CloudFormation's values filled in, as the tests and the
 * local runtime run it. The substitution is the local runtime's (`substitute`, which raises its
 * UnknownPlaceholderError for a `${Name}` without a value): the deployable library only leaves
 * the placeholders and escapes their values (lib/state-machines/placeholders.ts); CloudFormation
 * fills them in.
 */
import { substitute } from '@sfn-idempotency/local-runtime';
import type { ReleasePlan, WorkflowPlan } from '../../lib/plan';

/** The definition text of a workflow or release plan with its substitutions in. */
export function renderedDefinition(
  plan: Pick<WorkflowPlan | ReleasePlan, 'definition' | 'substitutions'>,
): string {
  return substitute(plan.definition, plan.substitutions);
}
