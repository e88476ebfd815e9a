/**
 * `npm run bench`'s measuring functions on a tiny run: the counts they read back (transitions,
 * capacity units, invocations, calls before the business function) for the default setting and a
 * stored 10 KB result. Counts only: no timing is asserted.
 */
import {
  type BenchRuntime,
  billedTransitions,
  deploySetting,
  measurePath,
  measureSetting,
  startBenchRuntime,
} from '../../bench/measure';
import { targets } from '../../bench/run';

let bench: BenchRuntime;
beforeAll(async () => {
  bench = await startBenchRuntime();
}, 60_000);
afterAll(async () => {
  await bench?.stop();
});

describe('billedTransitions', () => {
  test('counts states entered and task retries, not the execution start and end', () => {
    const events = [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskFailed',
      'TaskScheduled',
      'TaskSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'ExecutionSucceeded',
    ].map((type) => ({ type }));
    expect(billedTransitions(events as never)).toBe(3);
  });
});

describe('measured per path, default setting', () => {
  test('Given one run of every path, then the counts are the definition’s and every target holds', async () => {
    const paths = await measureSetting(bench, 'default', 1);
    expect(paths.new).toMatchObject({
      status: 'SUCCEEDED',
      transitions: 4,
      writeUnits: 2,
      readUnits: 0,
      lambdaInvocations: 1,
      callsBeforeBusiness: 1,
      dynamoDbCalls: ['PutItem', 'UpdateItem'],
    });
    expect(paths.duplicate).toMatchObject({
      transitions: 2,
      writeUnits: 1,
      lambdaInvocations: 0,
      dynamoDbCalls: ['PutItem:ConditionalCheckFailedException'],
    });
    expect(paths.inProgress).toMatchObject({ transitions: 2, writeUnits: 1, lambdaInvocations: 0 });
    expect(paths.failure).toMatchObject({
      status: 'FAILED',
      transitions: 4,
      writeUnits: 2,
      lambdaInvocations: 1,
      release: { transitions: 5, writeUnits: 1 },
    });
    expect(paths.invalidKey).toMatchObject({
      error: 'Idempotency.KeyMissing',
      transitions: 3,
      writeUnits: 0,
      lambdaInvocations: 0,
    });
    expect(targets(paths).filter((t) => !t.holds)).toEqual([]);
  }, 60_000);

  test('Given a stored 10 KB result, when a duplicate arrives, then its failed claim is sized on the stored record and the read on 10 KB', async () => {
    const deployed = await deploySetting(bench, 'storedResult');
    const duplicate = await measurePath(bench, deployed, 'duplicate');
    expect(duplicate).toMatchObject({ transitions: 4, writeUnits: 11, readUnits: 3, callsBeforeBusiness: 2 });
  }, 60_000);
});
