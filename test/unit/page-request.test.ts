import { GraphQLError } from 'graphql';
import { NESTED_PAGE_LIMITS, PageArgs, ROOT_PAGE_LIMITS, resolvePageRequest } from '../../src/core/paging/page-request';

function refusal(args: PageArgs): GraphQLError {
  try {
    resolvePageRequest(args, ROOT_PAGE_LIMITS);
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('expected the page request to be refused');
}

describe('resolvePageRequest', () => {
  it('reads 50 forward when neither first nor last is given', () => {
    expect(resolvePageRequest({}, ROOT_PAGE_LIMITS)).toEqual({ direction: 'forward', size: 50, after: null, before: null });
    expect(resolvePageRequest({ first: null, last: null }, NESTED_PAGE_LIMITS).size).toBe(50);
  });

  it('pages forward with first/after', () => {
    expect(resolvePageRequest({ first: 7, after: 'x' }, ROOT_PAGE_LIMITS)).toEqual({
      direction: 'forward',
      size: 7,
      after: 'x',
      before: null,
    });
  });

  it('pages backward with last/before', () => {
    expect(resolvePageRequest({ last: 3, before: 'y' }, ROOT_PAGE_LIMITS)).toEqual({
      direction: 'backward',
      size: 3,
      after: null,
      before: 'y',
    });
  });

  it.each([
    ['first', 0],
    ['first', -1],
    ['last', 0],
    ['last', -20],
  ])('refuses %s: %d with BAD_USER_INPUT', (name, value) => {
    const error = refusal({ [name]: value });
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain(`\`${name}\``);
  });

  it('accepts a page size of exactly 1', () => {
    expect(resolvePageRequest({ first: 1 }, ROOT_PAGE_LIMITS).size).toBe(1);
    expect(resolvePageRequest({ last: 1 }, ROOT_PAGE_LIMITS).size).toBe(1);
  });

  it('treats more than 1000 as 1000 on top-level connections', () => {
    expect(resolvePageRequest({ first: 5000 }, ROOT_PAGE_LIMITS).size).toBe(1000);
    expect(resolvePageRequest({ last: 1001 }, ROOT_PAGE_LIMITS).size).toBe(1000);
    expect(resolvePageRequest({ first: 1000 }, ROOT_PAGE_LIMITS).size).toBe(1000);
  });

  it('treats more than 100 as 100 on nested connections', () => {
    expect(resolvePageRequest({ first: 101 }, NESTED_PAGE_LIMITS).size).toBe(100);
    expect(resolvePageRequest({ last: 5000 }, NESTED_PAGE_LIMITS).size).toBe(100);
    expect(resolvePageRequest({ first: 100 }, NESTED_PAGE_LIMITS).size).toBe(100);
    expect(resolvePageRequest({ first: 99 }, NESTED_PAGE_LIMITS).size).toBe(99);
  });

  it('refuses first and last together with BAD_USER_INPUT', () => {
    const error = refusal({ first: 5, last: 5 });
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/first.*last/);
  });
});
