import { badUserInput } from '../errors/graphql-errors';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PageSizeLimits {
  defaultSize: number;
  maxSize: number;
}

/** Top-level connections (`customers`). */
export const ROOT_PAGE_LIMITS: PageSizeLimits = { defaultSize: 50, maxSize: 1000 };
/** Connections nested in a customer (`flags`, `activities`). */
export const NESTED_PAGE_LIMITS: PageSizeLimits = { defaultSize: 50, maxSize: 100 };
/** `Customer.possibleDuplicates(first)`. */
export const DUPLICATE_LIST_LIMITS: PageSizeLimits = { defaultSize: 10, maxSize: 50 };

/**
 * A validated page request. `forward` pages read in the connection's order from
 * `after`; backward pages read in reverse from `before` and are flipped back, so
 * edges always come in the connection's order.
 */
export interface PageRequest {
  direction: 'forward' | 'backward';
  size: number;
  after: string | null;
  before: string | null;
}

/**
 * The number of rows a page request reads: `first` or `last`, else the
 * default, at most the maximum. The query-cost estimate uses it too, so the
 * cost of a connection is the size its resolver will read. Sizes below 1 are
 * refused by `resolvePageRequest`; here they count as 1.
 */
export function pageSizeOf(args: Pick<PageArgs, 'first' | 'last'>, limits: PageSizeLimits): number {
  const requested = args.first ?? args.last ?? limits.defaultSize;
  return Math.min(Math.max(requested, 1), limits.maxSize);
}

export function resolvePageRequest(args: PageArgs, limits: PageSizeLimits): PageRequest {
  const first = args.first ?? null;
  const last = args.last ?? null;
  if (first !== null && last !== null) {
    throw badUserInput('Pass either `first` or `last`, not both.', 'last');
  }
  for (const [name, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value !== null && value < 1) {
      throw badUserInput(`\`${name}\` must be at least 1, got ${value}.`, name);
    }
  }
  return {
    direction: last !== null ? 'backward' : 'forward',
    size: pageSizeOf(args, limits),
    after: args.after ?? null,
    before: args.before ?? null,
  };
}
