/** A statement of an IAM policy as CloudFormation holds it. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
}

/** A least-privilege problem of one statement, readable in a failing test. */
export interface PrivilegeProblem {
  readonly policy: string;
  readonly statement: string;
  readonly problem: string;
}

/**
 * Actions AWS only accepts on resource "*": CloudWatch Logs vended delivery (Step Functions logging)
 * and X-Ray segments (tracing). Documented as not supporting resource-level permissions.
 */
export const RESOURCE_WILDCARD_ALLOWED = new Set([
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
]);

const asList = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The resource strings of a statement that are a bare or trailing wildcard ("*", "arn:...:*"). */
function wildcardResources(resource: unknown): string[] {
  return asList(resource).filter((entry): entry is string => typeof entry === 'string' && entry === '*');
}

/**
 * Checks one Allow statement: no wildcard in any action, no NotAction/NotResource, and resource "*"
 * only for the actions AWS requires it for.
 */
export function statementProblems(policy: string, statement: PolicyStatement): PrivilegeProblem[] {
  if (statement.Effect !== 'Allow') return [];
  const label = statement.Sid ?? JSON.stringify(statement.Action);
  const problems: PrivilegeProblem[] = [];
  const add = (problem: string) => problems.push({ policy, statement: label, problem });
  if (statement.NotAction !== undefined) add('uses NotAction');
  if (statement.NotResource !== undefined) add('uses NotResource');
  const actions = asList(statement.Action).map(String);
  for (const action of actions) {
    if (action.includes('*') && !RESOURCE_WILDCARD_ALLOWED.has(action)) add(`wildcard action ${action}`);
  }
  if (wildcardResources(statement.Resource).length > 0) {
    const unscoped = actions.filter((action) => !RESOURCE_WILDCARD_ALLOWED.has(action));
    if (unscoped.length > 0) add(`resource "*" for ${unscoped.join(', ')}`);
  }
  if (statement.Resource === undefined) add('no Resource');
  return problems;
}

interface CfnResource {
  readonly Type: string;
  readonly Properties?: {
    readonly PolicyDocument?: { readonly Statement: PolicyStatement[] };
    readonly Policies?: {
      readonly PolicyName: string;
      readonly PolicyDocument: { readonly Statement: PolicyStatement[] };
    }[];
    readonly KeyPolicy?: unknown;
  };
}

/** Every identity policy of a synthesized template: AWS::IAM::Policy and inline role policies. */
export function templateProblems(resources: Record<string, CfnResource>): {
  problems: PrivilegeProblem[];
  policiesChecked: number;
} {
  const problems: PrivilegeProblem[] = [];
  let policiesChecked = 0;
  for (const [logicalId, resource] of Object.entries(resources)) {
    const documents: [string, PolicyStatement[]][] = [];
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      documents.push([logicalId, resource.Properties?.PolicyDocument?.Statement ?? []]);
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const inline of resource.Properties?.Policies ?? []) {
        documents.push([`${logicalId}/${inline.PolicyName}`, inline.PolicyDocument.Statement]);
      }
    }
    for (const [name, statements] of documents) {
      policiesChecked += 1;
      for (const statement of statements) problems.push(...statementProblems(name, statement));
    }
  }
  return { problems, policiesChecked };
}
