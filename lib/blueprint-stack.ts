import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { IdempotentWorkflow } from './idempotent-workflow';

/** The deployable blueprint: the example payment Lambda behind an idempotent workflow. */
export class IdempotencyBlueprintStack extends Stack {
  public readonly workflow: IdempotentWorkflow;
  public readonly paymentFunction: lambda.IFunction;
  /** The second example: shipping, sharing the payment workflow's table under the prefix `shipping`. */
  public readonly shippingWorkflow: IdempotentWorkflow;
  public readonly shippingFunction: lambda.IFunction;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // --- The business Lambda (any lambda.IFunction can take its place) --------------------
    const functionLogs = new logs.LogGroup(this, 'PaymentLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const functionRole = new iam.Role(this, 'PaymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the example payment function; it may only write its own logs.',
    });
    functionLogs.grantWrite(functionRole);
    const payment = new nodejs.NodejsFunction(this, 'Payment', {
      entry: path.join(__dirname, '..', 'handlers', 'payment.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      role: functionRole,
      logGroup: functionLogs,
      bundling: { minify: true, sourceMap: false, forceDockerBundling: false },
    });
    this.paymentFunction = payment;

    // --- The idempotent workflow around it ------------------------------------------------
    this.workflow = new IdempotentWorkflow(this, 'PaymentWorkflow', {
      businessFunction: payment,
      idempotencyKey: '$states.input.detail.orderId',
      keyPrefix: 'payments',
      payloadShape: 'ENVELOPE',
      // Idempotency records are disposable: keep the blueprint easy to tear down and deploy again
      // (the execution log groups have fixed names, so retained ones would block the next deploy).
      tableProps: { removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false },
      logRemovalPolicy: RemovalPolicy.DESTROY,
    });

    // --- A second business function: one workflow per function, one shared table -------------
    const shippingLogs = new logs.LogGroup(this, 'ShippingLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const shippingRole = new iam.Role(this, 'ShippingRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the example shipping function; it may only write its own logs.',
    });
    shippingLogs.grantWrite(shippingRole);
    const shipping = new nodejs.NodejsFunction(this, 'Shipping', {
      entry: path.join(__dirname, '..', 'handlers', 'shipping.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      role: shippingRole,
      logGroup: shippingLogs,
      bundling: { minify: true, sourceMap: false, forceDockerBundling: false },
    });
    this.shippingFunction = shipping;
    this.shippingWorkflow = new IdempotentWorkflow(this, 'ShippingWorkflow', {
      businessFunction: shipping,
      idempotencyKey: '$states.input.detail.orderId',
      keyPrefix: 'shipping',
      table: this.workflow.table,
      logRemovalPolicy: RemovalPolicy.DESTROY,
    });

    new CfnOutput(this, 'StateMachineArn', {
      value: this.workflow.stateMachine.stateMachineArn,
      description: 'Start executions here with the order event as input',
    });
    new CfnOutput(this, 'ShippingStateMachineArn', {
      value: this.shippingWorkflow.stateMachine.stateMachineArn,
      description: 'The shipping workflow: same order events, same table, records under shipping#<orderId>',
    });
    new CfnOutput(this, 'TableName', {
      value: this.workflow.table.tableName,
      description: 'The idempotency records',
    });
    new CfnOutput(this, 'ConsoleLink', {
      value: `https://${this.region}.console.aws.amazon.com/states/home?region=${this.region}#/statemachines/view/${this.workflow.stateMachine.stateMachineArn}`,
      description: 'The state machine in the Step Functions console',
    });
  }
}
