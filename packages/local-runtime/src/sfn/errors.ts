/**
 * Errors of the Step Functions API. `name` is the AWS error type: it travels as `__type` in the
 * JSON 1.0 error body, so `@aws-sdk/client-sfn` raises an exception of the same name.
 */
export class StepFunctionsApiError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

export const stateMachineDoesNotExist = (arn: string): StepFunctionsApiError =>
  new StepFunctionsApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);

export const stateMachineAlreadyExists = (arn: string): StepFunctionsApiError =>
  new StepFunctionsApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);

export const executionDoesNotExist = (arn: string): StepFunctionsApiError =>
  new StepFunctionsApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);

export const executionAlreadyExists = (arn: string): StepFunctionsApiError =>
  new StepFunctionsApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);

export const invalidArn = (detail: string): StepFunctionsApiError =>
  new StepFunctionsApiError('InvalidArn', `Invalid Arn: '${detail}'`);

export const invalidRoleArn = (arn: string): StepFunctionsApiError =>
  new StepFunctionsApiError('InvalidArn', `Invalid Role Arn: '${arn}'`);

export const invalidName = (name: string): StepFunctionsApiError =>
  new StepFunctionsApiError('InvalidName', `Invalid Name: '${name}'`);

export const invalidDefinition = (detail: string): StepFunctionsApiError =>
  new StepFunctionsApiError(
    'InvalidDefinition',
    detail.startsWith('Invalid State Machine Definition')
      ? detail
      : `Invalid State Machine Definition: '${detail}'`,
  );

export const invalidExecutionInput = (detail: string): StepFunctionsApiError =>
  new StepFunctionsApiError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${detail}'`);

export const invalidToken = (token: string): StepFunctionsApiError =>
  new StepFunctionsApiError('InvalidToken', `Invalid Token: '${token}'`);

export const stateMachineTypeNotSupported = (detail: string): StepFunctionsApiError =>
  new StepFunctionsApiError('StateMachineTypeNotSupported', detail);

/** How a member's value appears in a ValidationException: `'abc'`, `'-1'`, or `null`. */
const shown = (value: unknown): string => {
  if (value === undefined || value === null) return 'null';
  return `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
};

/** AWS's wording for a request member that breaks its model constraint. */
export const validationError = (value: unknown, member: string, constraint: string): StepFunctionsApiError =>
  validationFailure([`Value ${shown(value)} at '${member}' failed to satisfy constraint: ${constraint}`]);

/** Every model violation of a request in one ValidationException: "2 validation errors detected: …; …". */
export const validationFailure = (violations: readonly string[]): StepFunctionsApiError =>
  new StepFunctionsApiError(
    'ValidationException',
    `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ${violations.join('; ')}`,
  );

/** The Java class the AWS JSON protocol (Coral) reads a JSON number as. */
const numberClass = (value: number): string => {
  if (!Number.isInteger(value)) return 'Double';
  if (value >= -32768 && value <= 32767) return 'Short';
  if (value >= -2147483648 && value <= 2147483647) return 'Integer';
  return 'Long';
};

/**
 * A member sent with the wrong JSON type: AWS's JSON protocol rejects it before validation, with
 * SerializationException and the protocol's own wording (as DynamoDB, on the same protocol, shows it),
 * e.g. an object where a string belongs.
 */
export const serializationError = (value: unknown, expected: 'String' | 'Integer'): StepFunctionsApiError => {
  let message: string;
  if (Array.isArray(value)) message = 'Start of list found where not expected';
  else if (typeof value === 'object') message = 'Start of structure or map found where not expected.';
  else {
    const found =
      typeof value === 'number' ? numberClass(value) : typeof value === 'boolean' ? 'Boolean' : 'String';
    message = `class java.lang.${found} can not be converted to an ${expected}`;
  }
  return new StepFunctionsApiError('SerializationException', message);
};

export const unknownOperation = (operation: string): StepFunctionsApiError =>
  new StepFunctionsApiError(
    'UnknownOperationException',
    `Operation '${operation}' is not supported by the local Step Functions service (see docs/local-engine.md)`,
  );

export const invalidOutput = (detail: string): StepFunctionsApiError =>
  new StepFunctionsApiError('InvalidOutput', `Invalid State Machine Execution Output: '${detail}'`);
