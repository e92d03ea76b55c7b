/** A page of `customers` as the search tests read it: ids and page info (and totalCount when asked). */
export interface SearchPage {
  customers: {
    nodes: Array<{ id: string }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    totalCount?: number;
  };
}

export const SEARCH = /* GraphQL */ `
  query Search($first: Int, $after: String, $last: Int, $before: String, $filter: CustomerFilter, $orderBy: CustomerOrder) {
    customers(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      nodes {
        id
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`;

/** Every public order, both directions. */
export const ORDERS = ['CREATED_AT', 'UPDATED_AT', 'FAMILY_NAME', 'EMAIL_ADDRESS'].flatMap((field) =>
  ['ASC', 'DESC'].map((direction) => ({ field, direction })),
);
