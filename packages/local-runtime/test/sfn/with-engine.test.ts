import {
  CreateStateMachineCommand,
  GetExecutionHistoryCommand,
  type SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { waitForExecution } from '../../src/executions';
import { type StepFunctionsService, startStepFunctionsService } from '../../src/sfn';
import { localSfnClient } from './support';

const ROLE = 'arn:aws:iam::123456789012:role/local';

const jsonata = (states: object, startAt = Object.keys(states)[0]) =>
  JSON.stringify({ QueryLanguage: 'JSONata', StartAt: startAt, States: states });

let service: StepFunctionsService;
let sfn: SFNClient;

beforeAll(async () => {
  service = await startStepFunctionsService({ integrations: { resolve: () => undefined } });
  sfn = localSfnClient(service.endpoint);
});

afterAll(async () => {
  sfn.destroy();
  await service.stop();
});

const waitUntilDone = (executionArn: string) => waitForExecution(sfn, executionArn, 5);

describe('the service over the local engine', () => {
  test('Given a JSONata Pass machine, When an execution runs, Then output and history come back as AWS shapes', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'greet',
        roleArn: ROLE,
        definition: jsonata({
          Greet: { Type: 'Pass', Output: { hello: '{% $states.input.name %}' }, End: true },
        }),
      }),
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'first', input: '{"name":"Ada"}' }),
    );
    const described = await waitUntilDone(executionArn as string);
    expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"hello":"Ada"}' });
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events?.map((e) => [e.type, e.id, e.previousEventId])).toEqual([
      ['ExecutionStarted', 1, 0],
      ['PassStateEntered', 2, 0],
      ['PassStateExited', 3, 2],
      ['ExecutionSucceeded', 4, 3],
    ]);
    expect(events?.[2]?.stateExitedEventDetails).toMatchObject({ name: 'Greet', output: '{"hello":"Ada"}' });
  });

  test('fails with InvalidDefinition when a Next target is missing', async () => {
    const definition = jsonata({ A: { Type: 'Pass', Next: 'Nowhere' } });
    await expect(
      sfn.send(new CreateStateMachineCommand({ name: 'broken', roleArn: ROLE, definition })),
    ).rejects.toMatchObject({
      name: 'InvalidDefinition',
      message: expect.stringMatching(/^Invalid State Machine Definition: '/),
    });
  });

  test('Given an EXPRESS machine ending in Fail, When run synchronously, Then status FAILED carries the Fail state error and cause', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'refuse',
        roleArn: ROLE,
        type: 'EXPRESS',
        definition: jsonata({
          No: { Type: 'Fail', Error: 'Refused', Cause: '{% "for " & $states.input.who %}' },
        }),
      }),
    );
    const response = await sfn.send(
      new StartSyncExecutionCommand({ stateMachineArn, input: '{"who":"Bob"}' }),
    );
    expect(response).toMatchObject({ status: 'FAILED', error: 'Refused', cause: 'for Bob' });
  });

  test('Given a long Wait, When the execution is stopped, Then it ends ABORTED with an ExecutionAborted event', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'sleeper',
        roleArn: ROLE,
        definition: jsonata({ Sleep: { Type: 'Wait', Seconds: 3600, End: true } }),
      }),
    );
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Manual', cause: 'test' }));
    const described = await waitUntilDone(executionArn as string);
    expect(described).toMatchObject({ status: 'ABORTED' });
    const { events } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
    );
    expect(events?.[0]).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'Manual', cause: 'test' },
    });
  });
});
