/**
 * One plan from the options: they are resolved (defaults applied, validated) once, and everything
 * the construct, the local deployment and the tests need is derived from that one resolution: the
 * definitions and their substitutions, the IAM actions, the time budget, the release workflow.
 */
import {
  businessTaskTimeoutSeconds,
  type DefinitionOptions,
  IdempotencyConfigError,
  type OptionNames,
  type ResolvedDefinitionOptions,
  resolveDefinitionOptions,
  worstCaseRunSeconds,
} from './definition';
import { toDefinitionText } from './state-machines/asl';
import { duplicatesReadRecord, idempotencyDefinition } from './state-machines/idempotency';
import { substitutionValue } from './state-machines/placeholders';
import {
  ORPHANING_STATUSES,
  type OrphaningStatus,
  releaseDefinition,
  type StatusChangePattern,
  statusChangePattern,
} from './state-machines/release-orphaned-lease';

export type WorkflowType = 'STANDARD' | 'EXPRESS';

export interface WorkflowPlanOptions extends DefinitionOptions {
  /** @default 'STANDARD' */
  readonly workflowType?: WorkflowType;
  /**
   * Plan the orphaned-lease release (its workflow and the rule that starts it).
   * @default true for STANDARD (EXPRESS workflows emit no status-change events)
   */
  readonly releaseOrphanedLeases?: boolean;
}

/** How long the workflow's parts may take, in seconds. */
export interface TimeBudget {
  /** RunBusinessLogic's TimeoutSeconds: the function's timeout, Lambda's Init, the invoke margin. */
  readonly businessTaskTimeoutSeconds: number;
  /** How long an execution holds the key before another may take it over. */
  readonly leaseSeconds: number;
  /** The longest run of an execution whose DynamoDB calls and invocations all use their retries. */
  readonly worstCaseRunSeconds: number;
}

/** The orphaned-lease release: its definition, what it needs, and what starts it. */
export interface ReleasePlan {
  /** The definition text, with `${TableName}` for CloudFormation. */
  readonly definition: string;
  /** CloudFormation's DefinitionSubstitutions, escaped for the JSON strings they land in. */
  readonly substitutions: { readonly TableName: string };
  readonly tableActions: readonly string[];
  readonly orphaningStatuses: readonly OrphaningStatus[];
  /** The pattern of the rule that starts the release for the workflow `stateMachineArn`. */
  eventPattern(stateMachineArn: string): StatusChangePattern;
}

export interface WorkflowPlan {
  readonly options: ResolvedDefinitionOptions;
  /** The definition text, with `${TableName}` and `${BusinessFunctionArn}` for CloudFormation. */
  readonly definition: string;
  /** CloudFormation's DefinitionSubstitutions, escaped for the JSON strings they land in. */
  readonly substitutions: { readonly TableName: string; readonly BusinessFunctionArn: string };
  /** Whether duplicates read the stored record (one more state and a read on their path). */
  readonly duplicatesReadRecord: boolean;
  /** The DynamoDB actions the definition calls on the table: GetItem only when duplicates read. */
  readonly tableActions: readonly string[];
  readonly timeBudget: TimeBudget;
  /** The orphaned-lease release, unless it is turned off (or the workflow is EXPRESS). */
  readonly release?: ReleasePlan;
  /**
   * The same plan for another table and business function: only CloudFormation's values change,
   * nothing is resolved again. The construct plans (and so validates) before it creates the table
   * whose name it then binds.
   */
  bindTo(values: CloudFormationValues): WorkflowPlan;
}

/** The values CloudFormation fills in: the only ones the definitions leave as placeholders. */
export interface CloudFormationValues {
  readonly tableName: string;
  readonly businessFunctionArn: string;
}

/**
 * Resolves the options (IdempotencyConfigError lists every problem, each naming its option as
 * `names` says: the options' own names by default) and derives the rest from them.
 */
export function planWorkflow(options: WorkflowPlanOptions, names: OptionNames = {}): WorkflowPlan {
  const { workflowType = 'STANDARD', releaseOrphanedLeases, ...definitionOptions } = options;
  const resolved = resolveDefinitionOptions(definitionOptions, names);
  const readsRecord = duplicatesReadRecord(resolved);
  const release =
    (releaseOrphanedLeases ?? workflowType === 'STANDARD') ? releaseDefinition(resolved) : undefined;
  const plan = (values: CloudFormationValues): WorkflowPlan => {
    if (values.tableName.length === 0 || values.businessFunctionArn.length === 0) {
      throw new IdempotencyConfigError('tableName and businessFunctionArn must not be empty');
    }
    const tableName = substitutionValue(values.tableName);
    return {
      options: { ...resolved, ...values },
      definition,
      substitutions: {
        TableName: tableName,
        BusinessFunctionArn: substitutionValue(values.businessFunctionArn),
      },
      duplicatesReadRecord: readsRecord,
      tableActions: [
        ...(readsRecord ? ['dynamodb:GetItem'] : []),
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ],
      timeBudget,
      release: release && {
        definition: toDefinitionText(release),
        substitutions: { TableName: tableName },
        tableActions: ['dynamodb:DeleteItem'],
        orphaningStatuses: ORPHANING_STATUSES,
        eventPattern: statusChangePattern,
      },
      bindTo: plan,
    };
  };
  const definition = toDefinitionText(idempotencyDefinition(resolved));
  const timeBudget: TimeBudget = {
    businessTaskTimeoutSeconds: businessTaskTimeoutSeconds(resolved.businessTimeoutSeconds),
    leaseSeconds: resolved.leaseSeconds,
    worstCaseRunSeconds: worstCaseRunSeconds(resolved.businessTimeoutSeconds),
  };
  return plan(resolved);
}
