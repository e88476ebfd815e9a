import { invalidArn, invalidName, serializationError, validationFailure } from './errors';
import { ARN, memberViolations, NAME } from './request-model';

/** Where the service pretends to live: ARNs are built from these. */
export interface Location {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export const stateMachineArn = (at: Location, name: string): string =>
  `arn:${at.partition}:states:${at.region}:${at.accountId}:stateMachine:${name}`;

export const executionArn = (at: Location, machineName: string, name: string): string =>
  `arn:${at.partition}:states:${at.region}:${at.accountId}:execution:${machineName}:${name}`;

export const expressExecutionArn = (at: Location, machineName: string, name: string, id: string): string =>
  `arn:${at.partition}:states:${at.region}:${at.accountId}:express:${machineName}:${name}:${id}`;

type ResourceType = 'stateMachine' | 'execution' | 'express';

/**
 * Checks that `arn` is a Step Functions ARN of the expected resource type. A missing, empty or
 * too long member breaks the API model (request-model.ts), a ValidationException as for any member; a
 * malformed one gets AWS's InvalidArn messages ("Invalid ARN prefix", "Resource type not valid in
 * this context: express").
 */
export const requireArn = (arn: unknown, member: string, expected: ResourceType): string => {
  const violations = memberViolations(ARN, member, arn, true);
  if (violations.length > 0) throw validationFailure(violations);
  if (typeof arn !== 'string') throw serializationError(arn, 'String');
  if (!arn.startsWith('arn:')) {
    throw invalidArn(`Invalid ARN prefix: ${arn}`);
  }
  const parts = arn.split(':');
  const type = parts[5];
  if (parts[2] !== 'states' || type === undefined) {
    throw invalidArn(`Unable to parse Step Functions ARN: ${arn}`);
  }
  if (type !== expected) {
    throw invalidArn(`Resource type not valid in this context: ${type}`);
  }
  const expectedParts = expected === 'stateMachine' ? 7 : expected === 'execution' ? 8 : 9;
  if (parts.length !== expectedParts || parts.some((part, i) => i > 2 && part.length === 0)) {
    throw invalidArn(`Unable to parse Step Functions ARN: ${arn}`);
  }
  return arn;
};

// Names are 1-80 characters (the API model's bound, checked in request-model.ts: outside it, a
// ValidationException) without whitespace, brackets, wildcards, the listed punctuation, control characters
// or unpaired surrogates (StartExecution / CreateStateMachine name rules: InvalidName).
const FORBIDDEN_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\ufffe\uffff]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const hasControlCharacter = (name: string): boolean => {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
};

export const requireValidName = (name: string): string => {
  const violations = memberViolations(NAME, 'name', name);
  if (violations.length > 0) throw validationFailure(violations);
  if (FORBIDDEN_NAME.test(name) || hasControlCharacter(name) || LONE_SURROGATE.test(name)) {
    throw invalidName(name);
  }
  return name;
};
