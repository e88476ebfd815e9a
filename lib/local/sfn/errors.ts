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

/** AWS's wording for a request member that breaks its model constraint. */
export const validationError = (value: unknown, member: string, constraint: string): StepFunctionsApiError =>
  new StepFunctionsApiError(
    'ValidationException',
    `1 validation error detected: Value ${value === undefined || value === null ? 'null' : `'${String(value)}'`} at '${member}' failed to satisfy constraint: ${constraint}`,
  );

export const unknownOperation = (operation: string): StepFunctionsApiError =>
  new StepFunctionsApiError(
    'UnknownOperationException',
    `Operation '${operation}' is not supported by the local Step Functions service (see docs/local-engine.md)`,
  );
