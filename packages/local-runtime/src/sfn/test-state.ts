import { InvalidDefinitionError } from '../engine/errors';
import {
  type InspectionLevel,
  type TestStateConfiguration,
  type TestStateMock,
  TestStateRefusal,
  testState,
} from '../engine/test-state';
import type { FieldValidationMode } from '../engine/test-state-mock-validation';
import type { IntegrationRegistry } from '../engine/types';
import type { Location } from './arns';
import {
  invalidDefinition,
  invalidExecutionInput,
  StepFunctionsApiError,
  serializationError,
  validationError,
} from './errors';
import { type Json, optionalString, requireRoleArn, requireString } from './members';

const INSPECTION_LEVELS = ['INFO', 'DEBUG', 'TRACE'];
const VALIDATION_MODES = ['STRICT', 'PRESENT', 'NONE'];
const MAX_PAYLOAD = 262_144;

function optionalObject(input: Json, member: string): Json | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new StepFunctionsApiError(
      'SerializationException',
      Array.isArray(value)
        ? 'Start of list found where not expected'
        : 'Unexpected token, expected a structure',
    );
  }
  return value as Json;
}

function optionalCount(input: Json, member: string, path: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw serializationError(value, 'Integer');
  const count = Math.trunc(value);
  if (count < 0) throw validationError(count, path, 'Member must have value greater than or equal to 0');
  return count;
}

function optionalEnum(input: Json, member: string, path: string, values: string[]): string | undefined {
  const value = optionalString(input, member);
  if (value !== undefined && !values.includes(value)) {
    throw validationError(value, path, `Member must satisfy enum value set: [${values.join(', ')}]`);
  }
  return value;
}

function maxLength(value: string | undefined, path: string, max: number, sensitive = false): void {
  if (value !== undefined && Buffer.byteLength(value, 'utf8') > max) {
    throw validationError(
      sensitive ? '<sensitive>' : value,
      path,
      `Member must have length less than or equal to ${max}`,
    );
  }
}

/** A member that must be JSON text; `what` words the refusal. */
function parseJson(text: string, refuse: (detail: string) => Error): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw refuse((error as Error).message);
  }
}

const validation = (message: string) => new StepFunctionsApiError('ValidationException', message);

function readMock(input: Json): TestStateMock | undefined {
  const mock = optionalObject(input, 'mock');
  if (mock === undefined) return undefined;
  const result = optionalString(mock, 'result');
  maxLength(result, 'mock.result', MAX_PAYLOAD, true);
  const errorOutput = optionalObject(mock, 'errorOutput');
  const fieldValidationMode = optionalEnum(
    mock,
    'fieldValidationMode',
    'mock.fieldValidationMode',
    VALIDATION_MODES,
  ) as FieldValidationMode | undefined;
  if ((result === undefined) === (errorOutput === undefined)) {
    throw validation('A test mock should have only one of the following fields: [result, errorOutput].');
  }
  if (errorOutput !== undefined) {
    const error = optionalString(errorOutput, 'error');
    if (error === undefined) throw validationError(null, 'mock.errorOutput.error', 'Member must not be null');
    maxLength(error, 'mock.errorOutput.error', 256, true);
    const cause = optionalString(errorOutput, 'cause');
    maxLength(cause, 'mock.errorOutput.cause', 32_768, true);
    return cause === undefined ? { error } : { error, cause };
  }
  const parsed = parseJson(result as string, (detail) =>
    validation(`Mocked result must be valid JSON: ${detail}`),
  );
  return fieldValidationMode === undefined ? { result: parsed } : { result: parsed, fieldValidationMode };
}

