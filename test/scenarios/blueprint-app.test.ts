/**
 * The blueprint's own CDK app (bin/app.ts → lib/blueprint-stack.ts) on the local runtime, deployed
 * from its cloud assembly as `npm start` deploys it: the payment and shipping workflows on one
 * shared table, with the same record ids and payloads as on AWS.
 */
import { formatDeployment, type InvokeInfo } from '@sfn-idempotency/local-runtime';
import { StateName } from '../../lib/state-machines/names';
import { type AppRuntime, BLUEPRINT_OUTPUTS, blueprintTargets, outputOf, startApp } from '../../local/app';
import { businessFunctionOf } from '../../local/demo';
import { enteredStates, getRecord, lambdaInvokesScheduled, runExecution } from './support';

const NEW_EVENT_PATH = [
  StateName.ClaimIdempotencyKey,
  StateName.RunBusinessLogic,
  StateName.RecordCompletion,
  StateName.Processed,
];
const DUPLICATE_PATH = [StateName.ClaimIdempotencyKey, StateName.AlreadyProcessed];

let runtime: AppRuntime;

beforeAll(async () => {
  runtime = await startApp({ print: false, onLambdaLog: () => {} });
}, 180_000);

afterAll(async () => {
  await runtime?.stop();
});

describe('Given the blueprint app deployed from its cloud assembly', () => {
  test('Then both workflows run with their release workflows and rules, on one shared table, and the rest is reported per type with a reason', () => {
    const { deployment } = runtime;
    const targets = blueprintTargets(deployment);

    expect(deployment.problems).toEqual([]);
    expect(targets.workflows.map((w) => [w.label, w.stateMachine.type])).toEqual([
      ['payment', 'STANDARD'],
      ['shipping', 'STANDARD'],
    ]);
    expect(deployment.tables.map((t) => t.name)).toEqual([targets.tableName]);
    expect(outputOf(deployment, BLUEPRINT_OUTPUTS.table)).toBe(targets.tableName);
    expect(deployment.functions).toHaveLength(2);
    // Each STANDARD workflow's orphaned-lease release and its status-change rule come from the app.
    expect(deployment.stateMachines).toHaveLength(4);
    expect(deployment.rules.map((r) => [r.kind, r.enabled])).toEqual([
      ['status-change', true],
      ['status-change', true],
    ]);
    const text = formatDeployment(deployment);
    expect(text).toMatch(/Not emulated locally\n/);
    expect(text).toMatch(/\n {2}AWS::IAM::Role ×\d+ \(permissions are not checked locally\)\n/);
    expect(text).toMatch(/\n {2}AWS::CloudWatch::Alarm ×\d+ \(no local metrics/);
    for (const entry of deployment.notEmulated) expect(entry.reason).not.toBe('');
  });
});

describe('Given an order sent twice to each workflow', () => {
  test('When the duplicates arrive, Then each is answered by the guard without an invoke, and the records read payments#<orderId> and shipping#<orderId> in the one table', async () => {
    const targets = blueprintTargets(runtime.deployment);
    const arn = (label: string) => targets.workflows.find((w) => w.label === label)?.stateMachine.arn ?? '';
    const [paymentFunction, shippingFunction] = await Promise.all(
      ['payment', 'shipping'].map((label) => businessFunctionOf(runtime.clients.sfn, arn(label))),
    );
    const invocations: InvokeInfo[] = [];
    runtime.lambda.setBeforeInvoke((info) => {
      invocations.push(info);
    });
    const event = {
      detail: {
        orderId: 'ba-1',
        amount: 4250,
        currency: 'EUR',
        card: 'tok_visa',
        country: 'DE',
        weightGrams: 900,
      },
    };

    const payment = await runExecution(runtime.clients.sfn, arn('payment'), event);
    const paymentAgain = await runExecution(runtime.clients.sfn, arn('payment'), event);
    const shipping = await runExecution(runtime.clients.sfn, arn('shipping'), event);
    const shippingAgain = await runExecution(runtime.clients.sfn, arn('shipping'), event);
    runtime.lambda.setBeforeInvoke(undefined);

    expect(enteredStates(payment.events)).toEqual(NEW_EVENT_PATH);
    expect(enteredStates(paymentAgain.events)).toEqual(DUPLICATE_PATH);
    expect(lambdaInvokesScheduled(paymentAgain.events)).toBe(0);
    expect(enteredStates(shipping.events)).toEqual(NEW_EVENT_PATH);
    expect(enteredStates(shippingAgain.events)).toEqual(DUPLICATE_PATH);
    expect(lambdaInvokesScheduled(shippingAgain.events)).toBe(0);
    // One invocation per workflow, each of its own function.
    expect(invocations.map((i) => i.functionName)).toEqual([paymentFunction, shippingFunction]);
    // The payment function gets the ENVELOPE and uses the idempotency key as its client token;
    // the shipping function gets the event itself.
    expect(JSON.parse(invocations[0]?.payload ?? '{}')).toEqual({ idempotencyKey: 'payments#ba-1', event });
    expect(payment.output).toMatchObject({
      orderId: 'ba-1',
      status: 'CAPTURED',
      clientToken: 'payments#ba-1',
    });
    expect(JSON.parse(invocations[1]?.payload ?? '{}')).toEqual(event);
    expect(shipping.output).toMatchObject({ orderId: 'ba-1', service: 'PARCEL', country: 'DE' });
    expect(paymentAgain.output).toEqual({ duplicate: true, idempotencyKey: 'payments#ba-1' });

    const paymentRecord = await getRecord(runtime.clients.dynamodb, targets.tableName, 'payments#ba-1');
    const shippingRecord = await getRecord(runtime.clients.dynamodb, targets.tableName, 'shipping#ba-1');
    expect(paymentRecord).toMatchObject({
      status: { S: 'COMPLETED' },
      execution: { S: payment.executionArn },
    });
    expect(shippingRecord).toMatchObject({
      status: { S: 'COMPLETED' },
      execution: { S: shipping.executionArn },
    });
  });
});
