/**
 * ValidateStateMachineDefinition through @aws-sdk/client-sfn: AWS's response shape (result,
 * diagnostics, truncated), the same validator as CreateStateMachine, and the request model's checks.
 */
import {
  CreateStateMachineCommand,
  type SFNClient,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { type StepFunctionsService, startStepFunctionsService } from '../../src/sfn';
import { errorOf, localSfnClient } from './support';

const ROLE = 'arn:aws:iam::123456789012:role/local';

let service: StepFunctionsService;
let sfn: SFNClient;

beforeAll(async () => {
  // Every resource resolves (none runs here): the definitions are only validated and created.
  const callback = { resourceType: 'lambda', resource: 'invoke', invoke: async () => ({}) };
  service = await startStepFunctionsService({
    integrations: { resolve: (r) => (r.startsWith('arn:aws:states:::lambda:') ? callback : undefined) },
  });
  sfn = localSfnClient(service.endpoint);
});

afterAll(async () => {
  sfn?.destroy();
  await service?.stop();
});

const validate = (definition: unknown, extra: Record<string, unknown> = {}) =>
  sfn.send(
    new ValidateStateMachineDefinitionCommand({
      definition: typeof definition === 'string' ? definition : JSON.stringify(definition),
      ...extra,
    }),
  );

describe('ValidateStateMachineDefinition', () => {
  test('Given a valid definition, When validated, Then the result is OK with no diagnostics', async () => {
    const response = await validate({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    expect(response).toMatchObject({ result: 'OK', diagnostics: [], truncated: false });
  });

  test('Given a JSONPath state under a JSONata machine, When validated, Then it fails with the diagnostic AWS recorded', async () => {
    const response = await validate({
      QueryLanguage: 'JSONata',
      StartAt: 'Pass',
      States: { Pass: { Type: 'Pass', End: true, QueryLanguage: 'JSONPath' } },
    });
    expect(response).toMatchObject({
      result: 'FAIL',
      truncated: false,
      diagnostics: [
        {
          severity: 'ERROR',
          code: 'SCHEMA_VALIDATION_FAILED',
          message: "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
          location: '/States/Pass',
        },
      ],
    });
  });

  test('Given text that is not JSON, When validated, Then the diagnostic is INVALID_JSON_DESCRIPTION', async () => {
    const response = await validate('{"StartAt": ');
    expect(response.result).toBe('FAIL');
    expect(response.diagnostics?.[0]).toMatchObject({ severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION' });
  });

  test('Given a Choice rule naming no state, When validated, Then the location writes the rule as Choices[0]', async () => {
    const response = await validate({
      QueryLanguage: 'JSONata',
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'Gone' }], Default: 'D' },
        D: { Type: 'Succeed' },
      },
    });
    expect(response.diagnostics?.[0]).toMatchObject({
      code: 'MISSING_TRANSITION_TARGET',
      location: '/States/C/Choices[0]/Next',
    });
  });

  test('Given a loop with no terminal state, When validated, Then the code is MISSING_END_STATE with no location', async () => {
    const response = await validate({
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } },
    });
    expect(response.diagnostics).toHaveLength(1);
    expect(response.diagnostics?.[0]?.code).toBe('MISSING_END_STATE');
    expect(response.diagnostics?.[0]?.location).toBeUndefined();
  });

  test('Given any definition, When validated and created, Then both answer from the same validator', async () => {
    const definitions = [
      { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      { StartAt: 'P', States: { P: { Type: 'Pass', Next: 'Nowhere' } } },
      {
        QueryLanguage: 'JSONata',
        StartAt: 'P',
        States: { P: { Type: 'Pass', Output: '{% $$ %}', End: true } },
      },
      {
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:query', End: true } },
      },
    ];
    for (const [i, definition] of definitions.entries()) {
      const validated = await validate(definition);
      const created = await sfn
        .send(
          new CreateStateMachineCommand({
            name: `same-validator-${i}`,
            definition: JSON.stringify(definition),
            roleArn: ROLE,
          }),
        )
        .then(
          () => 'OK',
          (error: Error) => error,
        );
      if (validated.result === 'OK') {
        expect(created).toBe('OK');
      } else {
        const diagnostic = validated.diagnostics?.[0];
        expect(created).toMatchObject({ name: 'InvalidDefinition' });
        expect((created as Error).message).toContain(`${diagnostic?.code}: ${diagnostic?.message}`);
      }
    }
  });

  test('fails with ValidationException when definition is missing, empty, or maxResults, severity or type are out of the model', async () => {
    expect(await errorOf(sfn.send(new ValidateStateMachineDefinitionCommand({} as never)))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'definition' failed to satisfy constraint: Member must not be null",
    });
    expect(await errorOf(validate(''))).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    const valid = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    expect(await errorOf(validate(valid, { maxResults: 101, severity: 'INFO', type: 'OTHER' }))).toEqual({
      name: 'ValidationException',
      message:
        "3 validation errors detected: Value 'OTHER' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]; Value 'INFO' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]; Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    });
  });

  test('Given severity WARNING and maxResults, When validated, Then errors still come back and truncated is false', async () => {
    const response = await validate(
      { StartAt: 'P', States: { P: { Type: 'Pass', Next: 'Nowhere' } } },
      { severity: 'WARNING', maxResults: 1, type: 'EXPRESS' },
    );
    expect(response.result).toBe('FAIL');
    expect(response.diagnostics).toHaveLength(1);
    expect(response.truncated).toBe(false);
  });

  test('Given two states with bad JSONata, When validated, Then both are reported and CreateStateMachine answers the first', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Output: '{% $states.input.( %}', Next: 'B' },
        B: { Type: 'Pass', Output: '{% ][ %}', End: true },
      },
    };
    const response = await validate(definition);
    expect(response.result).toBe('FAIL');
    expect(response.diagnostics?.map((d) => [d.severity, d.location])).toEqual([
      ['ERROR', '/States/A/Output'],
      ['ERROR', '/States/B/Output'],
    ]);
    const created = await errorOf(
      sfn.send(
        new CreateStateMachineCommand({
          name: 'two-bad',
          definition: JSON.stringify(definition),
          roleArn: ROLE,
        }),
      ),
    );
    const first = response.diagnostics?.[0];
    expect(created.message).toContain(`${first?.code}: ${first?.message}`);
    expect(created.message).not.toContain('/States/B');

    const one = await validate(definition, { maxResults: 1 });
    expect(one.diagnostics).toHaveLength(1);
    expect(one.truncated).toBe(true);
  });

  test('Given JSONPath fields that look like paths without .$ or Path, When validated with severity WARNING, Then the result is OK with NO_DOLLAR, NO_PATH and PASS_RESULT_IS_STATIC', async () => {
    const definition = {
      StartAt: 'Check',
      States: {
        Check: {
          Type: 'Choice',
          Choices: [{ Variable: '$.kind', StringEquals: '$.expected', Next: 'Static' }],
          Default: 'Static',
        },
        Static: { Type: 'Pass', Result: { 'id.$': '$.id' }, Next: 'Shape' },
        Shape: {
          Type: 'Pass',
          Parameters: { id: '$.id', n: 'States.MathAdd(1, 2)', plain: 'text' },
          End: true,
        },
      },
    };
    const warned = await validate(definition, { severity: 'WARNING' });
    expect(warned.result).toBe('OK');
    expect(warned.diagnostics?.map((d) => [d.severity, d.code, d.location])).toEqual([
      ['WARNING', 'NO_PATH', '/States/Check/Choices[0]/StringEquals'],
      ['WARNING', 'PASS_RESULT_IS_STATIC', '/States/Static/Result'],
      ['WARNING', 'NO_DOLLAR', '/States/Shape/Parameters/id'],
      ['WARNING', 'NO_DOLLAR', '/States/Shape/Parameters/n'],
    ]);

    const errorsOnly = await validate(definition);
    expect(errorsOnly).toMatchObject({ result: 'OK', diagnostics: [], truncated: false });
  });

  test('Given a .waitForTaskToken or .sync task, When validated as EXPRESS or created as EXPRESS, Then it fails with SCHEMA_VALIDATION_FAILED, and STANDARD accepts it', async () => {
    const definition = {
      StartAt: 'Wait',
      States: {
        Wait: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: 'f', 'Payload.$': '$$.Task.Token' },
          End: true,
        },
      },
    };
    expect((await validate(definition, { type: 'STANDARD' })).result).toBe('OK');
    const express = await validate(definition, { type: 'EXPRESS' });
    expect(express).toMatchObject({
      result: 'FAIL',
      diagnostics: [
        {
          severity: 'ERROR',
          code: 'SCHEMA_VALIDATION_FAILED',
          message: "Express state machine does not support '.waitForTaskToken' service integration",
          location: '/States/Wait/Resource',
        },
      ],
    });
    const created = await errorOf(
      sfn.send(
        new CreateStateMachineCommand({
          name: 'express-callback',
          type: 'EXPRESS',
          definition: JSON.stringify(definition),
          roleArn: ROLE,
        }),
      ),
    );
    expect(created).toMatchObject({
      name: 'InvalidDefinition',
      message:
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration at /States/Wait/Resource'",
    });
    const sync = {
      ...definition,
      States: {
        Wait: { ...definition.States.Wait, Resource: 'arn:aws:states:::lambda:invoke.sync:2' },
      },
    };
    const syncExpress = await validate(sync, { type: 'EXPRESS' });
    expect(syncExpress.diagnostics?.map((d) => d.message)).toContain(
      "Express state machine does not support '.sync:2' service integration",
    );
  });
});