function readConfiguration(input: Json): TestStateConfiguration | undefined {
  const config = optionalObject(input, 'stateConfiguration');
  if (config === undefined) return undefined;
  const errorCausedByState = optionalString(config, 'errorCausedByState');
  if (errorCausedByState !== undefined && (errorCausedByState.length < 1 || errorCausedByState.length > 80)) {
    throw validationError(
      '<sensitive>',
      'stateConfiguration.errorCausedByState',
      errorCausedByState.length < 1
        ? 'Member must have length greater than or equal to 1'
        : 'Member must have length less than or equal to 80',
    );
  }
  const mapItemReaderData = optionalString(config, 'mapItemReaderData');
  maxLength(mapItemReaderData, 'stateConfiguration.mapItemReaderData', MAX_PAYLOAD, true);
  const configuration: {
    -readonly [K in keyof TestStateConfiguration]: TestStateConfiguration[K];
  } = {};
  const retrierRetryCount = optionalCount(
    config,
    'retrierRetryCount',
    'stateConfiguration.retrierRetryCount',
  );
  const mapIterationFailureCount = optionalCount(
    config,
    'mapIterationFailureCount',
    'stateConfiguration.mapIterationFailureCount',
  );
  if (retrierRetryCount !== undefined) configuration.retrierRetryCount = retrierRetryCount;
  if (mapIterationFailureCount !== undefined)
    configuration.mapIterationFailureCount = mapIterationFailureCount;
  if (errorCausedByState !== undefined) configuration.errorCausedByState = errorCausedByState;
  if (mapItemReaderData !== undefined) configuration.mapItemReaderData = mapItemReaderData;
  return configuration;
}

/**
 * The TestState operation: reads and checks the request members as the API model defines them, runs
 * the state on the engine (src/engine/test-state.ts) and shapes the response.
 */
export async function testStateOperation(
  input: Json,
  services: { readonly integrations: IntegrationRegistry; readonly location: Location },
): Promise<Json> {
  const definition = requireString(input, 'definition');
  maxLength(definition, 'definition', 1_048_576, true);
  const mock = readMock(input);
  const roleArn = input.roleArn === undefined || input.roleArn === null ? undefined : requireRoleArn(input);
  if (roleArn === undefined && mock === undefined) {
    throw validationError(null, 'roleArn', 'Member must not be null');
  }
  const inputJson = optionalString(input, 'input') ?? '{}';
  maxLength(inputJson, 'input', MAX_PAYLOAD, true);
  parseJson(inputJson, (detail) => invalidExecutionInput(detail));
  const inspectionLevel = optionalEnum(input, 'inspectionLevel', 'inspectionLevel', INSPECTION_LEVELS) as
    | InspectionLevel
    | undefined;
  const revealSecrets = input.revealSecrets;
  if (revealSecrets !== undefined && revealSecrets !== null && typeof revealSecrets !== 'boolean') {
    throw new StepFunctionsApiError('SerializationException', 'Expected boolean value');
  }
  if (revealSecrets === true && mock !== undefined) {
    throw validation('TestState does not support RevealSecrets when a mock is specified.');
  }
  const variablesText = optionalString(input, 'variables');
  maxLength(variablesText, 'variables', MAX_PAYLOAD, true);
  const variables =
    variablesText === undefined
      ? undefined
      : parseJson(variablesText, (detail) => validation(`The variables must be a JSON object: ${detail}`));
  if (
    variables !== undefined &&
    (variables === null || typeof variables !== 'object' || Array.isArray(variables))
  ) {
    throw validation('The variables must be a JSON object whose keys are variable names');
  }
  const stateName = optionalString(input, 'stateName');
  if (stateName !== undefined && (stateName.length < 1 || stateName.length > 80)) {
    throw validationError(
      stateName,
      'stateName',
      stateName.length < 1
        ? 'Member must have length greater than or equal to 1'
        : 'Member must have length less than or equal to 80',
    );
  }
  const contextText = optionalString(input, 'context');
  maxLength(contextText, 'context', MAX_PAYLOAD, true);
  if (contextText !== undefined && mock === undefined) {
    throw validation('TestState accepts a context only when a mock is specified.');
  }
  const context =
    contextText === undefined
      ? undefined
      : parseJson(contextText, (detail) => validation(`The context must be a JSON object: ${detail}`));
  if (context !== undefined && (context === null || typeof context !== 'object' || Array.isArray(context))) {
    throw validation('The context must be a JSON object');
  }
  try {
    const result = await testState({
      definition,
      stateName,
      inputJson,
      variables: variables as Record<string, unknown> | undefined,
      context: context as Record<string, unknown> | undefined,
      mock,
      stateConfiguration: readConfiguration(input),
      inspectionLevel,
      integrations: services.integrations,
      roleArn,
      region: services.location.region,
      accountId: services.location.accountId,
      partition: services.location.partition,
    });
    return result as unknown as Json;
  } catch (error) {
    if (error instanceof TestStateRefusal) throw new StepFunctionsApiError(error.kind, error.message);
    if (error instanceof InvalidDefinitionError) throw invalidDefinition(error.message);
    throw error;
  }
}
