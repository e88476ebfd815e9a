/**
 * The runtime's own deploy methods, beyond what the services' tests cover.
 */
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { type LocalRuntime, startLocalRuntime } from '../src';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({ onLambdaLog: () => {} });
});

afterAll(async () => {
  await runtime?.stop();
});

const PASS = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });

describe('deployStateMachine', () => {
  it.each([
    ['a short name', 'orders'],
    // CloudFormation names a state machine `<logicalId>-<random>`, up to 80 characters.
    [
      'an 80-character name',
      `${'WithoutKeySucceedInProgressStateMachine086C1061'.padEnd(67, 'x')}-JEzbwrklA85e`,
    ],
  ])(
    'creates a machine with %s, under an execution role whose name fits IAM’s 64 characters',
    async (_what, name) => {
      const arn = await runtime.deployStateMachine({ name, definition: PASS });
      const described = await runtime.clients.sfn.send(
        new DescribeStateMachineCommand({ stateMachineArn: arn }),
      );
      expect(described.name).toBe(name);
      const roleName = described.roleArn?.split(':role/')[1] ?? '';
      expect(roleName.length).toBeGreaterThan(0);
      expect(roleName.length).toBeLessThanOrEqual(64);
    },
  );
});
