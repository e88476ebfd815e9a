/**
 * One plan from the options: resolved once, and everything the construct and the local deployment
 * consume (definitions, substitutions, IAM actions, time budget, the release and its rule) derived
 * from that one resolution.
 */
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as definition from '../../lib/definition';
import { IdempotentWorkflow } from '../../lib/idempotent-workflow';
import { planWorkflow } from '../../lib/plan';
import type { StateMachineDefinition, TaskState } from '../../lib/state-machines/asl';
import { recordIdExpression } from '../../lib/state-machines/fragments';
import { StateName } from '../../lib/state-machines/names';
import { SAMPLE } from '../support/engine';
import { renderedDefinition } from '../support/render';

/** The DynamoDB actions the Task states of a definition call, as IAM names them. */
function dynamoDbActionsOf(text: string): string[] {
  const parsed: StateMachineDefinition = JSON.parse(text);
  return Object.values(parsed.States).flatMap((state) => {
    const action =
      state.Type === 'Task' ? /^arn:aws:states:::dynamodb:(\w+)$/.exec((state as TaskState).Resource) : null;
    return action?.[1] ? [`dynamodb:${action[1][0]?.toUpperCase()}${action[1].slice(1)}`] : [];
  });
}

describe('planWorkflow', () => {
  it('resolves the options once', () => {
    const resolve = jest.spyOn(definition, 'resolveDefinitionOptions');
    try {
      planWorkflow({ ...SAMPLE, inProgressPolicy: 'FAIL' });
      expect(resolve).toHaveBeenCalledTimes(1);
    } finally {
      resolve.mockRestore();
    }
  });

  it('keeps the resolved options', () => {
    const plan = planWorkflow({ ...SAMPLE, keyPrefix: 'orders' });
    expect(plan.options).toEqual(definition.resolveDefinitionOptions({ ...SAMPLE, keyPrefix: 'orders' }));
  });

  it('leaves the table and the function to CloudFormation, escaped for the JSON strings they land in', () => {
    const plan = planWorkflow({ tableName: 'records', businessFunctionArn: 'arn:"x"' });
    expect(plan.substitutions).toEqual({ TableName: 'records', BusinessFunctionArn: 'arn:\\"x\\"' });
    expect(
      JSON.parse(renderedDefinition(plan)).States[StateName.RunBusinessLogic].Arguments.FunctionName,
    ).toBe('arn:"x"');
  });

  it.each([
    ['the defaults', {}, false],
    ['a stored result', { duplicateResponse: 'RETURN_STORED_RESULT' as const }, true],
    ['the in-progress policy FAIL', { inProgressPolicy: 'FAIL' as const }, true],
    ['payload validation', { payloadValidationExpression: '$states.input.amount' }, true],
  ])(
    'grants exactly the DynamoDB actions the definition calls, GetItem only when duplicates read (%s)',
    (_name, options, reads) => {
      const plan = planWorkflow({ ...SAMPLE, ...options });
      expect(plan.duplicatesReadRecord).toBe(reads);
      expect([...plan.tableActions].sort()).toEqual([...new Set(dynamoDbActionsOf(plan.definition))].sort());
      expect(plan.tableActions.includes('dynamodb:GetItem')).toBe(reads);
    },
  );

  it('gives the time budget: task timeout, lease and worst-case run', () => {
    expect(planWorkflow(SAMPLE).timeBudget).toEqual({
      businessTaskTimeoutSeconds: 18,
      leaseSeconds: 77,
      worstCaseRunSeconds: 110,
    });
    expect(planWorkflow({ ...SAMPLE, businessTimeoutSeconds: 30, leaseSeconds: 200 }).timeBudget).toEqual({
      businessTaskTimeoutSeconds: 45,
      leaseSeconds: 200,
      worstCaseRunSeconds: 33 + 3 * 45 + 3 + 20,
    });
  });
});

describe('the release in the plan', () => {
  it.each([
    ['STANDARD by default', {}, true],
    ['STANDARD turned off', { releaseOrphanedLeases: false }, false],
    ['EXPRESS', { workflowType: 'EXPRESS' as const }, false],
  ])('is planned for %s: %s', (_name, options, planned) => {
    expect(planWorkflow({ ...SAMPLE, ...options }).release !== undefined).toBe(planned);
  });

  it('deletes with the workflow’s own record-id fragment, on the same table, and may do nothing else', () => {
    const plan = planWorkflow({ ...SAMPLE, keyExpression: '$states.input.id', keyPrefix: 'orders' });
    expect(plan.release?.definition).toContain(recordIdExpression(plan.options));
    expect(plan.release?.substitutions).toEqual({ TableName: plan.substitutions.TableName });
    expect(plan.release?.tableActions).toEqual(['dynamodb:DeleteItem']);
    expect(dynamoDbActionsOf(plan.release?.definition ?? '')).toEqual(['dynamodb:DeleteItem']);
  });

  it('is started by a rule on the failed, timed-out and aborted executions of the workflow', () => {
    const release = planWorkflow(SAMPLE).release;
    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';
    expect(release?.orphaningStatuses).toEqual(['FAILED', 'TIMED_OUT', 'ABORTED']);
    expect(release?.eventPattern(arn)).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [arn] },
    });
  });
});

describe('IdempotentWorkflow and the plan', () => {
  it('resolves the options once per construct: validation plans, the constructor binds the table to that plan', () => {
    const resolve = jest.spyOn(definition, 'resolveDefinitionOptions');
    try {
      const stack = new Stack();
      const fn = new lambda.Function(stack, 'Fn', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => ({})'),
      });
      new IdempotentWorkflow(stack, 'Orders', {
        businessFunction: fn,
        duplicateResponse: 'RETURN_STORED_RESULT',
      });
      expect(resolve).toHaveBeenCalledTimes(1);
    } finally {
      resolve.mockRestore();
    }
  });

  it('bindTo changes only the values CloudFormation fills in', () => {
    const plan = planWorkflow({ ...SAMPLE, keyPrefix: 'orders' });
    const bound = plan.bindTo({
      tableName: 'other',
      businessFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:f',
    });
    expect(bound.definition).toBe(plan.definition);
    expect(bound.substitutions).toEqual({
      TableName: 'other',
      BusinessFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:f',
    });
    expect(bound.release?.substitutions).toEqual({ TableName: 'other' });
    expect(bound.options).toEqual({
      ...plan.options,
      tableName: 'other',
      businessFunctionArn: 'arn:aws:lambda:eu-west-1:1:function:f',
    });
  });
});
