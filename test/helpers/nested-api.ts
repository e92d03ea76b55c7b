import { CustomerView, gql, UserErrorView } from './customer-api';
import { TestServer } from './test-server';

export interface ChannelView {
  id: string;
  type: string;
  value: string;
  createdAt: string;
}

export interface FlagView {
  name: string;
  description: string | null;
  readOnly: boolean;
  addedAt: string;
}

export interface ActivityView {
  id: string;
  type: string;
  origin: 'SYSTEM' | 'EXTERNAL';
  message: string | null;
  initiatedBy: string | null;
  sourceUrl: string | null;
  data: Record<string, unknown>;
  occurredAt: string;
}

export interface PageInfoView {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface ConnectionView<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: PageInfoView;
  totalCount: number;
}

const USER_ERRORS = 'userErrors { field message code }';
const VERSIONED = 'customer { id version updatedAt }';

export interface VersionedPayload {
  customer: Pick<CustomerView, 'id' | 'version' | 'updatedAt'> | null;
  userErrors: UserErrorView[];
}

export interface ChannelPayload extends VersionedPayload {
  channel: ChannelView | null;
}

export interface ActivityPayload {
  activity: ActivityView | null;
  userErrors: UserErrorView[];
}

export const ACTIVITY_FIELDS = 'id type origin message initiatedBy sourceUrl data occurredAt';

export async function addChannel(t: TestServer, customerId: string, channel: { type: string; value: string }): Promise<ChannelPayload> {
  const data = await gql<{ addCustomerChannel: ChannelPayload }>(
    t,
    `mutation($customerId: ID!, $channel: ChannelInput!) {
      addCustomerChannel(customerId: $customerId, channel: $channel) { channel { id type value createdAt } ${VERSIONED} ${USER_ERRORS} }
    }`,
    { customerId, channel },
  );
  return data.addCustomerChannel;
}

export async function removeChannel(t: TestServer, customerId: string, channelId: string): Promise<VersionedPayload> {
  const data = await gql<{ removeCustomerChannel: VersionedPayload }>(
    t,
    `mutation($customerId: ID!, $channelId: ID!) {
      removeCustomerChannel(customerId: $customerId, channelId: $channelId) { ${VERSIONED} ${USER_ERRORS} }
    }`,
    { customerId, channelId },
  );
  return data.removeCustomerChannel;
}

export async function addFlag(t: TestServer, customerId: string, flag: string): Promise<VersionedPayload> {
  const data = await gql<{ addCustomerFlag: VersionedPayload }>(
    t,
    `mutation($customerId: ID!, $flag: String!) { addCustomerFlag(customerId: $customerId, flag: $flag) { ${VERSIONED} ${USER_ERRORS} } }`,
    { customerId, flag },
  );
  return data.addCustomerFlag;
}

export async function removeFlag(t: TestServer, customerId: string, flag: string): Promise<VersionedPayload> {
  const data = await gql<{ removeCustomerFlag: VersionedPayload }>(
    t,
    `mutation($customerId: ID!, $flag: String!) { removeCustomerFlag(customerId: $customerId, flag: $flag) { ${VERSIONED} ${USER_ERRORS} } }`,
    { customerId, flag },
  );
  return data.removeCustomerFlag;
}

export async function recordActivity(t: TestServer, input: Record<string, unknown>): Promise<ActivityPayload> {
  const data = await gql<{ recordCustomerActivity: ActivityPayload }>(
    t,
    `mutation($input: RecordCustomerActivityInput!) {
      recordCustomerActivity(input: $input) { activity { ${ACTIVITY_FIELDS} } ${USER_ERRORS} }
    }`,
    { input },
  );
  return data.recordCustomerActivity;
}

/** The customer's version and updatedAt as the API reports them now. */
export async function versionOf(t: TestServer, id: string): Promise<{ version: number; updatedAt: string }> {
  const data = await gql<{ customer: { version: number; updatedAt: string } | null }>(
    t,
    'query($id: ID!) { customer(id: $id) { version updatedAt } }',
    { id },
  );
  if (!data.customer) throw new Error(`customer ${id} not found`);
  return data.customer;
}

/** The activity rows stored for a customer, oldest first, as the database holds them. */
export async function storedActivities(t: TestServer, customerId: string): Promise<Array<{ type: string; origin: string; data: string }>> {
  return t.sql('SELECT type, origin, data FROM customer_activities WHERE customer_id = ? ORDER BY occurred_at, id', [customerId]);
}

/** How many rows of `table` belong to the customer. */
export async function countChildRows(
  t: TestServer,
  table: 'customer_channels' | 'customer_flags' | 'customer_activities',
  customerId: string,
) {
  const [row] = await t.sql<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${table} WHERE customer_id = ?`, [customerId]);
  return Number(row!.n);
}

/** Waits until the clock has moved past `iso`, so a later write gets a later timestamp. */
export async function clockPast(iso: string): Promise<void> {
  while (Date.now() <= Date.parse(iso)) await new Promise((resolve) => setTimeout(resolve, 2));
}
