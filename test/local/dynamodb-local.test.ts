import { execFileSync } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  createIdempotencyTable,
  JavaNotFoundError,
  LOCAL_AWS_CONFIG,
  startDynamoDbLocal,
} from '../../lib/local/dynamodb-local';

function jvmRunningOn(port: number): boolean {
  try {
    const out = execFileSync('pgrep', [
      '-f',
      `DynamoDBLocal.jar -inMemory -sharedDb -disableTelemetry -port ${port}`,
    ]);
    return out.toString().trim().length > 0;
  } catch {
    return false;
  }
}

describe('DynamoDB Local launcher', () => {
  test('Given Java 17, when started, then it answers the DynamoDB API; when stopped, then its JVM is gone', async () => {
    const local = await startDynamoDbLocal();
    const client = new DynamoDBClient({ ...LOCAL_AWS_CONFIG, endpoint: local.endpoint });
    try {
      await createIdempotencyTable(local.endpoint, 'idempotency');
      const tables = await client.send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual(['idempotency']);
      expect(jvmRunningOn(local.port)).toBe(true);
    } finally {
      client.destroy();
      await local.stop();
    }
    expect(jvmRunningOn(local.port)).toBe(false);
    await local.stop();
  });

  test('fails when Java is not on PATH, saying how to install it', async () => {
    const attempt = startDynamoDbLocal({ env: { ...process.env, PATH: '' } });
    await expect(attempt).rejects.toThrow(JavaNotFoundError);
    await expect(startDynamoDbLocal({ env: { ...process.env, PATH: '' } })).rejects.toThrow(
      /apt-get install -y openjdk-17-jre-headless/,
    );
  });
});
