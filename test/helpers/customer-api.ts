import { GraphQLResponse, TestServer } from './test-server';

/** Every public scalar field of a customer. */
export const CUSTOMER_FIELDS = /* GraphQL */ `
  fragment CustomerFields on Customer {
    id
    externalId
    givenName
    familyName
    name
    emailAddress
    phoneNumber
    languageCode
    metadata
    createdAt
    updatedAt
    deletedAt
    version
  }
`;

export interface CustomerView {
  id: string;
  externalId: string | null;
  givenName: string;
  familyName: string;
  name: string;
  emailAddress: string | null;
  phoneNumber: string | null;
  languageCode: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  version: number;
}

export interface UserErrorView {
  field: string[] | null;
  message: string;
  code: string;
}

export interface PayloadView {
  customer: CustomerView | null;
  userErrors: UserErrorView[];
}

export interface UpsertPayloadView extends PayloadView {
  created: boolean;
}

export interface UpsertManyPayloadView {
  results: Array<UpsertPayloadView & { index: number }>;
  userErrors: UserErrorView[];
}

export type CustomerInput = Record<string, unknown>;

const USER_ERRORS = 'userErrors { field message code }';

export const CREATE_CUSTOMER = /* GraphQL */ `
  mutation Create($input: CreateCustomerInput!) {
    createCustomer(input: $input) { customer { ...CustomerFields } ${USER_ERRORS} }
  }
  ${CUSTOMER_FIELDS}
`;

export const UPDATE_CUSTOMER = /* GraphQL */ `
  mutation Update($input: UpdateCustomerInput!) {
    updateCustomer(input: $input) { customer { ...CustomerFields } ${USER_ERRORS} }
  }
  ${CUSTOMER_FIELDS}
`;

export const UPSERT_CUSTOMER = /* GraphQL */ `
  mutation Upsert($input: UpsertCustomerInput!) {
    upsertCustomer(input: $input) { customer { ...CustomerFields } created ${USER_ERRORS} }
  }
  ${CUSTOMER_FIELDS}
`;

export const UPSERT_CUSTOMERS = /* GraphQL */ `
  mutation UpsertMany($inputs: [UpsertCustomerInput!]!) {
    upsertCustomers(inputs: $inputs) {
      results { index customer { ...CustomerFields } created ${USER_ERRORS} }
      ${USER_ERRORS}
    }
  }
  ${CUSTOMER_FIELDS}
`;

export const DELETE_CUSTOMER = /* GraphQL */ `
  mutation Delete($id: ID!) {
    deleteCustomer(id: $id) { deletedCustomerId ${USER_ERRORS} }
  }
`;

export const CUSTOMER_BY_ID = /* GraphQL */ `
  query Customer($id: ID!, $includeDeleted: Boolean) {
    customer(id: $id, includeDeleted: $includeDeleted) {
      ...CustomerFields
    }
  }
  ${CUSTOMER_FIELDS}
`;

/** The operation's data, failing the test when the server reported top-level errors. */
/**
 * Runs an operation that must succeed without top-level errors, and returns its data: the one way tests call the
 * API for data. `t.graphql` gives the whole response, for operations expected to fail.
 */
export async function gql<T>(
  t: TestServer,
  query: string,
  variables: Record<string, unknown> = {},
  headers?: Record<string, string>,
): Promise<T> {
  return dataOf(await t.graphql<T>(query, variables, headers));
}

/** The data of a response (from `t.graphql` or a raw HTTP body) that must have succeeded. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length) throw new Error(`unexpected GraphQL errors: ${JSON.stringify(response.errors)}`);
  if (response.data === undefined) throw new Error('no data in the response');
  return response.data;
}

/** The one top-level error of a response that must have failed. */
export function onlyErrorOf(response: GraphQLResponse<unknown>): { message: string; code: unknown } {
  expect(response.errors).toHaveLength(1);
  const [error] = response.errors!;
  return { message: error.message, code: error.extensions?.code };
}

export async function createCustomer(t: TestServer, input: CustomerInput): Promise<PayloadView> {
  return (await gql<{ createCustomer: PayloadView }>(t, CREATE_CUSTOMER, { input })).createCustomer;
}

/** Creates a customer that must be valid, and returns it. */
export async function createValidCustomer(t: TestServer, input: CustomerInput): Promise<CustomerView> {
  const payload = await createCustomer(t, input);
  expect(payload.userErrors).toEqual([]);
  expect(payload.customer).not.toBeNull();
  return payload.customer!;
}

export async function updateCustomer(t: TestServer, input: CustomerInput): Promise<PayloadView> {
  return (await gql<{ updateCustomer: PayloadView }>(t, UPDATE_CUSTOMER, { input })).updateCustomer;
}

export async function upsertCustomer(t: TestServer, input: CustomerInput): Promise<UpsertPayloadView> {
  return (await gql<{ upsertCustomer: UpsertPayloadView }>(t, UPSERT_CUSTOMER, { input })).upsertCustomer;
}

export async function upsertCustomers(t: TestServer, inputs: CustomerInput[]): Promise<UpsertManyPayloadView> {
  return (await gql<{ upsertCustomers: UpsertManyPayloadView }>(t, UPSERT_CUSTOMERS, { inputs })).upsertCustomers;
}

/** Upserts customers that must all be valid (any number, in calls of up to 1000), returning them in input order. */
export async function seedCustomers(t: TestServer, inputs: CustomerInput[]): Promise<CustomerView[]> {
  const customers: CustomerView[] = [];
  for (let start = 0; start < inputs.length; start += 1000) {
    const payload = await upsertCustomers(t, inputs.slice(start, start + 1000));
    expect(payload.userErrors).toEqual([]);
    expect(payload.results.flatMap((result) => result.userErrors)).toEqual([]);
    customers.push(...payload.results.map((result) => result.customer!));
  }
  return customers;
}

export async function deleteCustomer(
  t: TestServer,
  id: string,
): Promise<{ deletedCustomerId: string | null; userErrors: UserErrorView[] }> {
  return (await gql<{ deleteCustomer: { deletedCustomerId: string | null; userErrors: UserErrorView[] } }>(t, DELETE_CUSTOMER, { id }))
    .deleteCustomer;
}

export async function customerById(t: TestServer, id: string, includeDeleted?: boolean): Promise<CustomerView | null> {
  return (await gql<{ customer: CustomerView | null }>(t, CUSTOMER_BY_ID, { id, includeDeleted })).customer;
}

/** How many rows the customers table holds, deleted ones included. */
export async function countRows(t: TestServer, where = '1 = 1', parameters: unknown[] = []): Promise<number> {
  const [row] = await t.sql<{ n: number | string }>(`SELECT COUNT(*) AS n FROM customers WHERE ${where}`, parameters);
  return Number(row.n);
}

/** The stored row of a customer, as the database holds it. */
export async function storedRow(t: TestServer, id: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await t.sql('SELECT * FROM customers WHERE id = ?', [id]);
  return row;
}

let uniqueSequence = 0;

/** A token made of letters only (names accept letters, not digits), unique within this test run. */
export function uniqueLetters(): string {
  uniqueSequence += 1;
  const n = Date.now() * 1000 + process.pid * 7 + uniqueSequence;
  return n.toString(26).replace(/./g, (digit) => String.fromCharCode(97 + parseInt(digit, 26)));
}

/** 0 → "a", 25 → "z", 26 → "ba". */
export function letters(n: number): string {
  return n.toString(26).replace(/./g, (digit) => String.fromCharCode(97 + parseInt(digit, 26)));
}
