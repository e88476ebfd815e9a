import { page } from '../../src/sfn/paging';

const keyOf = (item: string): string => item;

const errorOf = (run: () => unknown): { name: string; message: string } => {
  try {
    run();
  } catch (error) {
    const { name, message } = error as Error;
    return { name, message };
  }
  throw new Error('expected the call to fail');
};

describe('page', () => {
  test('Given five items, When paged two at a time, Then pages are 2, 2, 1 and the last has no token', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const first = page(items, { maxResults: 2 }, keyOf);
    const second = page(items, { maxResults: 2, nextToken: first.nextToken }, keyOf);
    const third = page(items, { maxResults: 2, nextToken: second.nextToken }, keyOf);
    expect([first.items, second.items, third.items]).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(third.nextToken).toBeUndefined();
  });

  test('Given items added before the position since the token was issued, When the next page is read, Then it continues after the last item returned', () => {
    const first = page(['a', 'b', 'c'], { maxResults: 2 }, keyOf);
    const next = page(['new', 'a', 'b', 'c'], { maxResults: 2, nextToken: first.nextToken }, keyOf);
    expect(next.items).toEqual(['c']);
  });

  test('Given no maxResults, When paged, Then 100 items come per page', () => {
    const items = Array.from({ length: 150 }, (_, i) => String(i));
    expect(page(items, {}, keyOf).items).toHaveLength(100);
  });

  test('Given a fractional maxResults, When paged, Then the fraction is dropped', () => {
    expect(page(['a', 'b', 'c'], { maxResults: 2.9 }, keyOf).items).toEqual(['a', 'b']);
  });

  test('fails with InvalidToken for a token naming an item the listing does not hold', () => {
    const foreign = page(['x', 'y'], { maxResults: 1 }, keyOf).nextToken;
    expect(errorOf(() => page(['a', 'b'], { nextToken: foreign }, keyOf))).toEqual({
      name: 'InvalidToken',
      message: `Invalid Token: '${foreign}'`,
    });
  });

  test('fails with InvalidToken for a token that is not one of ours', () => {
    expect(errorOf(() => page(['a'], { nextToken: 'bm90LWpzb24' }, keyOf)).name).toBe('InvalidToken');
  });
});
