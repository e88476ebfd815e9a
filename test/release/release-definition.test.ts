import jsonata from 'jsonata';
import {
  ReleaseDefinitionError,
  releaseDefinitionTemplate,
  releaseSubstitutions,
  renderReleaseDefinition,
} from '../../lib/release/release-definition';

// asl-validator ships no type declarations.
const aslValidator = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: () => string;
};

interface AslState {
  Output?: string;
  Assign?: Record<string, string>;
  Arguments?: { Key: { id: { S: string } }; ExpressionAttributeValues: Record<string, { S: string }> };
  Choices?: { Condition: string }[];
}

const ID_EXPRESSION = `'orders#' & $string($states.input.detail.orderId)`;
const FAILED_ARN = 'arn:aws:states:us-east-1:111111111111:execution:idempotent-workflow:run-1';

/** The EventBridge event for a failed execution whose input was an order event. */
function statusChangeEvent(input: string | null): unknown {
  return {
    version: '0',
    source: 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    detail: {
      executionArn: FAILED_ARN,
      stateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:idempotent-workflow',
      status: 'FAILED',
      input,
      inputDetails: { included: input !== null },
    },
  };
}

/** Evaluates a `{% %}` string the way Step Functions does, with its $parse extension. */
async function evaluate(template: string, bindings: Record<string, unknown>): Promise<unknown> {
  const body = /^\{%(.*)%\}$/s.exec(template)?.[1];
  if (body === undefined) throw new Error(`not a JSONata template: ${template}`);
  const expression = jsonata(body);
  expression.registerFunction('parse', (text: string) => JSON.parse(text), '<s:x>');
  return expression.evaluate({}, bindings);
}

describe('renderReleaseDefinition', () => {
  const definition = JSON.parse(
    renderReleaseDefinition({ tableName: 'idempotency', idExpression: ID_EXPRESSION }),
  );
  const states = definition.States as Record<string, AslState>;

  test('then no placeholder is left and the definition is valid ASL', () => {
    expect(JSON.stringify(definition)).not.toMatch(/\$\{\w+\}/);
    const result = aslValidator(definition);
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  test('given a failed execution event, when its input is restored, then the id expression finds the same key', async () => {
    const event = statusChangeEvent(JSON.stringify({ detail: { orderId: 42 } }));
    const carriesInput = await evaluate(states.CheckEventCarriesInput?.Choices?.[0]?.Condition ?? '', {
      states: { input: event },
    });
    const restored = await evaluate(states.RestoreFailedExecutionInput?.Output ?? '', {
      states: { input: event },
    });
    const owner = await evaluate(states.RestoreFailedExecutionInput?.Assign?.failedExecutionArn ?? '', {
      states: { input: event },
    });
    const release = states.ReleaseOrphanedLease?.Arguments;
    const id = await evaluate(release?.Key.id.S ?? '', { states: { input: restored } });
    const execution = await evaluate(release?.ExpressionAttributeValues[':execution']?.S ?? '', {
      failedExecutionArn: owner,
    });

    expect(carriesInput).toBe(true);
    expect(id).toBe('orders#42');
    expect(execution).toBe(FAILED_ARN);
  });

  test('given an event without input (over the event size limit), then the workflow goes to InputNotInEvent', async () => {
    const carriesInput = await evaluate(states.CheckEventCarriesInput?.Choices?.[0]?.Condition ?? '', {
      states: { input: statusChangeEvent(null) },
    });
    expect(carriesInput).toBe(false);
  });

  test('then the delete is conditional on the lease and its owner', () => {
    expect(definition.States.ReleaseOrphanedLease.Arguments.ConditionExpression).toBe(
      '#status = :inprogress AND #execution = :execution',
    );
  });
});

describe('releaseSubstitutions', () => {
  test('given an expression with quotes, then it is JSON-escaped so the definition stays valid JSON', () => {
    const values = releaseSubstitutions({ tableName: 't', idExpression: `"a" & $states.input.id` });
    expect(values.IdempotencyIdExpression).toBe('\\"a\\" & $states.input.id');
    expect(() =>
      JSON.parse(renderReleaseDefinition({ tableName: 't', idExpression: `"a" & $x` })),
    ).not.toThrow();
  });

  test('then the file uses exactly the placeholders the substitutions supply', () => {
    const used = new Set([...releaseDefinitionTemplate().matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));
    expect([...used].sort()).toEqual(
      Object.keys(releaseSubstitutions({ tableName: 't', idExpression: 'x' })).sort(),
    );
  });

  test('fails when the id expression is empty', () => {
    expect(() => releaseSubstitutions({ tableName: 't', idExpression: ' ' })).toThrow(ReleaseDefinitionError);
  });
});
