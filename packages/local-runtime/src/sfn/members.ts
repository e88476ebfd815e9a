import { invalidRoleArn, serializationError, validationError } from './errors';

/** A JSON 1.0 request or response body. */
export type Json = Record<string, unknown>;

export const requireString = (input: Json, member: string): string => {
  const value = input[member];
  if (value === undefined || value === null) {
    throw validationError(value, member, 'Member must not be null');
  }
  if (typeof value !== 'string') throw serializationError(value, 'String');
  return value;
};

export const optionalString = (input: Json, member: string): string | undefined => {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serializationError(value, 'String');
  return value;
};

// arn:<partition>:iam::<account>:role/<optional path/><name>, with IAM's characters for paths and names.
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

export const requireRoleArn = (input: Json): string => {
  const roleArn = requireString(input, 'roleArn');
  if (!ROLE_ARN.test(roleArn)) throw invalidRoleArn(roleArn);
  return roleArn;
};
