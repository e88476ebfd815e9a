import {
  ExecutionInterrupted,
  FailStateError,
  IntrinsicFailure,
  InvalidDefinitionError,
  InvalidJsonPathDefinitionError,
  QueryEvaluationError,
  ResultPathMatchFailure,
  RuntimeError,
  StatesError,
  TerminalError,
} from '../../src/engine/errors';

// An error's `name` is a contract: the ASL error string Retry/Catch match, or the API's error type.
describe('engine error names', () => {
  test.each([
    ['a StatesError', new StatesError('Custom.Error', 'why'), 'Custom.Error', 'Custom.Error: why'],
    ['a StatesError without cause', new StatesError('Custom.Error'), 'Custom.Error', 'Custom.Error'],
    [
      'QueryEvaluationError',
      new QueryEvaluationError({ stateName: 'S', enteredEventId: 2 }, 'bad', 'Output'),
      'States.QueryEvaluationError',
      "States.QueryEvaluationError: An error occurred while executing the state 'S' (entered at the event id #2). bad",
    ],
    ['TerminalError', new TerminalError('States.Runtime', 'why'), 'States.Runtime', 'States.Runtime: why'],
    ['FailStateError', new FailStateError(true, 'My.Error', 'why'), 'My.Error', 'My.Error: why'],
    ['RuntimeError', new RuntimeError('why'), 'States.Runtime', 'States.Runtime: why'],
    [
      'ResultPathMatchFailure',
      new ResultPathMatchFailure('why'),
      'States.ResultPathMatchFailure',
      'States.ResultPathMatchFailure: why',
    ],
    [
      'IntrinsicFailure',
      new IntrinsicFailure('why'),
      'States.IntrinsicFailure',
      'States.IntrinsicFailure: why',
    ],
    [
      'InvalidDefinitionError',
      new InvalidDefinitionError('SCHEMA_VALIDATION_FAILED: x'),
      'InvalidDefinition',
      'SCHEMA_VALIDATION_FAILED: x',
    ],
    [
      'InvalidJsonPathDefinitionError',
      new InvalidJsonPathDefinitionError('bad path'),
      'InvalidDefinition',
      'bad path',
    ],
    ['ExecutionInterrupted', new ExecutionInterrupted(), 'ExecutionInterrupted', ''],
  ])('Given %s, Then its name and message are as the contract says', (_what, error, name, message) => {
    expect([error.name, error.message]).toEqual([name, message]);
  });

  test('Given a JSONPath definition error, Then the API treats it as a rejected definition', () => {
    expect(new InvalidJsonPathDefinitionError('bad path')).toBeInstanceOf(InvalidDefinitionError);
  });
});
