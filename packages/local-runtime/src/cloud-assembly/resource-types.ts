/**
 * What each resource type means locally: whether it is emulated, what `Ref` and `Fn::GetAtt`
 * return for it (CloudFormation's documented return values, built from the local physical name,
 * region and account), and why the types that are not emulated are not (per role, where the
 * template tells a resource's role: a queue a Pipe reads vs a dead-letter queue).
 */
import { createHash } from 'node:crypto';

/** The facts a type's Ref and attributes are built from. */
export interface ResourceFacts {
  readonly name: string;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly urlSuffix: string;
  readonly stackName: string;
  readonly logicalId: string;
  /** The event bus an `AWS::Events::Rule` is on (resolved on demand). */
  readonly eventBusName?: () => string;
  /** Values known only once deployed, e.g. a table's `StreamArn`. */
  readonly deployed?: ReadonlyMap<string, string>;
}

export interface ResourceModel {
  /** What `Ref` returns. */
  ref(facts: ResourceFacts): string;
  /** What `Fn::GetAtt` returns, per attribute; undefined when the attribute has no value here. */
  readonly attributes: Readonly<Record<string, (facts: ResourceFacts) => string | undefined>>;
}

const DEFAULT_BUS = 'default';

/** A stable UUID-shaped value for ids AWS makes up (a global table's TableId, a role's RoleId). */
function stableId(facts: ResourceFacts, what: string): string {
  const hex = createHash('sha256').update(`${facts.stackName}/${facts.logicalId}/${what}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const arn = (f: ResourceFacts, service: string, resource: string, region = f.region, account = f.accountId) =>
  `arn:${f.partition}:${service}:${region}:${account}:${resource}`;

const tableArn = (f: ResourceFacts) => arn(f, 'dynamodb', `table/${f.name}`);
const table: ResourceModel = {
  ref: (f) => f.name,
  attributes: {
    Arn: tableArn,
    StreamArn: (f) => {
      const label = f.deployed?.get('StreamLabel');
      return label ? `${tableArn(f)}/stream/${label}` : undefined;
    },
    TableId: (f) => stableId(f, 'TableId'),
  },
};

const ruleBus = (f: ResourceFacts) => f.eventBusName?.() ?? DEFAULT_BUS;

export const RESOURCE_MODELS: Readonly<Record<string, ResourceModel>> = {
  'AWS::DynamoDB::Table': table,
  'AWS::DynamoDB::GlobalTable': table,
  'AWS::Lambda::Function': {
    ref: (f) => f.name,
    attributes: { Arn: (f) => arn(f, 'lambda', `function:${f.name}`) },
  },
  'AWS::StepFunctions::StateMachine': {
    ref: (f) => arn(f, 'states', `stateMachine:${f.name}`),
    attributes: {
      Arn: (f) => arn(f, 'states', `stateMachine:${f.name}`),
      Name: (f) => f.name,
    },
  },
  'AWS::Events::Rule': {
    // The rule's name; on a custom bus, `<bus>|<name>` (CloudFormation's rule id).
    ref: (f) => (ruleBus(f) === DEFAULT_BUS ? f.name : `${ruleBus(f)}|${f.name}`),
    attributes: {
      Arn: (f) => arn(f, 'events', `rule/${ruleBus(f) === DEFAULT_BUS ? '' : `${ruleBus(f)}/`}${f.name}`),
    },
  },
  'AWS::Events::EventBus': {
    ref: (f) => f.name,
    attributes: {
      Arn: (f) => arn(f, 'events', `event-bus/${f.name}`),
      Name: (f) => f.name,
    },
  },
  // Not emulated, but their names and ARNs are often passed to what is (environment variables,
  // substitutions): they resolve to the values AWS would give them.
  'AWS::IAM::Role': {
    ref: (f) => f.name,
    attributes: {
      Arn: (f) => arn(f, 'iam', `role/${f.name}`, ''),
      RoleId: (f) => `AROA${stableId(f, 'RoleId').replace(/-/g, '').slice(0, 17).toUpperCase()}`,
    },
  },
  'AWS::SQS::Queue': {
    ref: (f) => `https://sqs.${f.region}.${f.urlSuffix}/${f.accountId}/${f.name}`,
    attributes: {
      Arn: (f) => arn(f, 'sqs', f.name),
      QueueName: (f) => f.name,
      QueueUrl: (f) => `https://sqs.${f.region}.${f.urlSuffix}/${f.accountId}/${f.name}`,
    },
  },
  'AWS::SNS::Topic': {
    ref: (f) => arn(f, 'sns', f.name),
    attributes: { TopicArn: (f) => arn(f, 'sns', f.name), TopicName: (f) => f.name },
  },
  'AWS::Logs::LogGroup': {
    ref: (f) => f.name,
    attributes: { Arn: (f) => arn(f, 'logs', `log-group:${f.name}:*`) },
  },
  'AWS::S3::Bucket': {
    ref: (f) => f.name,
    attributes: {
      Arn: (f) => `arn:${f.partition}:s3:::${f.name}`,
      DomainName: (f) => `${f.name}.s3.${f.urlSuffix}`,
      RegionalDomainName: (f) => `${f.name}.s3.${f.region}.${f.urlSuffix}`,
    },
  },
};

/** The types deployed into the local runtime (a nested stack: its template, as a stack of its own). */
export const EMULATED_TYPES: ReadonlySet<string> = new Set([
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::Lambda::Function',
  'AWS::StepFunctions::StateMachine',
  'AWS::Events::Rule',
  'AWS::Events::EventBus',
  'AWS::CloudFormation::Stack',
]);

const REASONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^AWS::IAM::/, 'permissions are not checked locally'],
  [/^AWS::Lambda::Permission$/, 'permissions are not checked locally'],
  [
    /^AWS::SQS::QueuePolicy$|^AWS::SNS::TopicPolicy$|^AWS::S3::BucketPolicy$/,
    'permissions are not checked locally',
  ],
  [/^AWS::KMS::/, 'nothing is encrypted locally'],
  [/^AWS::Logs::/, 'no CloudWatch Logs locally: functions print to this process'],
  [/^AWS::CloudWatch::/, 'no local metrics, so alarms and dashboards have nothing to show'],
  [/^AWS::SQS::Queue$/, 'no local SQS'],
  [/^AWS::SNS::/, 'no local SNS'],
  [/^AWS::S3::/, 'no local S3'],
  [/^AWS::CDK::Metadata$/, "CDK's usage report to AWS"],
  [/^AWS::CloudFormation::CustomResource$|^Custom::/, 'custom resources are not run locally'],
  [
    /^AWS::Lambda::LayerVersion/,
    'the local Lambda does not load layers; LayersNotSupportedError names the functions that use them',
  ],
  [
    /^AWS::Lambda::(Version|Alias|EventSourceMapping|EventInvokeConfig|Url)/,
    'the local Lambda has $LATEST only and no event sources',
  ],
  [
    /^AWS::ApiGateway::|^AWS::ApiGatewayV2::/,
    'no local API Gateway: call what it fronts with the SDK instead, e.g. StartExecution, StartSyncExecution',
  ],
  [/^AWS::Pipes::/, 'no local EventBridge Pipes: nothing is read from its source; start its target directly'],
  [/^AWS::Scheduler::/, 'no local EventBridge Scheduler'],
  [/^AWS::Events::(Archive|Connection|ApiDestination|EventBusPolicy)$/, 'only rules and buses are emulated'],
  [
    /^AWS::StepFunctions::(Activity|StateMachineAlias|StateMachineVersion)$/,
    'the local Step Functions has no activities, versions or aliases',
  ],
  [/^AWS::EC2::/, 'no networking locally'],
  [/^AWS::SSM::/, 'no local Parameter Store'],
  [/^AWS::SecretsManager::/, 'no local Secrets Manager'],
];

/** A role a resource of a type that is not emulated plays, told by what refers to it in its template. */
interface RoleRule {
  readonly role: string;
  readonly reason: string;
  /** Whether a reference (the referring resource's type and the property path) gives the role. */
  matches(referrer: { readonly type: string; readonly path: string }): boolean;
}

/** Checked in order: a queue both read by a Pipe and a dead-letter queue is a source first. */
const ROLES: Readonly<Record<string, readonly RoleRule[]>> = {
  'AWS::SQS::Queue': [
    {
      role: 'source',
      reason:
        'no local SQS: nothing reads this queue here, so the Pipe or event source mapping that reads it on AWS starts nothing; start its target directly, e.g. with StartExecution or PutEvents',
      matches: (r) =>
        (r.type === 'AWS::Pipes::Pipe' && r.path === 'Source') ||
        (r.type === 'AWS::Lambda::EventSourceMapping' && r.path === 'EventSourceArn'),
    },
    {
      role: 'dead-letter queue',
      reason: 'no local SQS: a dead-letter queue never receives anything here',
      matches: (r) =>
        /(^|\.)(DeadLetterConfig|RedrivePolicy)(\.|$)/.test(r.path) ||
        /DestinationConfig\.OnFailure/.test(r.path),
    },
    {
      role: 'target',
      reason: 'no local SQS: what is sent to this queue is received nowhere here',
      matches: (r) =>
        (r.type === 'AWS::Events::Rule' && /^Targets\.\d+\.Arn$/.test(r.path)) ||
        (r.type === 'AWS::Pipes::Pipe' && r.path === 'Target') ||
        r.type === 'AWS::StepFunctions::StateMachine' ||
        (r.type === 'AWS::SNS::Subscription' && r.path === 'Endpoint') ||
        (r.type === 'AWS::Lambda::Function' && r.path.startsWith('Environment.')) ||
        /DestinationConfig\.OnSuccess/.test(r.path),
    },
  ],
};

/**
 * The role of a resource that is not emulated, from what refers to it in its template (e.g. a queue
 * a Pipe reads is a `source`, one a DeadLetterConfig names a `dead-letter queue`); undefined when
 * the template does not tell.
 */
export function notEmulatedRole(
  type: string,
  referrers: readonly { readonly type: string; readonly path: string }[],
): { readonly role: string; readonly reason: string } | undefined {
  const rule = ROLES[type]?.find((candidate) => referrers.some((referrer) => candidate.matches(referrer)));
  return rule ? { role: rule.role, reason: rule.reason } : undefined;
}

/** Why a type is not emulated, for the report's "not emulated locally" lines. */
export function notEmulatedReason(type: string): string {
  return REASONS.find(([pattern]) => pattern.test(type))?.[1] ?? 'no local emulator for this type';
}

/**
 * Services whose many types print as one line (`AWS::ApiGateway::* ×7`) when more than one of their
 * types is there; the report itself keeps one entry per type.
 */
export const SERVICE_GROUPS: readonly { readonly pattern: RegExp; readonly label: string }[] = [
  { pattern: /^AWS::ApiGateway::/, label: 'AWS::ApiGateway::*' },
  { pattern: /^AWS::ApiGatewayV2::/, label: 'AWS::ApiGatewayV2::*' },
  { pattern: /^AWS::EC2::/, label: 'AWS::EC2::*' },
];
