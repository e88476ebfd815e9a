/**
 * The README runbook's redrive, run as an operator would: a STANDARD execution of the blueprint fails
 * at RecordCompletion after RunBusinessLogic succeeded (DynamoDB kept throttling past the retries), and
 * `RedriveExecution` restarts it at the failed state, so it completes without calling the function again.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  type Integration,
  LOCAL_AWS_CONFIG,
  StatesError,
  type StepFunctionsService,
  startStepFunctionsService,
  useLocalServices,
  waitForExecution,
} from '@sfn-idempotency/local-runtime';
import type { DefinitionOptions } from '../../lib/definition';
import { planWorkflow } from '../../lib/plan';
import { StateName } from '../../lib/state-machines/names';
import { renderedDefinition } from '../support/render';
import { getRecord } from './support';

const TABLE = 'runbook';
const OPTIONS: DefinitionOptions = {
  tableName: TABLE,
  businessFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders',
  keyExpression: '$states.input.orderId',
  keyPrefix: 'orders',
};

const throttled = () =>
  new StatesError(
    'DynamoDB.AmazonDynamoDBException',
    'Rate of requests exceeds the allowed throughput. (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ThrottlingException; Request ID: R1; Proxy: null)',
  );

describe('the runbook: redrive a failed STANDARD execution', () => {
  const services = useLocalServices({ dynamodb: { tables: { [TABLE]: {} } } });
  let service: StepFunctionsService;
  let sfn: SFNClient;
  let ddb: DynamoDBClient;
  let throttleUpdates = false;
  let businessCalls = 0;

  beforeAll(async () => {
    const local = services().integrations;
    const business: Integration = {
      resourceType: 'lambda',
      resource: 'invoke',
      invoke: async (call) => {
        businessCalls++;
        return {
          Payload: { ok: true, echo: (call.parameters as { Payload: unknown }).Payload },
          StatusCode: 200,
        };
      },
    };
    service = await startStepFunctionsService({
      timeScale: 0.01,
      integrations: {
        resolve(resource) {
          if (resource === 'arn:aws:states:::lambda:invoke') return business;
          const real = local.resolve(resource);
          if (real === undefined) return undefined;
          return {
            ...real,
            invoke: async (call) => {
              if (throttleUpdates && real.resource === 'updateItem') throw throttled();
              return real.invoke(call);
            },
          };
        },
      },
    });
    sfn = new SFNClient({ ...LOCAL_AWS_CONFIG, endpoint: service.endpoint });
    ddb = new DynamoDBClient({ ...LOCAL_AWS_CONFIG, endpoint: services().dynamodb?.endpoint });
  });
  afterAll(async () => {
    sfn.destroy();
    ddb.destroy();
    await service.stop();
  });

  test('Given RecordCompletion failed after RunBusinessLogic succeeded, When the execution is redriven, Then it completes at RecordCompletion without invoking the function again', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'orders',
        roleArn: 'arn:aws:iam::123456789012:role/orders',
        definition: renderedDefinition(planWorkflow(OPTIONS)),
      }),
    );
    throttleUpdates = true;
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: 'o-1001',
        input: JSON.stringify({ orderId: 'o-1001' }),
      }),
    );
    const failed = await waitForExecution(sfn, executionArn as string, 30);
    expect(failed).toMatchObject({ status: 'FAILED', redriveStatus: 'REDRIVABLE', redriveCount: 0 });
    expect(businessCalls).toBe(1);

    // The runbook: DynamoDB recovered; `aws stepfunctions redrive-execution --execution-arn <execution>`.
    throttleUpdates = false;
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const redriven = await waitForExecution(sfn, executionArn as string, 30);

    expect(redriven).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(businessCalls).toBe(1);
    expect((await getRecord(ddb, TABLE, 'orders#o-1001'))?.status?.S).toBe('COMPLETED');
    const { events = [] } = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
    );
    const afterRedrive = events.slice(events.findIndex((e) => e.type === 'ExecutionRedriven'));
    expect(afterRedrive[1]?.stateEnteredEventDetails?.name).toBe(StateName.RecordCompletion);
    expect(
      afterRedrive.flatMap((e) =>
        e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : [],
      ),
    ).not.toContain(StateName.RunBusinessLogic);
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({
      redriveStatus: 'NOT_REDRIVABLE',
    });
  });
});
