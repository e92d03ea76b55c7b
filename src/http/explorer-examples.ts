/**
 * The operations the Explorer opens with, one tab each: what a frontend team
 * asks first. A test validates every one against the served schema, so a
 * renamed field fails the build instead of greeting users with an error.
 */
export interface ExplorerExample {
  /** The tab's operation; its name is the tab's title. */
  query: string;
  /** JSON text for the variables editor. */
  variables: string;
}

const LIST_CUSTOMERS = `# The brand's customers, newest first. For the next page,
# put pageInfo.endCursor into "after" in the variables.
query ListCustomers($first: Int = 10, $after: String) {
  customers(
    first: $first
    after: $after
    orderBy: { field: CREATED_AT, direction: DESC }
  ) {
    totalCount
    nodes {
      id
      name
      emailAddress
      phoneNumber
      version
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`;

const ONE_CUSTOMER = `# One customer with its channels, flags and latest activities.
# Put an id from ListCustomers into the variables.
query OneCustomer($id: ID!) {
  customer(id: $id) {
    id
    name
    emailAddress
    phoneNumber
    languageCode
    metadata
    version
    channels {
      id
      type
      value
    }
    flags(first: 10) {
      totalCount
      nodes {
        name
        description
        addedAt
      }
    }
    activities(first: 5) {
      nodes {
        type
        message
        occurredAt
      }
    }
  }
}
`;

const CREATE_CUSTOMER = `# Creates a customer. A broken rule comes back in
# userErrors, and then nothing is written.
mutation CreateCustomer($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    customer {
      id
      name
      phoneNumber
      languageCode
      version
    }
    userErrors {
      field
      message
      code
    }
  }
}
`;

const UPDATE_CUSTOMER = `# Changes only the fields given. With expectedVersion,
# it is refused (VERSION_CONFLICT) when the customer
# changed since you read it.
mutation UpdateCustomer($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) {
    customer {
      id
      emailAddress
      version
      updatedAt
    }
    userErrors {
      field
      message
      code
    }
  }
}
`;

const json = (value: unknown): string => JSON.stringify(value, null, 2);

export const EXPLORER_EXAMPLES: readonly ExplorerExample[] = [
  { query: LIST_CUSTOMERS, variables: json({ first: 10 }) },
  { query: ONE_CUSTOMER, variables: json({ id: 'cus_…' }) },
  {
    query: CREATE_CUSTOMER,
    variables: json({
      input: {
        givenName: 'Ada',
        familyName: 'Lovelace',
        emailAddress: 'ada@example.com',
        phoneNumber: '+44 20 7946 0958',
        languageCode: 'en-GB',
        metadata: { source: 'explorer' },
      },
    }),
  },
  { query: UPDATE_CUSTOMER, variables: json({ input: { id: 'cus_…', expectedVersion: 1, emailAddress: 'ada.lovelace@example.com' } }) },
];
