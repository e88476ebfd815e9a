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
    const payment = this.exampleFunction('Payment', 'payment');
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
    const shipping = this.exampleFunction('Shipping', 'shipping');
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
  /**
   * An example business function from `handlers/<handler>.ts`, with its own log group and a role
   * that may only write to it. Construct ids: `<id>`, `<id>Logs`, `<id>Role`.
   */
  private exampleFunction(id: string, handler: string): lambda.IFunction {
    const functionLogs = new logs.LogGroup(this, `${id}Logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the example ${handler} function; it may only write its own logs.`,
    });
    functionLogs.grantWrite(role);
    return new nodejs.NodejsFunction(this, id, {
      entry: path.join(__dirname, '..', 'handlers', `${handler}.ts`),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      role,
      logGroup: functionLogs,
      bundling: { minify: true, sourceMap: false, forceDockerBundling: false },
    });
  }
}
