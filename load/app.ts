/**
 * The load test's CDK app (`npm run load`): one business function that writes its side effects to
 * ledgers of its own, behind four idempotent workflows built with the blueprint's construct exactly
 * as a user would (lib/index.ts): with the key passed downstream (`payloadShape: 'ENVELOPE'`) or
 * the bare event, each with `inProgressPolicy: 'FAIL'` (a redelivery that meets a held key is told
 * to come back later; what `npm run load` drives by default) and with the default 'SUCCEED' (it is
 * answered as done: `--in-progress succeed` measures what that loses). Short business timeout, so
 * leases and the release workflow's wait are short. Development only: nothing here is deployed by
 * bin/app.ts.
 */
import * as path from 'node:path';
import { App, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { IdempotentWorkflow } from '../lib';
import {
  LOAD_BUSINESS_TIMEOUT_SECONDS,
  LOAD_KEY_EXPRESSION,
  LOAD_OUTPUTS,
  LOAD_WORKFLOWS,
  type LoadWorkflow,
} from './constants';

const app = new App();
const stack = new Stack(app, 'IdempotencyLoad');

const table = (id: string) =>
  new dynamodb.Table(stack, id, {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    removalPolicy: RemovalPolicy.DESTROY,
  });
const ledger = table('Ledger');
const calls = table('Calls');

const business = new nodejs.NodejsFunction(stack, 'LedgerFunction', {
  entry: path.join(__dirname, 'ledger-handler.ts'),
  handler: 'handler',
  runtime: lambda.Runtime.NODEJS_22_X,
  timeout: Duration.seconds(LOAD_BUSINESS_TIMEOUT_SECONDS),
  environment: { LEDGER_TABLE: ledger.tableName, CALLS_TABLE: calls.tableName },
  bundling: { minify: true, sourceMap: false, forceDockerBundling: false, externalModules: [] },
});
ledger.grantWriteData(business);
calls.grantWriteData(business);

const [first, ...others] = LOAD_WORKFLOWS;
if (first === undefined) throw new Error('the load app has workflows');
const workflowProps = (workflow: LoadWorkflow) => ({
  businessFunction: business,
  idempotencyKey: LOAD_KEY_EXPRESSION,
  keyPrefix: workflow.keyPrefix,
  payloadShape: workflow.withKey ? ('ENVELOPE' as const) : ('EVENT' as const),
  inProgressPolicy: workflow.inProgressPolicy,
  monitoring: false,
  logRemovalPolicy: RemovalPolicy.DESTROY,
});
// One idempotency table: the first workflow creates it, the others use it (their prefixes differ).
const owner = new IdempotentWorkflow(stack, first.id, {
  ...workflowProps(first),
  tableProps: { removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false },
});
new CfnOutput(stack, first.output, { value: owner.stateMachine.stateMachineArn });
for (const workflow of others) {
  const built = new IdempotentWorkflow(stack, workflow.id, {
    ...workflowProps(workflow),
    table: owner.table,
  });
  new CfnOutput(stack, workflow.output, { value: built.stateMachine.stateMachineArn });
}

new CfnOutput(stack, LOAD_OUTPUTS.idempotencyTable, { value: owner.table.tableName });
new CfnOutput(stack, LOAD_OUTPUTS.ledger, { value: ledger.tableName });
new CfnOutput(stack, LOAD_OUTPUTS.calls, { value: calls.tableName });
new CfnOutput(stack, LOAD_OUTPUTS.businessFunction, { value: business.functionName });
