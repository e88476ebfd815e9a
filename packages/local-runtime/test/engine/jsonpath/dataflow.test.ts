import {
  InvalidJsonPathDefinitionError,
  ResultPathMatchFailure,
  RuntimeError,
} from '../../../src/engine/errors';
import {
  applyInputPath,
  applyOutputPath,
  applyParameters,
  applyResultPath,
  applyResultSelector,
  compileFilterPath,
  compileResultPath,
  compileTemplate,
} from '../../../src/engine/jsonpath/dataflow';

const context = { Execution: { Id: 'exec-arn', Name: 'run-1' }, State: { Name: 'Step' } };

describe('InputPath and OutputPath', () => {
  it('Given no InputPath, When applied, Then the input passes through', () => {
    const input = { a: 1 };
    expect(applyInputPath(compileFilterPath(undefined, 'InputPath'), input)).toBe(input);
  });

  it('Given InputPath null, When applied, Then the effective input is an empty object', () => {
    expect(applyInputPath(compileFilterPath(null, 'InputPath'), { a: 1 })).toEqual({});
  });

  it('Given InputPath $.a, When applied, Then it selects that member', () => {
    expect(applyInputPath(compileFilterPath('$.a', 'InputPath'), { a: { b: 2 } })).toEqual({ b: 2 });
  });

  it('Given OutputPath $$ , When applied, Then the output is the context object', () => {
    expect(applyOutputPath(compileFilterPath('$$', 'OutputPath'), { a: 1 }, context)).toBe(context);
  });

  it('Given OutputPath naming a variable, When applied, Then the output is the variable value', () => {
    expect(applyOutputPath(compileFilterPath('$answer', 'OutputPath'), {}, context, { answer: 42 })).toBe(42);
  });

  it('fails with States.Runtime and the Jayway message when InputPath matches nothing', () => {
    const path = compileFilterPath('$.missing.deeper', 'InputPath');
    expect(() => applyInputPath(path, { a: 1 })).toThrow(RuntimeError);
    expect(() => applyInputPath(path, { a: 1 })).toThrow(
      "States.Runtime: Invalid path '$.missing.deeper' : No results for path: $['missing']['deeper']",
    );
  });

  it('fails with States.Runtime when OutputPath matches nothing', () => {
    expect(() => applyOutputPath(compileFilterPath('$.x', 'OutputPath'), {})).toThrow(
      expect.objectContaining({ error: 'States.Runtime' }),
    );
  });

  it('fails at compile time when InputPath is neither a string nor null', () => {
    expect(() => compileFilterPath(5, 'InputPath')).toThrow(InvalidJsonPathDefinitionError);
  });
});

describe('ResultPath', () => {
  it('Given no ResultPath, When applied, Then the result replaces the input', () => {
    expect(applyResultPath({ a: 1 }, { r: 2 }, compileResultPath(undefined))).toEqual({ r: 2 });
  });

  it('Given ResultPath null, When applied, Then the result is discarded and the input kept', () => {
    const input = { a: 1 };
    expect(applyResultPath(input, { r: 2 }, compileResultPath(null))).toBe(input);
  });

  it('Given ResultPath $.a.b, When applied, Then the result is placed there and siblings kept', () => {
    expect(applyResultPath({ a: { x: 1 }, y: 2 }, 'R', compileResultPath('$.a.b'))).toEqual({
      a: { x: 1, b: 'R' },
      y: 2,
    });
  });

  it('Given ResultPath to members that do not exist, When applied, Then they are created', () => {
    expect(applyResultPath({}, 'R', compileResultPath('$.a.b.c'))).toEqual({ a: { b: { c: 'R' } } });
  });

  it('Given ResultPath to an existing member, When applied, Then the member is overwritten', () => {
    expect(applyResultPath({ a: 'old' }, 'new', compileResultPath('$.a'))).toEqual({ a: 'new' });
  });

  it('Given ResultPath with an index, When applied, Then that array element is replaced', () => {
    expect(applyResultPath({ list: [1, 2, 3] }, 'R', compileResultPath('$.list[1]'))).toEqual({
      list: [1, 'R', 3],
    });
  });

  it('Given an input, When ResultPath is applied, Then the input object is not mutated', () => {
    const input = { a: { b: 1 } };
    applyResultPath(input, 'R', compileResultPath('$.a.c'));
    expect(input).toEqual({ a: { b: 1 } });
  });

  it('fails with States.ResultPathMatchFailure when a member on the way is not an object', () => {
    const path = compileResultPath('$.a.b');
    expect(() => applyResultPath({ a: 'text' }, 1, path)).toThrow(ResultPathMatchFailure);
    expect(() => applyResultPath({ a: 'text' }, 1, path)).toThrow(
      `Unable to apply ResultPath '$.a.b' to input '{"a":"text"}': $.a is a string, where an object is needed`,
    );
  });

  it('fails with States.ResultPathMatchFailure when the input itself is not an object', () => {
    expect(() => applyResultPath('text', 1, compileResultPath('$.a'))).toThrow(
      expect.objectContaining({ error: 'States.ResultPathMatchFailure' }),
    );
  });

  it('fails with States.ResultPathMatchFailure when an index is past the end of the array', () => {
    expect(() => applyResultPath({ list: [] }, 1, compileResultPath('$.list[0]'))).toThrow(
      ResultPathMatchFailure,
    );
  });

  it('fails at compile time when ResultPath points at the context object or a variable', () => {
    expect(() => compileResultPath('$$.Execution')).toThrow(/must point into the state input/);
    expect(() => compileResultPath('$x')).toThrow(InvalidJsonPathDefinitionError);
  });

  it('fails at compile time when ResultPath uses a wildcard', () => {
    expect(() => compileResultPath('$.a[*]')).toThrow(/must be a reference path/);
  });
});

