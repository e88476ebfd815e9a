import { InvalidJsonPathDefinitionError, RuntimeError } from '../../../src/engine/errors';
import {
  compilePath,
  compileReferencePath,
  NOT_FOUND,
  normalizedPath,
} from '../../../src/engine/jsonpath/path';

const input = {
  order: {
    id: 'o-1',
    items: [
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 3 },
      { sku: 'c', qty: 5 },
    ],
  },
  'first name': 'Ada',
  "it's": 'quoted',
  zero: 0,
  nothing: null,
};
const context = {
  Execution: { Id: 'arn:aws:states:us-east-1:111111111111:execution:sm:run-1' },
  Map: { Item: { Index: 2 } },
};
const variables = { customer: { name: 'Ada', tags: ['vip'] }, count: 7 };

describe('reference paths', () => {
  it('Given $, When selected, Then it returns the whole input', () => {
    expect(compilePath('$').select(input, context, variables)).toBe(input);
  });

  it('Given a dotted path, When selected, Then it returns the nested value', () => {
    expect(compilePath('$.order.id').select(input, context, variables)).toBe('o-1');
  });

  it('Given bracket notation with a quoted name containing a space, When selected, Then it returns that member', () => {
    expect(compilePath("$['first name']").select(input, context, variables)).toBe('Ada');
    expect(compilePath('$["first name"]').select(input, context, variables)).toBe('Ada');
  });

  it('Given an escaped quote inside a bracketed name, When selected, Then the quote is part of the name', () => {
    expect(compilePath("$['it\\'s']").select(input, context, variables)).toBe('quoted');
  });

  it('Given an array index, When selected, Then it returns that element, not an array', () => {
    expect(compilePath('$.order.items[1].sku').select(input, context, variables)).toBe('b');
  });

  it('Given falsy values, When selected, Then they are found (0 and null are values)', () => {
    expect(compilePath('$.zero').select(input, context, variables)).toBe(0);
    expect(compilePath('$.nothing').select(input, context, variables)).toBeNull();
  });

  it('Given a missing member or an index past the end, When selected, Then it is NOT_FOUND', () => {
    expect(compilePath('$.order.missing').select(input, context, variables)).toBe(NOT_FOUND);
    expect(compilePath('$.order.items[9]').select(input, context, variables)).toBe(NOT_FOUND);
    expect(compilePath('$.order.id.length').select(input, context, variables)).toBe(NOT_FOUND);
  });

  it('Given a path that indexes an object or names a member of an array, When selected, Then it is NOT_FOUND', () => {
    expect(compilePath('$.order[0]').select(input, context, variables)).toBe(NOT_FOUND);
    expect(compilePath('$.order.items.sku').select(input, context, variables)).toBe(NOT_FOUND);
  });

  it('Given a reference path, When compiled, Then it exposes its segments', () => {
    expect(compilePath("$.a['b c'][2]").segments).toEqual(['a', 'b c', 2]);
  });
});

describe('context and variable paths', () => {
  it('Given $$, When selected, Then it reads the context object', () => {
    expect(compilePath('$$.Execution.Id').select(input, context, variables)).toBe(context.Execution.Id);
    expect(compilePath('$$').select(input, context, variables)).toBe(context);
  });

  it('Given $name, When selected, Then it reads the variable', () => {
    expect(compilePath('$count').select(input, context, variables)).toBe(7);
    expect(compilePath('$customer.tags[0]').select(input, context, variables)).toBe('vip');
    expect(compilePath('$customer').variable).toBe('customer');
  });

  it('Given a variable that has no value, When selected, Then it is NOT_FOUND', () => {
    expect(compilePath('$unknown').select(input, context, variables)).toBe(NOT_FOUND);
    expect(compilePath('$count').select(input, context, undefined)).toBe(NOT_FOUND);
  });
});

describe('full JSONPath (Parameters values)', () => {
  it('Given a wildcard, When selected, Then it returns every match as an array', () => {
    expect(compilePath('$.order.items[*].sku').select(input, context, variables)).toEqual(['a', 'b', 'c']);
  });

  it('Given a filter, When selected, Then it returns the matching nodes as an array, even a single one', () => {
    expect(compilePath('$.order.items[?(@.qty > 4)].sku').select(input, context, variables)).toEqual(['c']);
  });

  it('Given a filter that matches nothing, When selected, Then it returns an empty array', () => {
    expect(compilePath('$.order.items[?(@.qty > 99)]').select(input, context, variables)).toEqual([]);
  });

  it('Given a slice, When selected, Then it returns the elements in range', () => {
    expect(compilePath('$.order.items[0:2].qty').select(input, context, variables)).toEqual([1, 3]);
  });

  it('Given a deep scan, When selected, Then it collects matches at every depth', () => {
    expect(compilePath('$..sku').select(input, context, variables)).toEqual(['a', 'b', 'c']);
  });

  it('Given a wildcard on a variable, When selected, Then the variable is the root', () => {
    expect(compilePath('$customer.tags[*]').select(input, context, variables)).toEqual(['vip']);
  });

  it('Given a filter on a bare member, When selected, Then it tests presence as Jayway does (0, false, null count)', () => {
    const data = { books: [{ isbn: 0 }, { isbn: 'x' }, {}, { isbn: null }, { isbn: false }] };
    expect(compilePath('$.books[?(@.isbn)]').select(data, context, variables)).toEqual([
      { isbn: 0 },
      { isbn: 'x' },
      { isbn: null },
      { isbn: false },
    ]);
  });

  it('Given a filter combining comparisons, When selected, Then && and string equality work', () => {
    expect(
      compilePath("$.order.items[?(@.sku == 'b' && @.qty >= 3)].qty").select(input, context, variables),
    ).toEqual([3]);
  });

  it('fails with States.Runtime when a filter cannot be evaluated', () => {
    expect(() => compilePath('$.order.items[?(@.sku =~ /a/)]').select(input, context, variables)).toThrow(
      RuntimeError,
    );
  });

  it('Given full JSONPath, When compiled, Then it has no reference segments', () => {
    expect(compilePath('$.order.items[*]').segments).toBeUndefined();
  });
});

describe('compile errors', () => {
  it('fails when the text does not start with $', () => {
    expect(() => compilePath('order.id')).toThrow(InvalidJsonPathDefinitionError);
    expect(() => compilePath('order.id')).toThrow(/must start with '\$'/);
  });

  it('fails when the root is followed by something other than a member or a bracket', () => {
    expect(() => compilePath('$1abc')).toThrow(
      "'$1abc' is not a valid JSONPath: after '$' expect '.name' or '[...]'",
    );
    expect(() => compilePath('$$Execution')).toThrow(InvalidJsonPathDefinitionError);
  });

  it('fails when a script expression is used', () => {
    expect(() => compilePath('$.items[(@.length-1)]')).toThrow(/script expression/);
  });

  it('fails when a reference path is required and the path has a wildcard or filter', () => {
    expect(() => compileReferencePath('$.items[*]', 'InputPath')).toThrow(
      "the value of 'InputPath' must be a reference path (names and indexes only, e.g. '$.order.items[0]'), got '$.items[*]'",
    );
    expect(() => compileReferencePath('$..a', 'ResultPath')).toThrow(InvalidJsonPathDefinitionError);
  });
});

describe('normalizedPath', () => {
  it('Given a reference path, When normalized, Then it renders members in brackets as Jayway does', () => {
    expect(normalizedPath(compilePath('$.a.b[0]'))).toBe("$['a']['b'][0]");
  });
});
