import { InvalidDefinitionError } from '../../src/engine';
import { UnknownResourceError } from '../../src/engine/errors';
import { fakeIntegration, jsonata, machine, registry } from './helpers';

function rejection(definition: object, integrations = registry()): InvalidDefinitionError {
  try {
    machine(definition, integrations);
  } catch (error) {
    if (error instanceof InvalidDefinitionError) return error;
    throw error;
  }
  throw new Error('the definition was accepted');
}

describe('StateMachine.create', () => {
  it('fails when a JSONPath state (the default language) has a JSONata field, naming the JSONPath fields', () => {
    const error = rejection({
      StartAt: 'P',
      States: { P: { Type: 'Pass', Output: { a: 1 }, End: true } },
    });
    expect(error).toMatchObject({ code: 'SCHEMA_VALIDATION_FAILED', location: '/States/P' });
    expect(error.message).toContain("The field 'Output' is not supported in a JSONPath state");
  });

  it('fails when a state downgrades to JSONPath under a JSONata machine, with AWS message', () => {
    const error = rejection(jsonata({ P: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } }));
    expect(error).toMatchObject({ code: 'SCHEMA_VALIDATION_FAILED', location: '/States/P' });
    expect(error.detail).toBe(
      "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
    );
  });

  it('fails when a JSONata state has a JSONPath field, naming the replacement', () => {
    const error = rejection(jsonata({ P: { Type: 'Pass', OutputPath: '$.a', End: true } }));
    expect(error.message).toContain("The field 'OutputPath' is not supported in a JSONata state");
    expect(error.message).toContain('use Output');
  });

  it('fails when a JSONata catcher or Choice rule has a JSONPath field, with its location', () => {
    const put = 'arn:aws:states:::dynamodb:putItem';
    const catcher = rejection(
      jsonata({
        T: {
          Type: 'Task',
          Resource: put,
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Done' }],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      }),
      registry({ [put]: fakeIntegration(() => ({})) }),
    );
    expect(catcher).toMatchObject({ code: 'SCHEMA_VALIDATION_FAILED', location: '/States/T/Catch/0' });
    expect(catcher.message).toContain("The field 'ResultPath' is not supported in a JSONata state");
    const rule = rejection(
      jsonata({
        C: {
          Type: 'Choice',
          Choices: [{ Variable: '$.a', BooleanEquals: true, Next: 'Done' }],
          Default: 'Done',
        },
        Done: { Type: 'Succeed' },
      }),
    );
    expect(rule).toMatchObject({ code: 'SCHEMA_VALIDATION_FAILED', location: '/States/C/Choices/0' });
    expect(rule.message).toContain("The field 'Variable' is not supported in a JSONata state");
  });

  it('fails when a state inside a Parallel branch has a field of the other query language', () => {
    const error = rejection(
      jsonata({
        P: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', OutputPath: '$.a', End: true } } }],
          End: true,
        },
      }),
    );
    expect(error).toMatchObject({
      code: 'SCHEMA_VALIDATION_FAILED',
      location: '/States/P/Branches/0/States/A',
    });
  });

  it('fails when a Next target does not exist, naming the field and its path as AWS does', () => {
    const error = rejection(jsonata({ P: { Type: 'Pass', Next: 'Nowhere' } }));
    expect(error).toMatchObject({
      code: 'MISSING_TRANSITION_TARGET',
      location: '/States/P/Next',
      detail: "Missing 'Next' target: Nowhere",
    });
    expect(error.message).toBe("MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere at /States/P/Next");
  });

  it('fails when StartAt names no state, without the validator-internal machine name', () => {
    const error = rejection({ StartAt: 'X', States: {} });
    expect(error.message).toBe("MISSING_TRANSITION_TARGET: Missing 'StartAt' target: X at /StartAt");
  });

  it('fails when a target inside a Parallel branch or a Choice rule does not exist, with the nested path', () => {
    const branch = rejection(
      jsonata({
        Par: {
          Type: 'Parallel',
          End: true,
          Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } }],
        },
      }),
    );
    expect(branch.location).toBe('/States/Par/Branches/0/States/A/Next');
    const choice = rejection(
      jsonata({
        C: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'Gone' }], Default: 'D' },
        D: { Type: 'Succeed' },
      }),
    );
    expect(choice.location).toBe('/States/C/Choices/0/Next');
  });

  it('fails with MISSING_END_STATE (the code AWS uses) when no state ends the machine, saying how to end it, without the validator-internal machine name', () => {
    const error = rejection(jsonata({ P: { Type: 'Pass', Next: 'Q' }, Q: { Type: 'Pass', Next: 'P' } }));
    expect(error.code).toBe('MISSING_END_STATE');
    expect(error.message).toContain('The state machine has no terminal state');
    expect(error.message).not.toMatch(/fsm\d/);
  });

  it('fails when an expression does not parse', () => {
    const error = rejection(jsonata({ P: { Type: 'Pass', Output: '{% 1 + %}', End: true } }));
    expect(error).toMatchObject({ code: 'INVALID_JSONATA_EXPRESSION', location: '/States/P/Output' });
  });

  it('fails when an expression references $ at the top level', () => {
    const error = rejection(jsonata({ P: { Type: 'Pass', Output: { v: '{% $.a %}' }, End: true } }));
    expect(error.code).toBe('UNSUPPORTED_JSONATA_EXPRESSION');
    expect(error.message).toContain("Reference to '$' at the top level is not supported");
  });

  it('fails when an expression uses an unqualified field name at the top level, but accepts it inside a predicate', () => {
    expect(rejection(jsonata({ P: { Type: 'Pass', Output: '{% orderId %}', End: true } })).message).toContain(
      "Reference to 'orderId'",
    );
    expect(() =>
      machine(
        jsonata({ P: { Type: 'Pass', Output: '{% $states.input.items[price > 3].name %}', End: true } }),
      ),
    ).not.toThrow();
  });

  it('fails when a Task resource is not a registered integration, as AWS does for dynamodb:query', () => {
    const error = rejection(
      jsonata({ T: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:query', End: true } }),
    );
    expect(error.message).toContain(
      'The resource provided arn:aws:states:::dynamodb:query is not recognized',
    );
    expect(error.location).toBe('/States/T/Resource');
    // Structured for callers that explain it (the cloud-assembly deployer): the resource as written.
    expect(error).toBeInstanceOf(UnknownResourceError);
    expect(error).toMatchObject({
      resource: 'arn:aws:states:::dynamodb:query',
      code: 'SCHEMA_VALIDATION_FAILED',
    });
  });

  it('fails when an inner scope assigns a variable of an outer scope', () => {
    const error = rejection(
      jsonata({
        Init: { Type: 'Pass', Assign: { total: 0 }, Next: 'M' },
        M: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'A', States: { A: { Type: 'Pass', Assign: { total: 1 }, End: true } } },
          End: true,
        },
      }),
    );
    expect(error.message).toContain("the variable 'total'");
  });

  it('fails when a variable is named states', () => {
    expect(rejection(jsonata({ P: { Type: 'Pass', Assign: { states: 1 }, End: true } })).message).toContain(
      "'states'",
    );
  });

  it('fails when a Map is distributed', () => {
    const error = rejection(
      jsonata({
        M: {
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'A',
            States: { A: { Type: 'Succeed' } },
          },
          End: true,
        },
      }),
    );
    expect(error.code).toBe('UNSUPPORTED_FEATURE');
  });

  it('fails when a Task sets Credentials, naming the field', () => {
    const put = 'arn:aws:states:::dynamodb:putItem';
    const error = rejection(
      jsonata({
        T: { Type: 'Task', Resource: put, Credentials: { RoleArn: 'arn:aws:iam::1:role/R' }, End: true },
      }),
      registry({ [put]: fakeIntegration(() => ({})) }),
    );
    expect(error).toMatchObject({ code: 'UNSUPPORTED_FEATURE', location: '/States/T/Credentials' });
    expect(error.message).toContain("'Credentials' is not supported");
  });

  it('fails when an inline Map sets a Distributed Map field, naming the field', () => {
    const error = rejection(
      jsonata({
        M: {
          Type: 'Map',
          ToleratedFailureCount: 1,
          ItemProcessor: { StartAt: 'A', States: { A: { Type: 'Succeed' } } },
          End: true,
        },
      }),
    );
    expect(error).toMatchObject({ code: 'UNSUPPORTED_FEATURE', location: '/States/M/ToleratedFailureCount' });
  });

  it('compiles each distinct expression once, however often it appears', () => {
    const put = 'arn:aws:states:::dynamodb:putItem';
    const sm = machine(
      jsonata({
        A: { Type: 'Pass', Output: { a: '{% $states.input %}', b: '{%  $states.input  %}' }, Next: 'B' },
        B: { Type: 'Task', Resource: put, Arguments: '{% $states.input %}', End: true },
      }),
      registry({ [put]: fakeIntegration(() => ({})) }),
    );
    expect(sm.compiledExpressions).toBe(1);
  });
});
