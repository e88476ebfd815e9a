/**
 * The load test's CDK app (`npm run load`): one business function that writes its side effects to
 * ledgers of its own, behind two idempotent workflows built with the blueprint's construct exactly
 * as a user would (lib/index.ts): one passes the key downstream (`payloadShape: 'ENVELOPE'`), one
 * gives the function the bare event. Short business timeout, so leases and the release workflow's
 * wait are short; `inProgressPolicy: 'FAIL'`, so a redelivery that meets a held key is told to come
 * back later instead of being answered as done. Development only: nothing here is deployed by
 * bin/app.ts.
 */
import * as path from 'node:path';
import { App, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import { IdempotentWorkflow } from '../lib';
import { LOAD_BUSINESS_TIMEOUT_SECONDS, LOAD_KEY, LOAD_OUTPUTS } from './constants';

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

const withKey = new IdempotentWorkflow(stack, 'WithKey', {
  businessFunction: business,
  idempotencyKey: LOAD_KEY.expression,
  keyPrefix: LOAD_KEY.withKey,
  payloadShape: 'ENVELOPE',
  inProgressPolicy: 'FAIL',
  monitoring: false,
  tableProps: { removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false },
  logRemovalPolicy: RemovalPolicy.DESTROY,
});
const withoutKey = new IdempotentWorkflow(stack, 'WithoutKey', {
  businessFunction: business,
  idempotencyKey: LOAD_KEY.expression,
  keyPrefix: LOAD_KEY.withoutKey,
  payloadShape: 'EVENT',
  inProgressPolicy: 'FAIL',
  monitoring: false,
  table: withKey.table,
  logRemovalPolicy: RemovalPolicy.DESTROY,
});

new CfnOutput(stack, LOAD_OUTPUTS.withKey, { value: withKey.stateMachine.stateMachineArn });
new CfnOutput(stack, LOAD_OUTPUTS.withoutKey, { value: withoutKey.stateMachine.stateMachineArn });
new CfnOutput(stack, LOAD_OUTPUTS.idempotencyTable, { value: withKey.table.tableName });
new CfnOutput(stack, LOAD_OUTPUTS.ledger, { value: ledger.tableName });
new CfnOutput(stack, LOAD_OUTPUTS.calls, { value: calls.tableName });
new CfnOutput(stack, LOAD_OUTPUTS.businessFunction, { value: business.functionName });
