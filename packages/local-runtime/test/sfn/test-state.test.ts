import { type SFNClient, TestStateCommand, type TestStateCommandInput } from '@aws-sdk/client-sfn';
import { type StepFunctionsService, startStepFunctionsService } from '../../src/sfn';
import { useLocalServices } from '../../src/testing/local-services';
import { localSfnClient } from './support';

const ROLE = 'arn:aws:iam::123456789012:role/local';

const services = useLocalServices({ dynamodb: { tables: { records: {} } } });
let service: StepFunctionsService;
let sfn: SFNClient;

beforeAll(async () => {
  service = await startStepFunctionsService({ integrations: services().integrations });
  sfn = localSfnClient(service.endpoint);
});

afterAll(async () => {
  sfn.destroy();
  await service.stop();
});

const test_ = (input: Omit<TestStateCommandInput, 'definition'> & { definition: object }) =>
  sfn.send(new TestStateCommand({ ...input, definition: JSON.stringify(input.definition) }));

const refusal = async (input: Omit<TestStateCommandInput, 'definition'> & { definition: object }) => {
  try {
    await test_(input);
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected TestState to refuse the request');
};

describe('TestState over the local engine', () => {
  test('Given a JSONata Pass with a key expression, When tested, Then output and nextState come back', async () => {
    const response = await test_({
      definition: {
        QueryLanguage: 'JSONata',
        Type: 'Pass',
        Output: { key: "{% $states.input.tenant & '#' & $states.input.id %}" },
        Next: 'Claim',
      },
      roleArn: ROLE,
      input: '{"tenant":"t1","id":"e-7"}',
    });
    expect(response).toMatchObject({ status: 'SUCCEEDED', output: '{"key":"t1#e-7"}', nextState: 'Claim' });
    expect(response.inspectionData).toBeUndefined();
  });

  test('Given a JSONPath Choice, When tested at INFO, Then the matching rule names the next state', async () => {
    const response = await test_({
      definition: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.number', NumericEquals: 1, Next: 'Equals 1' },
          { Variable: '$.number', NumericEquals: 2, Next: 'Equals 2' },
        ],
        Default: 'No Match',
      },
      roleArn: ROLE,
      input: '{"number": 2}',
    });
    expect(response).toMatchObject({ status: 'SUCCEEDED', output: '{"number":2}', nextState: 'Equals 2' });
  });

  test('Given a JSONPath Pass, When tested at DEBUG, Then each data-flow step is shown (AWS guide example)', async () => {
    const response = await test_({
      definition: {
        Type: 'Pass',
        InputPath: '$.payload',
        Parameters: { data: 1 },
        ResultPath: '$.result',
        OutputPath: '$.result.data',
        Next: 'Another State',
      },
      roleArn: ROLE,
      input: '{"payload": {"foo": "bar"}}',
      inspectionLevel: 'DEBUG',
    });
    expect(response).toMatchObject({ status: 'SUCCEEDED', output: '1', nextState: 'Another State' });
    expect(response.inspectionData).toEqual({
      input: '{"payload": {"foo": "bar"}}',
      afterInputPath: '{"foo":"bar"}',
      afterParameters: '{"data":1}',
      afterResultSelector: '{"data":1}',
      afterResultPath: '{"payload":{"foo":"bar"},"result":{"data":1}}',
    });
  });

  test('Given a Task with a mocked result, When tested at DEBUG, Then Arguments, result and variables are shown', async () => {
    const response = await test_({
      definition: {
        QueryLanguage: 'JSONata',
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: 'pay', Payload: { amount: '{% $states.input.total * $rate %}' } },
        Output: '{% $states.result.Payload %}',
        Assign: { paid: '{% $states.result.Payload.ok %}' },
        End: true,
      },
      input: '{"total": 10}',
      variables: '{"rate": 2}',
      mock: { result: '{"Payload": {"ok": true}}' },
      inspectionLevel: 'DEBUG',
    });
    expect(response).toMatchObject({ status: 'SUCCEEDED', output: '{"ok":true}' });
    expect(response.nextState).toBeUndefined();
    expect(response.inspectionData).toMatchObject({
      input: '{"total": 10}',
      afterArguments: '{"FunctionName":"pay","Payload":{"amount":20}}',
      result: '{"Payload":{"ok":true}}',
      variables: '{"rate":2,"paid":true}',
    });
  });

  test('Given a mocked error and a matching Catch, When tested, Then the status is CAUGHT_ERROR with the catcher output', async () => {
    const response = await test_({
      definition: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'pay' },
        Catch: [
          { ErrorEquals: ['States.Timeout'], Next: 'TimedOut' },
          {
            ErrorEquals: ['Lambda.TooManyRequestsException'],
            ResultPath: '$.error',
            Next: 'HandleThrottling',
          },
        ],
        Next: 'Success',
      },
      input: '{"data": "value"}',
      mock: { errorOutput: { error: 'Lambda.TooManyRequestsException', cause: 'Rate exceeded' } },
      inspectionLevel: 'DEBUG',
    });
    expect(response).toMatchObject({
      status: 'CAUGHT_ERROR',
      nextState: 'HandleThrottling',
      error: 'Lambda.TooManyRequestsException',
      cause: 'Rate exceeded',
      output: '{"data":"value","error":{"Error":"Lambda.TooManyRequestsException","Cause":"Rate exceeded"}}',
    });
    expect(response.inspectionData?.errorDetails).toEqual({ catchIndex: 1 });
  });

  test('Given a matching retrier with attempts left, When tested, Then RETRIABLE with the retrier and its back-off; exhausted, the Catch applies', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Arguments: { FunctionName: 'pay' },
      Retry: [
        { ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 },
      ],
      Catch: [
        {
          ErrorEquals: ['States.ALL'],
          Assign: { failed: '{% $states.errorOutput.Error %}' },
          Next: 'Failed',
        },
      ],
      End: true,
    };
    const mock = { errorOutput: { error: 'Lambda.ServiceException', cause: 'Service error' } };
    const retriable = await test_({
      definition,
      mock,
      stateConfiguration: { retrierRetryCount: 1 },
      inspectionLevel: 'DEBUG',
    });
    expect(retriable).toMatchObject({ status: 'RETRIABLE', error: 'Lambda.ServiceException' });
    expect(retriable.inspectionData?.errorDetails).toEqual({ retryIndex: 0, retryBackoffIntervalSeconds: 4 });
    const exhausted = await test_({ definition, mock, stateConfiguration: { retrierRetryCount: 3 } });
    expect(exhausted).toMatchObject({ status: 'CAUGHT_ERROR', nextState: 'Failed' });
  });

  test('Given a Fail state and an unmatched error, When tested, Then the status is FAILED with error and cause', async () => {
    const failed = await test_({
      definition: { Type: 'Fail', Error: 'Bad', Cause: 'it broke' },
      roleArn: ROLE,
    });
    expect(failed).toEqual(expect.objectContaining({ status: 'FAILED', error: 'Bad', cause: 'it broke' }));
    const uncaught = await test_({
      definition: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: {}, End: true },
      mock: { errorOutput: { error: 'Custom', cause: 'c' } },
    });
    expect(uncaught).toMatchObject({ status: 'FAILED', error: 'Custom', cause: 'c' });
  });

  test('Given a context and a whole machine with stateName, When tested, Then the state reads the given context', async () => {
    const response = await test_({
      definition: {
        QueryLanguage: 'JSONata',
        StartAt: 'First',
        States: {
          First: { Type: 'Pass', Next: 'Call' },
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Arguments: { FunctionName: 'f' },
            Output: {
              execution: '{% $states.context.Execution.Name %}',
              state: '{% $states.context.State.Name %}',
            },
            Next: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      },
      stateName: 'Call',
      mock: { result: '{}' },
      context:
        '{"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:M:run-1", "Name": "run-1"}}',
    });
    expect(response).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"execution":"run-1","state":"Call"}',
      nextState: 'Done',
    });
  });

  test('Given a Parallel with a mocked result, When tested, Then its output processing applies to the mock', async () => {
    const response = await test_({
      definition: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
          { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
        ],
        ResultPath: '$.results',
        End: true,
      },
      input: '{"n": 1}',
      mock: { result: '[1, 2]' },
    });
    expect(response).toMatchObject({ status: 'SUCCEEDED', output: '{"n":1,"results":[1,2]}' });
  });

  test('Given a real DynamoDB Task without a mock, When tested, Then it runs against DynamoDB Local', async () => {
    const put = await test_({
      definition: {
        QueryLanguage: 'JSONata',
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:putItem',
        Arguments: { TableName: 'records', Item: { id: { S: '{% $states.input.id %}' } } },
        Output: '{% $states.result.SdkHttpMetadata.HttpStatusCode %}',
        End: true,
      },
      roleArn: ROLE,
      input: '{"id": "ts-1"}',
    });
    expect(put).toMatchObject({ status: 'SUCCEEDED', output: '200' });
    const get = await test_({
      definition: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:getItem',
        Parameters: { TableName: 'records', Key: { id: { 'S.$': '$.id' } } },
        ResultSelector: { id: '$.Item.id.S' },
        End: true,
      },
      roleArn: ROLE,
      input: '{"id": "ts-1"}',
      inspectionLevel: 'TRACE',
    });
    expect(get).toMatchObject({ status: 'SUCCEEDED', output: '{"id":"$.Item.id.S"}' });
    expect(get.inspectionData).toMatchObject({
      afterInputPath: '{"id":"ts-1"}',
      afterParameters: '{"TableName":"records","Key":{"id":{"S":"ts-1"}}}',
      afterResultSelector: '{"id":"$.Item.id.S"}',
    });
  });

  describe('mock.fieldValidationMode (AWS answers recorded by LocalStack, Nov 2025)', () => {
    const task = (resource: string) => ({ Type: 'Task', Resource: resource, End: true });
    const mocked = (resource: string, result: object, fieldValidationMode?: 'STRICT' | 'PRESENT' | 'NONE') =>
      refusal({
        definition: task(resource),
        mock: { result: JSON.stringify(result), ...(fieldValidationMode ? { fieldValidationMode } : {}) },
      });
    const invalid = (detail: string) => ({
      name: 'ValidationException',
      message: `Mock result schema validation error: ${detail}`,
    });

    test('fails when a present member has the wrong type, in STRICT (the default) and PRESENT', async () => {
      const dynamo = 'arn:aws:states:::dynamodb:putItem';
      const wrongFloat = { ConsumedCapacity: { CapacityUnits: '123.45' } };
      expect(await mocked(dynamo, wrongFloat)).toEqual(invalid("Field 'CapacityUnits' must be a number"));
      expect(await mocked(dynamo, wrongFloat, 'PRESENT')).toEqual(
        invalid("Field 'CapacityUnits' must be a number"),
      );
      expect(await mocked('arn:aws:states:::lambda:invoke', { StatusCode: '200' })).toEqual(
        invalid("Field 'StatusCode' must be a number"),
      );
      const events = 'arn:aws:states:::events:putEvents';
      expect(await mocked(events, { Entries: 'not a list' })).toEqual(
        invalid("Field 'Entries' must be an array"),
      );
      expect(await mocked(events, { Entries: [{ EventId: 'e-1' }, { EventId: ['e-2'] }] })).toEqual(
        invalid("Field 'EventId' must be a string"),
      );
    });

    test('fails when a required member is missing in STRICT only; the model name is upper-cased', async () => {
      const start = 'arn:aws:states:::states:startExecution';
      expect(await mocked(start, {})).toEqual(invalid("Required field 'ExecutionArn' is missing"));
      expect(await mocked(start, { executionArn: 'a', startDate: 'd' })).toEqual(
        invalid("Required field 'ExecutionArn' is missing"),
      );
      expect(await mocked(start, { ExecutionArn: 'a', StartDate: 1764103483 })).toEqual(
        invalid("Field 'StartDate' must be a string"),
      );
      expect(await mocked(start, { StartDate: true }, 'PRESENT')).toEqual(
        invalid("Field 'StartDate' must be a string"),
      );
      const present = await test_({
        definition: task(start),
        mock: { result: '{"executionArn": "a"}', fieldValidationMode: 'PRESENT' },
      });
      expect(present).toMatchObject({ status: 'SUCCEEDED', output: '{"executionArn":"a"}' });
    });

    test('Given members the model does not have, or NONE, When tested, Then the mock is the result', async () => {
      const unknown = await test_({
        definition: task('arn:aws:states:::events:putEvents'),
        mock: { result: '{"random": "json"}' },
      });
      expect(unknown).toMatchObject({ status: 'SUCCEEDED', output: '{"random":"json"}' });
      const none = await test_({
        definition: task('arn:aws:states:::aws-sdk:dynamodb:getItem'),
        mock: { result: '{"Item": "not a map"}', fieldValidationMode: 'NONE' },
      });
      expect(none).toMatchObject({ status: 'SUCCEEDED', output: '{"Item":"not a map"}' });
      expect(await mocked('arn:aws:states:::aws-sdk:dynamodb:getItem', { Item: { id: { S: 1 } } })).toEqual(
        invalid("Field 'S' must be a string"),
      );
    });
  });

  describe('Map inspection data and stateConfiguration', () => {
    const distributed = {
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
      StartAt: 'HandleItem',
      States: { HandleItem: { Type: 'Pass', End: true } },
    };

    test('Given a mocked error and errorCausedByState, When a Map in a machine is tested, Then it fails with the mocked error and shows its items (recorded)', async () => {
      const response = await test_({
        definition: {
          StartAt: 'State0',
          States: {
            State0: {
              Type: 'Map',
              ItemsPath: '$.Values',
              ItemProcessor: distributed,
              ToleratedFailureCount: 2,
              End: true,
            },
          },
        },
        stateName: 'State0',
        input: '{"Values": ["first", "second", "third"]}',
        stateConfiguration: { mapIterationFailureCount: 2, errorCausedByState: 'HandleItem' },
        mock: { errorOutput: { error: 'MockException', cause: 'Mock the error cause.' } },
        inspectionLevel: 'DEBUG',
      });
      expect(response).toMatchObject({
        status: 'FAILED',
        error: 'MockException',
        cause: 'Mock the error cause.',
      });
      expect(response.inspectionData).toEqual({
        input: '{"Values": ["first", "second", "third"]}',
        afterInputPath: '{"Values":["first","second","third"]}',
        afterItemsPath: '["first","second","third"]',
        maxConcurrency: 0,
        toleratedFailureCount: 2,
      });
    });

    test('Given an ItemReader and mapItemReaderData, When tested, Then the mock is the output and ItemSelector runs over the reader data', async () => {
      const map = {
        QueryLanguage: 'JSONata',
        Type: 'Map',
        MaxConcurrency: 1,
        ItemReader: {
          ReaderConfig: { InputType: 'JSON' },
          Resource: 'arn:aws:states:::s3:getObject',
          Arguments: { Bucket: '{% $states.input.Bucket %}', Key: '{% $states.input.Key %}' },
        },
        ItemProcessor: distributed,
        End: true,
      };
      const input = '{"Bucket": "test-bucket", "Key": "test-key"}';
      const recorded = await test_({
        definition: map,
        input,
        stateConfiguration: { mapItemReaderData: '[1, 2, 3]' },
        mock: { result: '[1, 4, 9]' },
        inspectionLevel: 'DEBUG',
      });
      expect(recorded).toMatchObject({ status: 'SUCCEEDED', output: '[1,4,9]' });
      expect(recorded.inspectionData).toEqual({ input, maxConcurrency: 1 });
      const selected = await test_({
        definition: {
          ...map,
          ItemSelector: {
            n: '{% $states.context.Map.Item.Value %}',
            at: '{% $states.context.Map.Item.Index %}',
          },
        },
        input,
        stateConfiguration: { mapItemReaderData: '[1, 2]' },
        mock: { result: '[]' },
        inspectionLevel: 'DEBUG',
      });
      expect(selected.inspectionData?.afterItemSelector).toBe('[{"n":1,"at":0},{"n":2,"at":1}]');
    });

    test('Given a JSONPath Map with ItemsPath, ItemSelector and ItemBatcher, When tested, Then each item step is shown', async () => {
      const response = await test_({
        definition: {
          Type: 'Map',
          InputPath: '$.order',
          ItemsPath: '$.lines',
          ItemSelector: { 'sku.$': '$$.Map.Item.Value.sku', 'order.$': '$.id' },
          ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'order.$': '$.id' } },
          ItemProcessor: distributed,
          ResultPath: '$.done',
          End: true,
        },
        input: '{"order": {"id": "o-1", "lines": [{"sku": "a"}, {"sku": "b"}, {"sku": "c"}]}}',
        mock: { result: '[true]' },
        inspectionLevel: 'TRACE',
      });
      expect(response).toMatchObject({ status: 'SUCCEEDED' });
      expect(response.inspectionData).toMatchObject({
        afterInputPath: '{"id":"o-1","lines":[{"sku":"a"},{"sku":"b"},{"sku":"c"}]}',
        afterItemsPath: '[{"sku":"a"},{"sku":"b"},{"sku":"c"}]',
        afterItemSelector: '[{"sku":"a","order":"o-1"},{"sku":"b","order":"o-1"},{"sku":"c","order":"o-1"}]',
        afterItemBatcher:
          '[{"BatchInput":{"order":"o-1"},"Items":[{"sku":"a","order":"o-1"},{"sku":"b","order":"o-1"}]},{"BatchInput":{"order":"o-1"},"Items":[{"sku":"c","order":"o-1"}]}]',
      });
      expect(response.inspectionData?.afterParameters).toBeUndefined();
    });
  });

  test('refuses what AWS refuses, with its error names and words', async () => {
    const map = {
      Type: 'Map',
      ItemProcessor: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
      End: true,
    };
    expect(await refusal({ definition: map, roleArn: ROLE })).toEqual({
      name: 'InvalidDefinition',
      message:
        'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
    });
    expect(await refusal({ definition: map, mock: { result: '{}' } })).toEqual({
      name: 'ValidationException',
      message: 'Mocked result must be an array.',
    });
    expect(await refusal({ definition: { Type: 'Pass', End: true }, mock: { result: '{}' } })).toEqual({
      name: 'ValidationException',
      message: "State type 'Pass' is not supported when a mock is specified",
    });
    const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true };
    expect(await refusal({ definition: task, mock: { result: '{}', errorOutput: { error: 'E' } } })).toEqual({
      name: 'ValidationException',
      message: 'A test mock should have only one of the following fields: [result, errorOutput].',
    });
    expect(await refusal({ definition: task, mock: { result: '{}' }, revealSecrets: true })).toEqual({
      name: 'ValidationException',
      message: 'TestState does not support RevealSecrets when a mock is specified.',
    });
  });
});
