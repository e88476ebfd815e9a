import { Duration, Names, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ReleasePlan } from '../plan';
import { newDeadLetterQueue } from '../sources/eventbridge-source';

/** Props of {@link OrphanedLeaseRelease}. */
export interface OrphanedLeaseReleaseProps {
  /** The idempotent workflow (STANDARD: only STANDARD workflows emit status-change events). */
  readonly workflow: sfn.IStateMachine;
  /** The idempotency table the workflow writes (the one the plan was made for). */
  readonly table: dynamodb.ITable;
  /** The workflow plan's release: its definition, substitutions, actions and rule pattern. */
  readonly release: ReleasePlan;
  /**
   * What happens to the release workflow's log group when it leaves the stack (its name is fixed).
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * How long the release workflow's log group keeps events.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Releases leases left by executions that ended FAILED, TIMED_OUT or ABORTED without running the
 * workflow's own release step: an EventBridge rule on Step Functions execution status changes
 * starts a small JSONata workflow that waits until the business task timeout has passed since the
 * execution stopped (stopping an execution does not stop its Lambda invocation), then deletes the
 * record only if it is still INPROGRESS and owned by that execution. Its timeout is the
 * definition's own `TimeoutSeconds` (CDK's `timeout` prop does not apply to a string definition).
 */
export class OrphanedLeaseRelease extends Construct {
  /** The release workflow. */
  public readonly stateMachine: sfn.StateMachine;
  /** The rule matching the workflow's failed, timed-out and aborted executions. */
  public readonly rule: events.Rule;
  /** Its log group (no execution data). */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: OrphanedLeaseReleaseProps) {
    super(scope, id);
    const { release } = props;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // Under /aws/vendedlogs/, log delivery adds nothing to the account's CloudWatch Logs resource
      // policy, whose size is limited.
      logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(this, { maxLength: 200 })}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'Deletes an orphaned INPROGRESS idempotency record',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...release.tableActions], resources: [props.table.tableArn] }),
    );
    props.table.encryptionKey?.grant(role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*');

    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      definitionBody: sfn.DefinitionBody.fromString(release.definition),
      definitionSubstitutions: release.substitutions,
      stateMachineType: sfn.StateMachineType.STANDARD,
      role,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: 'Releases idempotency keys of failed, timed-out and aborted executions',
    });

    Validations.of(role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the CloudWatch Logs delivery actions (logs:CreateLogDelivery and friends) and X-Ray ' +
        'PutTraceSegments/PutTelemetryRecords, which AWS only accepts on resource "*"; DeleteItem is scoped to the table.',
    });

    const pattern = release.eventPattern(props.workflow.stateMachineArn);
    this.rule = new events.Rule(this, 'Rule', {
      description: 'Failed, timed-out and aborted executions of the idempotent workflow',
      eventPattern: {
        source: [...pattern.source],
        detailType: [...pattern['detail-type']],
        detail: pattern.detail,
      },
    });
    this.rule.addTarget(
      new targets.SfnStateMachine(this.stateMachine, {
        deadLetterQueue: newDeadLetterQueue(this, 'DeadLetterQueue'),
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
    );
  }
}
