/**
 * Behaviour of the blueprint when AWS services misbehave in ways the local services cannot be
 * asked to: the very definition runs on the local engine against DynamoDB Local, with faults
 * injected in front of the integrations (throttling that AWS reports as
 * DynamoDB.AmazonDynamoDBException, a business invocation Step Functions stops waiting for).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type HistoryEvent,
  type Integration,
  LOCAL_AWS_CONFIG,
  StateMachine,
  StatesError,
  type TaskCall,
  useLocalServices,
} from '@sfn-idempotency/local-runtime';
import type { DefinitionOptions } from '../../lib/definition';
import { planWorkflow } from '../../lib/plan';
import { IdempotencyError, StateName } from '../../lib/state-machines/names';
import { renderedDefinition } from '../support/render';
import { getRecord } from './support';

const TABLE = 'faults';
const WORKFLOW_ARN = 'arn:aws:states:us-east-1:111111111111:stateMachine:orders';
const OPTIONS: DefinitionOptions = {
  tableName: TABLE,
  businessFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:orders',
  keyExpression: '$states.input.orderId',
  keyPrefix: 'orders',
};

/** What AWS reports for a DynamoDB error code that has no exception class of its own. */
function unmodeled(code: string, status = 400): StatesError {
  return new StatesError(
    'DynamoDB.AmazonDynamoDBException',
    `Rate of requests exceeds the allowed throughput. (Service: AmazonDynamoDBv2; Status Code: ${status}; Error Code: ${code}; Request ID: R1; Proxy: null)`,
  );
}

type Fault = (call: TaskCall) => StatesError | undefined;

