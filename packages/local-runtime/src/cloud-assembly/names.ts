/**
 * Physical names as CloudFormation gives them. An explicit name property stays as written; without
 * one, CloudFormation generates `<stackName>-<logicalId>-<random>` (most types) or
 * `<logicalId>-<random>` (state machines), cut to the type's length limit. The random part here is
 * a hash of stack name and logical id, so a restart of the same app gives the same names.
 * What was looked up and what was inferred: docs/local-runtime.md, "Physical names".
 */
import { createHash } from 'node:crypto';

/** How a resource type's physical name is formed when the template gives none. */
export interface NamingRule {
  /** The property that holds an explicit name (e.g. `TableName`). */
  readonly nameProperty?: string;
  /** `stack-logical`: `<stack>-<logicalId>-<random>`; `logical`: `<logicalId>-<random>`. */
  readonly pattern: 'stack-logical' | 'logical';
  /** The service's limit on the name's length. */
  readonly maxLength: number;
  /**
   * `upper`: a random 63-bit number in base 36, upper case (12 or 13 characters, the 13-character
   * ones start with 1), as older types show (`InfraStack-TableCD117FA1-1NAQ40LMS0E1G`);
   * `mixed`: 12 letters and digits of both cases, as Lambda, Step Functions and EventBridge names
   * show today (`sam-app-HelloWorldFunction-dOcfAtYoEiGo`, `StateMachine2E01A3A5-3epBHl7DlSTJ`).
   */
  readonly suffix: 'upper' | 'mixed';
  /** S3 buckets: the whole name in lower case. */
  readonly lowercase?: boolean;
}

const digest = (stackName: string, logicalId: string): Buffer =>
  createHash('sha256').update(`${stackName}/${logicalId}`).digest();

const MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The deterministic stand-in for CloudFormation's random part. */
export function randomPart(stackName: string, logicalId: string, kind: NamingRule['suffix']): string {
  const bytes = digest(stackName, logicalId);
  if (kind === 'mixed') {
    return [...bytes.subarray(0, 12)].map((byte) => MIXED[byte % MIXED.length]).join('');
  }
  const value = bytes.readBigUInt64BE(0) & 0x7fffffffffffffffn;
  return value.toString(36).toUpperCase().padStart(12, '0');
}

/**
 * Cuts `<stack>` and `<logicalId>` so that `<stack>-<logicalId>-<random>` fits `maxLength`. Seen on
 * AWS: a short stack name stays whole and the logical id is cut (`CdkStack-CustomS3AutoDeleteObjectsCustomResourcePr-1T2P22ECUHKM7`,
 * 64 characters), a long stack name is cut and a short logical id stays whole
 * (`MyStackDev-MyNestedApplicatio-MyLambdaFunctionName-1U44TLUZ7OR55`), and when both are long the
 * stack name gets the larger half of an odd room (a nested stack, 85 characters of room: a
 * 45-character stack name cut to 43, the logical id to 42). Inferred: the shorter part stays whole
 * when it fits its half of the room.
 */
export function fitParts(stack: string, logicalId: string, room: number): [string, string] {
  if (stack.length + logicalId.length <= room) return [stack, logicalId];
  const stackHalf = room - Math.floor(room / 2);
  if (stack.length <= stackHalf) return [stack, logicalId.slice(0, room - stack.length)];
  if (logicalId.length <= room - stackHalf) return [stack.slice(0, room - logicalId.length), logicalId];
  return [stack.slice(0, stackHalf), logicalId.slice(0, room - stackHalf)];
}

/**
 * The room kept for the random part: 13 characters for the base-36 kind (its longest, as in both
 * cut names seen on AWS; a 12-character one then leaves the name one short of the limit), 12 for
 * the mixed-case kind.
 */
const RANDOM_ROOM = { upper: 13, mixed: 12 } as const;

/** The name CloudFormation would generate for a resource without an explicit one. */
export function generatedName(stackName: string, logicalId: string, rule: NamingRule): string {
  const random = randomPart(stackName, logicalId, rule.suffix);
  const room = RANDOM_ROOM[rule.suffix];
  let name: string;
  if (rule.pattern === 'logical') {
    name = `${logicalId.slice(0, rule.maxLength - room - 1)}-${random}`;
  } else {
    const [stack, id] = fitParts(stackName, logicalId, rule.maxLength - room - 2);
    name = `${stack}-${id}-${random}`;
  }
  return rule.lowercase ? name.toLowerCase() : name;
}

/** The naming rules of the types the deployer names (emulated ones and those commonly referred to). */
export const NAMING_RULES: Readonly<Record<string, NamingRule>> = {
  'AWS::DynamoDB::Table': {
    nameProperty: 'TableName',
    pattern: 'stack-logical',
    maxLength: 255,
    suffix: 'upper',
  },
  'AWS::DynamoDB::GlobalTable': {
    nameProperty: 'TableName',
    pattern: 'stack-logical',
    maxLength: 255,
    suffix: 'upper',
  },
  'AWS::Lambda::Function': {
    nameProperty: 'FunctionName',
    pattern: 'stack-logical',
    maxLength: 64,
    suffix: 'mixed',
  },
  'AWS::StepFunctions::StateMachine': {
    nameProperty: 'StateMachineName',
    pattern: 'logical',
    maxLength: 80,
    suffix: 'mixed',
  },
  'AWS::Events::Rule': { nameProperty: 'Name', pattern: 'stack-logical', maxLength: 64, suffix: 'mixed' },
  'AWS::Events::EventBus': {
    nameProperty: 'Name',
    pattern: 'stack-logical',
    maxLength: 256,
    suffix: 'mixed',
  },
  // A nested stack: `<parent stack>-<logical id>-<random>`, 100 characters at most (seen on AWS, though
  // a stack name may have 128); CloudFormation has no name property for it.
  'AWS::CloudFormation::Stack': { pattern: 'stack-logical', maxLength: 100, suffix: 'upper' },
  'AWS::IAM::Role': { nameProperty: 'RoleName', pattern: 'stack-logical', maxLength: 64, suffix: 'upper' },
  'AWS::SQS::Queue': { nameProperty: 'QueueName', pattern: 'stack-logical', maxLength: 80, suffix: 'upper' },
  'AWS::SNS::Topic': { nameProperty: 'TopicName', pattern: 'stack-logical', maxLength: 256, suffix: 'upper' },
  'AWS::Logs::LogGroup': {
    nameProperty: 'LogGroupName',
    pattern: 'stack-logical',
    maxLength: 512,
    suffix: 'upper',
  },
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    pattern: 'stack-logical',
    maxLength: 63,
    suffix: 'upper',
    lowercase: true,
  },
};
