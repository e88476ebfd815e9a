import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IdempotencyBlueprintStack } from '../../lib/blueprint-stack';
import { IdempotentWorkflow, type IdempotentWorkflowProps } from '../../lib/idempotent-workflow';

function build(props: Partial<IdempotentWorkflowProps> = {}): Template {
  const stack = new Stack(new App(), 'Logged');
  const businessFunction = new lambda.Function(stack, 'Business', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  new IdempotentWorkflow(stack, 'Orders', { businessFunction, monitoring: false, ...props });
  return Template.fromStack(stack);
}

interface LogGroupResource {
  DeletionPolicy?: string;
  Properties: { LogGroupName?: unknown };
}

/** The execution log groups: the workflow's and the release workflow's (both named by the construct). */
function executionLogGroups(template: Template): Record<string, LogGroupResource> {
  return template.findResources('AWS::Logs::LogGroup', {
    Properties: { LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/') },
  }) as Record<string, LogGroupResource>;
}

describe('IdempotentWorkflow execution log groups (STANDARD, release on)', () => {
  test('given no logRemovalPolicy, then both named log groups are retained when they leave the stack', () => {
    const groups = executionLogGroups(build());
    expect(Object.keys(groups)).toHaveLength(2);
    for (const group of Object.values(groups)) expect(group.DeletionPolicy).toBe('Retain');
  });

  test('given logRemovalPolicy DESTROY, then both are deleted with the stack, so a new deploy can create them again', () => {
    const groups = executionLogGroups(build({ logRemovalPolicy: RemovalPolicy.DESTROY }));
    expect(Object.keys(groups)).toHaveLength(2);
    for (const group of Object.values(groups)) expect(group.DeletionPolicy).toBe('Delete');
  });

  test("then the release workflow's log group is under /aws/vendedlogs/states/ and differs from the workflow's", () => {
    const names = Object.values(executionLogGroups(build())).map((group) => group.Properties.LogGroupName);
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/aws\/vendedlogs\/states\/LoggedOrders[A-Za-z0-9]*OrphanedLeaseRelease/),
      ]),
    );
    expect(new Set(names).size).toBe(2);
  });
});

describe('the blueprint stack (a demo that is torn down and deployed again)', () => {
  const app = new App();
  app.node.setContext('aws:cdk:bundling-stacks', []);
  const template = Template.fromStack(new IdempotencyBlueprintStack(app, 'IdempotencyBlueprint'));

  test('then every log group, named or not, is deleted with the stack', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(groups).length).toBeGreaterThanOrEqual(4);
    const retained = Object.entries(groups).filter(([, group]) => group.DeletionPolicy !== 'Delete');
    expect(retained.map(([id]) => id)).toEqual([]);
  });
});