describe('the blueprint under service faults, on the local engine', () => {
  const services = useLocalServices({ dynamodb: { tables: { [TABLE]: {} } } });
  let client: DynamoDBClient;
  let runs = 0;
  /** Faults by action (`putItem`, `updateItem`, `deleteItem`, `invoke`); each returns the error to throw, if any. */
  let faults: Record<string, Fault> = {};
  /** What the business function answers, or never (until the task is aborted). */
  let business: (call: TaskCall) => Promise<unknown>;
  let businessCalls = 0;

  beforeAll(() => {
    client = new DynamoDBClient({ ...LOCAL_AWS_CONFIG, endpoint: services().dynamodb?.endpoint });
  });
  afterAll(() => client.destroy());
  beforeEach(() => {
    faults = {};
    businessCalls = 0;
    business = async (call) => ({
      Payload: { ok: true, orderId: (call.parameters as { Payload: { orderId: string } }).Payload.orderId },
      StatusCode: 200,
    });
  });

  function registry() {
    const local = services().integrations;
    return {
      resolve(resource: string): Integration | undefined {
        if (resource === 'arn:aws:states:::lambda:invoke') {
          return {
            resourceType: 'lambda',
            resource: 'invoke',
            invoke: (call) => {
              businessCalls++;
              return business(call);
            },
          };
        }
        const real = local.resolve(resource);
        if (real === undefined) return undefined;
        return {
          ...real,
          invoke: async (call) => {
            const fault = faults[real.resource]?.(call);
            if (fault) throw fault;
            return real.invoke(call);
          },
        };
      },
    };
  }

  async function run(
    definition: string,
    input: unknown,
  ): Promise<{
    status: string;
    error?: string;
    cause?: string;
    entered: string[];
    events: readonly HistoryEvent[];
  }> {
    runs++;
    const machine = StateMachine.create(definition, { integrations: registry() });
    const execution = machine.start(input, {
      executionArn: `arn:aws:states:us-east-1:111111111111:execution:orders:run-${runs}`,
      name: `run-${runs}`,
      stateMachineArn: WORKFLOW_ARN,
      stateMachineName: 'orders',
      roleArn: 'arn:aws:iam::111111111111:role/orders',
      // Retry and Wait pauses at a hundredth of their length.
      timeScale: 0.01,
    });
    const result = await execution.done;
    const entered = execution.events.flatMap((e) => {
      const name = (e.stateEnteredEventDetails as { name?: string } | undefined)?.name;
      return e.type.endsWith('StateEntered') && name ? [name] : [];
    });
    return {
      status: result.status,
      error: result.error,
      cause: result.cause,
      entered,
      events: execution.events,
    };
  }

  const record = (id: string) => getRecord(client, TABLE, id);

  /** Fails the first `times` calls with `error`. */
  function failing(times: number, error: () => StatesError): Fault {
    let left = times;
    return () => {
      if (left <= 0) return undefined;
      left--;
      return error();
    };
  }

  test('Given DynamoDB throttles the claim with an unmodeled code, When the event is sent, Then the claim is tried again after a pause and the event is processed once', async () => {
    faults.putItem = failing(2, () => unmodeled('ThrottlingException'));

    const execution = await run(renderedDefinition(planWorkflow(OPTIONS)), { orderId: 'claim-1' });

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.ClassifyRejectedClaim,
      StateName.WaitBeforeClaimingAgain,
      StateName.ClaimIdempotencyKey,
      StateName.ClassifyRejectedClaim,
      StateName.WaitBeforeClaimingAgain,
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.RecordCompletion,
      StateName.Processed,
    ]);
    expect(businessCalls).toBe(1);
    expect((await record('orders#claim-1'))?.status?.S).toBe('COMPLETED');
  });

  test('Given DynamoDB keeps answering the claim with a 5xx past the retry window, When the event is sent, Then it fails with DynamoDB’s error, not as an invalid key', async () => {
    faults.putItem = () => unmodeled('InternalFailure', 500);
    // The window is measured from the execution start, which the engine does not scale: use a start in the past.
    const definition = renderedDefinition(planWorkflow(OPTIONS)).replaceAll(
      '$toMillis($states.context.Execution.StartTime)',
      '($toMillis($states.context.Execution.StartTime) - 60000)',
    );

    const execution = await run(definition, { orderId: 'claim-2' });

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('DynamoDB.AmazonDynamoDBException');
    expect(execution.cause).toContain('Error Code: InternalFailure');
    expect(execution.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.ClassifyRejectedClaim,
      StateName.ClaimFailed,
    ]);
    expect(businessCalls).toBe(0);
  });

  test('Given DynamoDB rejects the claim as invalid (ValidationException), When the key is valid, Then it fails at once in ClaimFailed without claiming again', async () => {
    faults.putItem = () =>
      new StatesError(
        'DynamoDB.AmazonDynamoDBException',
        'One or more parameter values were invalid (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ValidationException; Request ID: R2; Proxy: null)',
      );

    const execution = await run(renderedDefinition(planWorkflow(OPTIONS)), { orderId: 'claim-3' });

    expect(execution.status).toBe('FAILED');
    expect(execution.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.ClassifyRejectedClaim,
      StateName.ClaimFailed,
    ]);
    expect(execution.cause).toContain('ValidationException');
  });

  test('Given DynamoDB throttles the completion write with an unmodeled code, When the business logic succeeded, Then the write is retried and the record is COMPLETED', async () => {
    faults.updateItem = failing(2, () => unmodeled('ThrottlingException'));

    const execution = await run(renderedDefinition(planWorkflow(OPTIONS)), { orderId: 'complete-1' });

    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.RecordCompletion,
      StateName.Processed,
    ]);
    const failures = execution.events.filter((e) => e.type === 'TaskFailed');
    expect(failures).toHaveLength(2);
    expect(businessCalls).toBe(1);
    expect((await record('orders#complete-1'))?.status?.S).toBe('COMPLETED');
  });

  test('Given DynamoDB throttles the release with an unmodeled code, When the business function failed, Then the release is retried and the key is free', async () => {
    faults.deleteItem = failing(1, () => unmodeled('ThrottlingException'));
    business = async () => {
      throw new StatesError('OrderRejected', '{"errorType":"OrderRejected"}');
    };

    const execution = await run(renderedDefinition(planWorkflow(OPTIONS)), { orderId: 'release-1' });

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('OrderRejected');
    expect(execution.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.ReleaseIdempotencyKey,
      StateName.BusinessLogicFailed,
    ]);
    expect(await record('orders#release-1')).toBeUndefined();
  });

  test('Given Step Functions stops waiting for the business invocation (States.Timeout), When the task times out, Then the key stays claimed INPROGRESS and the execution fails with Idempotency.BusinessOutcomeUnknown', async () => {
    // An invocation that outlives the task timeout: it never answers.
    business = () => new Promise(() => {});
    // The same definition with a 1 s task timeout (the engine does not scale task timeouts).
    const parsed = JSON.parse(renderedDefinition(planWorkflow(OPTIONS)));
    parsed.States[StateName.RunBusinessLogic].TimeoutSeconds = 1;
    const definition = JSON.stringify(parsed);

    const execution = await run(definition, { orderId: 'timeout-1' });
    const redelivery = await run(renderedDefinition(planWorkflow(OPTIONS)), { orderId: 'timeout-1' });

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe(IdempotencyError.BusinessOutcomeUnknown);
    expect(execution.cause).toContain('States.Timeout');
    expect(execution.entered).toEqual([
      StateName.ClaimIdempotencyKey,
      StateName.RunBusinessLogic,
      StateName.BusinessOutcomeUnknown,
    ]);
    const kept = await record('orders#timeout-1');
    expect(kept?.status?.S).toBe('INPROGRESS');
    expect(kept?.execution?.S).toBe(`arn:aws:states:us-east-1:111111111111:execution:orders:run-${runs - 1}`);
    expect(redelivery.status).toBe('SUCCEEDED');
    expect(redelivery.entered).toEqual([StateName.ClaimIdempotencyKey, StateName.AlreadyProcessed]);
    expect(businessCalls).toBe(1);
  });
});