describe('payload templates (Parameters, ResultSelector)', () => {
  const input = { order: { id: 'o-1', total: 12.5 }, items: [{ n: 1 }, { n: 2 }] };

  it('Given static fields only, When applied, Then the template is returned as written', () => {
    const template = { a: 1, b: { c: [true, null] } };
    expect(applyParameters(compileTemplate(template), input)).toEqual(template);
  });

  it('Given .$ keys, When applied, Then their paths are evaluated and the suffix dropped', () => {
    const template = compileTemplate({ 'id.$': '$.order.id', fixed: 'x' });
    expect(applyParameters(template, input)).toEqual({ id: 'o-1', fixed: 'x' });
  });

  it('Given nested objects and objects inside arrays, When applied, Then .$ keys are evaluated at any depth', () => {
    const template = compileTemplate({
      outer: { 'total.$': '$.order.total' },
      list: [{ 'id.$': '$.order.id' }, 3],
    });
    expect(applyParameters(template, input)).toEqual({ outer: { total: 12.5 }, list: [{ id: 'o-1' }, 3] });
  });

  it('Given a $$ path, When applied, Then it reads the context object', () => {
    const template = compileTemplate({ 'execution.$': '$$.Execution.Id', 'state.$': '$$.State.Name' });
    expect(applyParameters(template, input, context)).toEqual({ execution: 'exec-arn', state: 'Step' });
  });

  it('Given a $variable path, When applied, Then it reads the variable', () => {
    const template = compileTemplate({ 'who.$': '$user.name' });
    expect(applyParameters(template, input, context, { user: { name: 'Ada' } })).toEqual({ who: 'Ada' });
  });

  it('Given an intrinsic function call, When applied, Then its result is the value', () => {
    const template = compileTemplate({
      'msg.$': "States.Format('Order {} costs {}', $.order.id, $.order.total)",
    });
    expect(applyParameters(template, input)).toEqual({ msg: 'Order o-1 costs 12.5' });
  });

  it('Given a filter path, When applied, Then the value is an array of matches', () => {
    const template = compileTemplate({ 'big.$': '$.items[?(@.n > 1)]' });
    expect(applyParameters(template, input)).toEqual({ big: [{ n: 2 }] });
  });

  it('Given no Parameters, When applied, Then the input passes through', () => {
    expect(applyParameters(undefined, input)).toBe(input);
  });

  it('Given ResultSelector, When applied, Then $ is the task result', () => {
    const selector = compileTemplate(
      { 'code.$': '$.StatusCode', 'body.$': '$.Payload.body' },
      'ResultSelector',
    );
    expect(applyResultSelector(selector, { StatusCode: 200, Payload: { body: 'ok' } })).toEqual({
      code: 200,
      body: 'ok',
    });
  });

  it('Given a template, When applied twice, Then the results are separate objects', () => {
    const template = compileTemplate({ 'id.$': '$.order.id' });
    expect(applyParameters(template, input)).not.toBe(applyParameters(template, input));
  });

  it('fails with States.Runtime and AWS cause text when a .$ path matches nothing', () => {
    const template = compileTemplate({ 'address.$': '$.application.address' });
    expect(() => applyParameters(template, { flagged: false })).toThrow(RuntimeError);
    expect(() => applyParameters(template, { flagged: false })).toThrow(
      `States.Runtime: The JSONPath '$.application.address' specified for the field 'address.$' could not be found in the input '{"flagged":false}'`,
    );
  });

  it('fails at compile time when a .$ value is not a path or an intrinsic call', () => {
    expect(() => compileTemplate({ 'a.$': 'order.id' })).toThrow(InvalidJsonPathDefinitionError);
    expect(() => compileTemplate({ 'a.$': 5 })).toThrow(/must be a JSONPath or an intrinsic function call/);
  });

  it('fails at compile time when a field is given both as name and name.$', () => {
    expect(() => compileTemplate({ a: 1, 'a.$': '$.x' })).toThrow(/sets the field 'a' twice/);
  });

  it('fails at compile time when an intrinsic call in a template is malformed', () => {
    expect(() => compileTemplate({ 'a.$': 'States.Format(' })).toThrow(InvalidJsonPathDefinitionError);
  });
});
