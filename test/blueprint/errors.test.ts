import { UnknownPlaceholderError } from '@sfn-idempotency/local-runtime';
import { resolveDefinitionOptions } from '../../lib/definition';
import * as errors from '../../lib/errors';
import { IdempotencyBlueprintError, IdempotencyConfigError } from '../../lib/errors';
import { planWorkflow } from '../../lib/plan';
import { ExecutionNameKeyEmptyError, executionNameForKey } from '../../lib/sources/execution-name';
import { SAMPLE } from '../support/engine';
import { renderedDefinition } from '../support/render';

/** What `fn` threw. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

describe('the blueprint error family', () => {
  test.each<[string, () => unknown]>([
    [
      'IdempotencyConfigError',
      () => resolveDefinitionOptions({ tableName: 't', businessFunctionArn: 'f', keyPrefix: 'a#b' }),
    ],
  ])('%s is an IdempotencyBlueprintError with its own name', (name, fn) => {
    const error = thrownBy(fn);
    expect(error).toBeInstanceOf(IdempotencyBlueprintError);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe(name);
    expect((error as Error).constructor.name).toBe(name);
    expect(String(error)).toMatch(new RegExp(`^${name}: `));
  });

  test('lib/errors.ts holds the whole family: the root and IdempotencyConfigError', () => {
    const classes = Object.values(errors).filter(
      (value) =>
        value === IdempotencyBlueprintError ||
        (typeof value === 'function' && value.prototype instanceof IdempotencyBlueprintError),
    );
    expect(classes).toEqual([IdempotencyBlueprintError, IdempotencyConfigError]);
  });

  test('a placeholder without a value is the local runtime’s error (its substitute renders the tests’ definitions), not the blueprint’s', () => {
    const plan = planWorkflow(SAMPLE);
    // The release's substitutions lack the workflow's BusinessFunctionArn.
    const substitutions = plan.release?.substitutions ?? { TableName: SAMPLE.tableName };
    const error = thrownBy(() => renderedDefinition({ definition: plan.definition, substitutions }));
    expect(error).toBeInstanceOf(UnknownPlaceholderError);
    expect(error).not.toBeInstanceOf(IdempotencyBlueprintError);
    expect((error as Error).message).toContain('BusinessFunctionArn');
  });

  test('IdempotencyConfigError lists every problem on its own line under a heading, and keeps them', () => {
    const error = IdempotencyConfigError.forConstruct('SqsPipeSource', 'Orders', ['a is bad', 'b is bad']);
    expect(error.message).toBe('invalid SqsPipeSource Orders:\n- a is bad\n- b is bad');
    expect(error.problems).toEqual(['a is bad', 'b is bad']);
  });

  test('ExecutionNameKeyEmptyError is a run-time error (a producer naming an execution), outside the family', () => {
    const error = thrownBy(() => executionNameForKey(''));
    expect(error).toBeInstanceOf(ExecutionNameKeyEmptyError);
    expect(error).not.toBeInstanceOf(IdempotencyBlueprintError);
    expect((error as Error).name).toBe('ExecutionNameKeyEmptyError');
  });
});
