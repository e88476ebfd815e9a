import { serializationError, validationFailure } from './errors';
import type { Json } from './members';

/**
 * The Step Functions API model's constraints on request members (botocore's
 * `stepfunctions/2016-11-23/service-2.json`, the same model the SDKs are generated from). AWS checks them
 * before anything else an operation does, so a request that breaks them is a ValidationException even
 * when it also names a state machine that does not exist or breaks a name rule.
 */
export type MemberModel =
  | {
      readonly type: 'string';
      readonly min?: number;
      readonly max?: number;
      /** A size in UTF-8 bytes instead of a length: AWS words it "Member must have size ... bytes in UTF-8 encoding". */
      readonly maxBytes?: number;
      /** Java's pattern as the model writes it, and the same test in JavaScript (matched against the whole value). */
      readonly pattern?: readonly [text: string, test: RegExp];
      readonly enum?: readonly string[];
      /** A sensitive member's value is left out of the message: "Value at 'input' failed to satisfy constraint". */
      readonly sensitive?: boolean;
    }
  | { readonly type: 'integer'; readonly min?: number; readonly max?: number }
  | { readonly type: 'boolean' | 'structure' | 'list' };

interface OperationModel {
  readonly required: readonly string[];
  /** In the model's order: violations are reported in this order. */
  readonly members: Readonly<Record<string, MemberModel>>;
}

export const NAME: MemberModel = { type: 'string', min: 1, max: 80 };
export const ARN: MemberModel = { type: 'string', min: 1, max: 256 };
const LONG_ARN: MemberModel = { type: 'string', min: 1, max: 2000 };
const DEFINITION: MemberModel = { type: 'string', min: 1, max: 1_048_576, sensitive: true };
const SENSITIVE_DATA: MemberModel = { type: 'string', maxBytes: 262_144, sensitive: true };
const SENSITIVE_ERROR: MemberModel = { type: 'string', min: 0, max: 256, sensitive: true };
const SENSITIVE_CAUSE: MemberModel = { type: 'string', min: 0, max: 32_768, sensitive: true };
export const PAGE_SIZE: MemberModel = { type: 'integer', min: 0, max: 1000 };
const PAGE_TOKEN: MemberModel = { type: 'string', min: 1, max: 1024 };
const TASK_TOKEN: MemberModel = { type: 'string', min: 1, max: 2048 };
const TRACE_HEADER: MemberModel = {
  type: 'string',
  min: 0,
  max: 256,
  pattern: ['\\p{ASCII}*', /^\p{ASCII}*$/u],
};
const INCLUDED_DATA: MemberModel = { type: 'string', enum: ['ALL_DATA', 'METADATA_ONLY'] };
const STATE_MACHINE_TYPE: MemberModel = { type: 'string', enum: ['STANDARD', 'EXPRESS'] };
const STRUCTURE: MemberModel = { type: 'structure' };
const BOOLEAN: MemberModel = { type: 'boolean' };

const OPERATIONS: Readonly<Record<string, OperationModel>> = {
  CreateStateMachine: {
    required: ['name', 'definition', 'roleArn'],
    members: {
      name: NAME,
      definition: DEFINITION,
      roleArn: ARN,
      type: STATE_MACHINE_TYPE,
      loggingConfiguration: STRUCTURE,
      tags: { type: 'list' },
      tracingConfiguration: STRUCTURE,
      publish: BOOLEAN,
      versionDescription: { type: 'string', max: 256, sensitive: true },
      encryptionConfiguration: STRUCTURE,
    },
  },
  DescribeStateMachine: {
    required: ['stateMachineArn'],
    members: { stateMachineArn: ARN, includedData: INCLUDED_DATA },
  },
  DescribeStateMachineForExecution: {
    required: ['executionArn'],
    members: { executionArn: ARN, includedData: INCLUDED_DATA },
  },
  ListStateMachines: { required: [], members: { maxResults: PAGE_SIZE, nextToken: PAGE_TOKEN } },
  DeleteStateMachine: { required: ['stateMachineArn'], members: { stateMachineArn: ARN } },
  StartExecution: {
    required: ['stateMachineArn'],
    members: { stateMachineArn: ARN, name: NAME, input: SENSITIVE_DATA, traceHeader: TRACE_HEADER },
  },
  StartSyncExecution: {
    required: ['stateMachineArn'],
    members: {
      stateMachineArn: ARN,
      name: NAME,
      input: SENSITIVE_DATA,
      traceHeader: TRACE_HEADER,
      includedData: INCLUDED_DATA,
    },
  },
  DescribeExecution: {
    required: ['executionArn'],
    members: { executionArn: ARN, includedData: INCLUDED_DATA },
  },
  ListExecutions: {
    required: [],
    members: {
      stateMachineArn: ARN,
      statusFilter: {
        type: 'string',
        enum: ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'],
      },
      maxResults: PAGE_SIZE,
      nextToken: { type: 'string', min: 1, max: 3096 },
      mapRunArn: LONG_ARN,
      redriveFilter: { type: 'string', enum: ['REDRIVEN', 'NOT_REDRIVEN'] },
    },
  },
  GetExecutionHistory: {
    required: ['executionArn'],
    members: {
      executionArn: ARN,
      maxResults: PAGE_SIZE,
      reverseOrder: BOOLEAN,
      nextToken: PAGE_TOKEN,
      includeExecutionData: BOOLEAN,
    },
  },
  StopExecution: {
    required: ['executionArn'],
    members: { executionArn: ARN, error: SENSITIVE_ERROR, cause: SENSITIVE_CAUSE },
  },
  ValidateStateMachineDefinition: {
    required: ['definition'],
    members: {
      definition: DEFINITION,
      type: STATE_MACHINE_TYPE,
      severity: { type: 'string', enum: ['ERROR', 'WARNING'] },
      maxResults: { type: 'integer', min: 0, max: 100 },
    },
  },
  TestState: {
    required: ['definition'],
    members: {
      definition: DEFINITION,
      roleArn: ARN,
      input: SENSITIVE_DATA,
      inspectionLevel: { type: 'string', enum: ['INFO', 'DEBUG', 'TRACE'] },
      revealSecrets: BOOLEAN,
      variables: SENSITIVE_DATA,
      stateName: { type: 'string', min: 1, max: 80, sensitive: true },
      mock: STRUCTURE,
      context: SENSITIVE_DATA,
      stateConfiguration: STRUCTURE,
    },
  },
  RedriveExecution: {
    required: ['executionArn'],
    members: {
      executionArn: ARN,
      clientToken: { type: 'string', min: 1, max: 64, pattern: ['[!-~]+', /^[!-~]+$/] },
    },
  },
  SendTaskSuccess: {
    required: ['taskToken', 'output'],
    members: { taskToken: TASK_TOKEN, output: SENSITIVE_DATA },
  },
  SendTaskFailure: {
    required: ['taskToken'],
    members: { taskToken: TASK_TOKEN, error: SENSITIVE_ERROR, cause: SENSITIVE_CAUSE },
  },
  SendTaskHeartbeat: { required: ['taskToken'], members: { taskToken: TASK_TOKEN } },
};

