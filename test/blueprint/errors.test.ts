import { resolveDefinitionOptions } from '../../lib/definition';
import { IdempotencyBlueprintError, IdempotencyConfigError, UnknownPlaceholderError } from '../../lib/errors';
import { ExecutionNameKeyEmptyError, executionNameForKey } from '../../lib/sources/execution-name';
import { substitute } from '../../lib/state-machines/placeholders';

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
    ['UnknownPlaceholderError', () => substitute(`"\${Missing}"`, {})],
  ])('%s is an IdempotencyBlueprintError with its own name', (name, fn) => {
    const error = thrownBy(fn);
    expect(error).toBeInstanceOf(IdempotencyBlueprintError);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe(name);
    expect((error as Error).constructor.name).toBe(name);
    expect(String(error)).toMatch(new RegExp(`^${name}: `));
  });

  test('each class is one branch: no error is an instance of a sibling', () => {
    const errors = [new IdempotencyConfigError('x'), new UnknownPlaceholderError('x')];
    const classes = [IdempotencyConfigError, UnknownPlaceholderError];
    errors.forEach((error, i) => {
      classes.forEach((cls, j) => {
        expect(error instanceof cls).toBe(i === j);
      });
    });
    expect(new Set(errors.map((error) => error.name)).size).toBe(errors.length);
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