const shownValue = (value: unknown): string =>
  value === undefined || value === null
    ? 'null'
    : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;

/**
 * The violations of one member's constraints, each as AWS words it ("Value '…' at 'name' failed to
 * satisfy constraint: Member must have length less than or equal to 80"). The value is already known to
 * be of the member's JSON type.
 */
export const memberViolations = (
  model: MemberModel,
  member: string,
  value: unknown,
  required = false,
): string[] => {
  if (value === undefined || value === null) {
    return required
      ? [`Value null at '${member}' failed to satisfy constraint: Member must not be null`]
      : [];
  }
  const sensitive = model.type === 'string' && model.sensitive === true;
  const prefix = sensitive
    ? `Value at '${member}' failed to satisfy constraint: `
    : `Value ${shownValue(value)} at '${member}' failed to satisfy constraint: `;
  const found: string[] = [];
  if (model.type === 'string' && typeof value === 'string') {
    if (model.enum && !model.enum.includes(value)) {
      found.push(`Member must satisfy enum value set: [${model.enum.join(', ')}]`);
    }
    if (model.min !== undefined && value.length < model.min) {
      found.push(`Member must have length greater than or equal to ${model.min}`);
    }
    if (model.max !== undefined && value.length > model.max) {
      found.push(`Member must have length less than or equal to ${model.max}`);
    }
    if (
      model.maxBytes !== undefined &&
      value.length * 3 > model.maxBytes &&
      Buffer.byteLength(value, 'utf8') > model.maxBytes
    ) {
      found.push(`Member must have size less than or equal to ${model.maxBytes} bytes in UTF-8 encoding`);
    }
    if (model.pattern && !model.pattern[1].test(value)) {
      found.push(`Member must satisfy regular expression pattern: ${model.pattern[0]}`);
    }
  }
  if (model.type === 'integer' && typeof value === 'number') {
    // The JSON protocol reads a fraction into an Integer member by dropping it.
    const integer = Math.trunc(value);
    if (model.min !== undefined && integer < model.min) {
      found.push(`Member must have value greater than or equal to ${model.min}`);
    }
    if (model.max !== undefined && integer > model.max) {
      found.push(`Member must have value less than or equal to ${model.max}`);
    }
  }
  return found.map((constraint) => prefix + constraint);
};

/**
 * Checks a request against its operation's model, as AWS does before anything else: first the members'
 * JSON types (the protocol's SerializationException), then every constraint of every member, reported
 * together ("2 validation errors detected: …; …"). Operations outside the table are not checked.
 */
export const checkRequest = (operation: string, input: Json): void => {
  const model = OPERATIONS[operation];
  if (model === undefined) return;
  for (const [member, memberModel] of Object.entries(model.members)) {
    const value = input[member];
    if (value === undefined || value === null) continue;
    if (memberModel.type === 'string' && typeof value !== 'string') throw serializationError(value, 'String');
    if (memberModel.type === 'integer' && typeof value !== 'number')
      throw serializationError(value, 'Integer');
  }
  const violations: string[] = [];
  for (const [member, memberModel] of Object.entries(model.members)) {
    violations.push(...memberViolations(memberModel, member, input[member], model.required.includes(member)));
  }
  if (violations.length > 0) throw validationFailure(violations);
};
