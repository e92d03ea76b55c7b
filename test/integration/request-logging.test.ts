import { randomInt } from 'node:crypto';
import { Writable } from 'node:stream';
import { CREATE_CUSTOMER, dataOf, gql, PayloadView, uniqueLetters, UPDATE_CUSTOMER } from '../helpers/customer-api';
import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

/** Every line the server logs, kept as written and parsed. */
class CapturedLog extends Writable {
  readonly text: string[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text.push(chunk.toString());
    done();
  }

  lines(): Array<Record<string, unknown>> {
    return this.text
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  requestLines(requestId?: string): Array<Record<string, unknown>> {
    return this.lines().filter((line) => line.msg === 'request' && (requestId === undefined || line.requestId === requestId));
  }

  /** The request line is written when the response has been handed to the socket, which may be just after the client read it. */
  async requestLine(requestId: string): Promise<Record<string, unknown>> {
    for (let attempt = 0; attempt < 100 && this.requestLines(requestId).length === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const lines = this.requestLines(requestId);
    expect(lines).toHaveLength(1);
    return lines[0]!;
  }
}

/** Waits until the server has issued no SQL for a while: the expired idempotency keys are removed just after start, outside any request. */
async function untilNoStatements(t: TestServer): Promise<void> {
  let last = Date.now();
  const stop = t.server.statementLog.subscribe(() => {
    last = Date.now();
  });
  try {
    while (Date.now() - last < 250) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    stop();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let requestSequence = 0;
function newRequestId(): string {
  requestSequence += 1;
  return `test-${process.pid}-${requestSequence}`;
}

/** A Berlin number unique enough to be found in a log: E.164 and the notation a person types. */
function phoneNumber(): { e164: string; typed: string } {
  const subscriber = String(randomInt(1_000_000, 9_999_999));
  return { e164: `+4930${subscriber}`, typed: `+49 30 ${subscriber.slice(0, 3)} ${subscriber.slice(3)}` };
}

const CREATE_WITH_KEY = /* GraphQL */ `
  mutation Create($input: CreateCustomerInput!, $key: String) {
    createCustomer(input: $input, idempotencyKey: $key) {
      customer {
        id
        phoneNumber
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

const LIST_CUSTOMERS = /* GraphQL */ `
  query ListCustomers {
    customers {
      totalCount
    }
  }
`;

describeDb.each(['info', 'trace'] as const)('request logging at LOG_LEVEL=%s', (level) => {
  let t: TestServer;
  const log = new CapturedLog();

  beforeAll(async () => {
    t = await startTestServer({ LOG_LEVEL: level }, { logDestination: log });
    await untilNoStatements(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  async function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  describe('one line per GraphQL request', () => {
    it('logs request id, operation, status, duration, the real statement count and the outcome', async () => {
      const requestId = newRequestId();
      const { result: response, count } = await t.countStatements(() => post({ query: LIST_CUSTOMERS }, { 'x-request-id': requestId }));
      expect(response.status).toBe(200);
      dataOf((await response.json()) as { data: unknown });
      const line = await log.requestLine(requestId);
      expect(line).toMatchObject({
        level: 30,
        service: 'customer-subgraph',
        requestId,
        operation: 'ListCustomers',
        status: 200,
        statements: count,
        outcome: 'ok',
      });
      expect(count).toBeGreaterThanOrEqual(1);
      expect(typeof line.durationMs).toBe('number');
      expect(line.durationMs).toBeGreaterThanOrEqual(0);
      expect(line.durationMs).toBeLessThan(10_000);
      expect(line).not.toHaveProperty('errorCodes');
    });

    it('logs exactly one line for each of several requests, also concurrent ones, and none for health, readiness or metrics', async () => {
      const before = log.requestLines().length;
      const ids = Array.from({ length: 12 }, () => newRequestId());
      await Promise.all(ids.map((id) => post({ query: LIST_CUSTOMERS }, { 'x-request-id': id }).then((response) => response.json())));
      const base = new URL(t.server.url);
      for (const path of ['/health', '/ready', '/metrics']) {
        expect((await fetch(new URL(path, base))).status).toBe(200);
      }
      for (const id of ids) await log.requestLine(id);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(log.requestLines().length).toBe(before + ids.length);
    });

    it('logs a failed operation as an error with its codes', async () => {
      const requestId = newRequestId();
      const { result: response, count } = await t.countStatements(() =>
        post({ query: 'query FirstZero { customers(first: 0) { totalCount } }' }, { 'x-request-id': requestId }),
      );
      const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
      expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(await log.requestLine(requestId)).toMatchObject({
        requestId,
        operation: 'FirstZero',
        statements: count,
        outcome: 'error',
        errorCodes: ['BAD_USER_INPUT'],
      });
    });

    it('logs a request that never reaches an operation (a body that is not JSON) as an error with no operation', async () => {
      const requestId = newRequestId();
      const response = await fetch(t.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: '{"query": ',
      });
      expect(response.status).toBe(400);
      expect(await log.requestLine(requestId)).toMatchObject({ requestId, operation: null, status: 400, statements: 0, outcome: 'error' });
    });
  });

  describe('x-request-id', () => {
    it('uses the caller’s id and returns it', async () => {
      const response = await post({ query: LIST_CUSTOMERS }, { 'x-request-id': 'abc-123' });
      expect(response.headers.get('x-request-id')).toBe('abc-123');
      await response.json();
      expect((await log.requestLine('abc-123')).operation).toBe('ListCustomers');
    });

    it('generates a UUID when there is none, and returns it', async () => {
      const response = await post({ query: LIST_CUSTOMERS });
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toMatch(UUID);
      await response.json();
      await log.requestLine(requestId!);
    });

    it('generates a fresh id for every request', async () => {
      const ids = new Set<string | null>();
      for (let index = 0; index < 5; index += 1) {
        const response = await post({ query: LIST_CUSTOMERS });
        await response.json();
        ids.add(response.headers.get('x-request-id'));
      }
      expect(ids.size).toBe(5);
    });

    it.each([
      ['spaces', 'abc 123'],
      ['a line break', 'abc\r\ninjected: yes'],
      ['500 characters', 'a'.repeat(500)],
      ['quotes and braces', '"},{"level":60'],
    ])('replaces an id with %s by a generated one', async (_label, given) => {
      let response: Response;
      try {
        response = await post({ query: LIST_CUSTOMERS }, { 'x-request-id': given });
      } catch {
        // fetch itself refuses some header values (line breaks): then nothing of it can reach the server or its log.
        return;
      }
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toMatch(UUID);
      await response.json();
      await log.requestLine(requestId!);
      expect(log.text.join('')).not.toContain(given);
    });
  });

  describe('personal data', () => {
    it('never logs a customer’s e-mail address, phone number or names, whatever the requests did with them', async () => {
      const person = () => {
        const given = `Given${uniqueLetters()}`;
        const family = `Family${uniqueLetters()}`;
        return { given, family, email: `${given}.${family}@pii-example.com`.toLowerCase(), phone: phoneNumber() };
      };
      const created = person();
      const updated = person();
      const invalid = person();
      const raced = person();
      const secrets: string[] = [];
      for (const p of [created, updated, invalid, raced]) secrets.push(p.given, p.family, p.email, p.phone.e164, p.phone.typed);

      const create = async (input: Record<string, unknown>, key?: string) =>
        (await gql<{ createCustomer: PayloadView }>(t, CREATE_WITH_KEY, { input, key })).createCustomer;

      // Created with every personal field, in a channel too.
      const first = await create({
        givenName: created.given,
        familyName: created.family,
        emailAddress: created.email,
        phoneNumber: created.phone.typed,
        externalId: `ext-${uniqueLetters()}`,
        channels: [
          { type: 'EMAIL', value: created.email },
          { type: 'WHATSAPP', value: created.phone.typed },
        ],
      });
      expect(first.userErrors).toEqual([]);
      const customer = first.customer!;
      expect(customer.phoneNumber).toBe(created.phone.e164);

      // Updated to other values, and an update that conflicts on version.
      const update = async (input: Record<string, unknown>) =>
        (await gql<{ updateCustomer: PayloadView }>(t, UPDATE_CUSTOMER, { input })).updateCustomer;
      const changed = await update({
        id: customer.id,
        givenName: updated.given,
        familyName: updated.family,
        emailAddress: updated.email,
        phoneNumber: updated.phone.typed,
      });
      expect(changed.userErrors).toEqual([]);
      const conflict = await update({ id: customer.id, expectedVersion: 1, givenName: created.given, emailAddress: created.email });
      expect(conflict.userErrors.map((error) => error.code)).toEqual(['VERSION_CONFLICT']);

      // Failing validation: each rule broken once, with personal data beside the broken field.
      const refused = await create({
        givenName: `${invalid.given}${'x'.repeat(100)}`,
        familyName: `${invalid.family}1`,
        emailAddress: `${invalid.email}@@`,
        phoneNumber: `${invalid.phone.typed}99999999`,
      });
      expect(refused.customer).toBeNull();
      expect(refused.userErrors.map((error) => error.code).sort()).toEqual(['INVALID', 'INVALID', 'INVALID', 'TOO_LONG']);
      const badChannel = (
        await gql<{ addCustomerChannel: { userErrors: Array<{ code: string }> } }>(
          t,
          `mutation ($id: ID!, $value: String!) { addCustomerChannel(customerId: $id, channel: { type: EMAIL, value: $value }) { userErrors { code } } }`,
          { id: customer.id, value: `${invalid.email} ${invalid.given}` },
        )
      ).addCustomerChannel;
      expect(badChannel.userErrors.map((error) => error.code)).toEqual(['INVALID']);
      // A variable of the wrong shape: the request fails before any resolver, and the error message may quote the value.
      const wrongShape = await t.graphql(CREATE_CUSTOMER, { input: { givenName: invalid.given, emailAdress: invalid.email } });
      expect(wrongShape.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      // A filter argument refused as BAD_USER_INPUT, carrying personal data.
      const refusedFilter = await t.graphql(
        'query ($email: String) { customers(first: 0, filter: { emailAddress: $email }) { totalCount } }',
        { email: invalid.email },
      );
      expect(refusedFilter.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

      // Concurrent creates racing for one externalId and for one idempotency key: unique-index violations in the database.
      const externalId = `race-${uniqueLetters()}`;
      const racedInput = {
        givenName: raced.given,
        familyName: raced.family,
        emailAddress: raced.email,
        phoneNumber: raced.phone.typed,
        externalId,
      };
      const racers = await Promise.all(Array.from({ length: 8 }, () => create(racedInput)));
      expect(racers.filter((payload) => payload.customer !== null)).toHaveLength(1);
      expect(racers.filter((payload) => payload.userErrors.some((error) => error.code === 'TAKEN'))).toHaveLength(7);
      const key = `key-${uniqueLetters()}`;
      const keyed = await Promise.all(Array.from({ length: 8 }, () => create({ ...racedInput, externalId: undefined }, key)));
      expect(new Set(keyed.map((payload) => payload.customer?.id ?? null)).size).toBe(1);

      // Queried by each personal field.
      const found = await gql<{ customers: { totalCount: number } }>(
        t,
        `query Find($email: String, $phone: String, $name: String) {
          byEmail: customers(filter: { emailAddress: $email }) { totalCount nodes { name emailAddress phoneNumber } }
          byPhone: customers(filter: { phoneNumber: $phone }) { totalCount }
          byName: customers(filter: { name: $name }) { totalCount }
          byChannel: customers(filter: { channelValue: $email }) { totalCount }
        }`,
        { email: updated.email, phone: updated.phone.typed, name: updated.family },
      );
      expect(found).toMatchObject({ byEmail: { totalCount: 1 }, byPhone: { totalCount: 1 }, byName: { totalCount: 1 } });
      const byId = await gql<{ customer: { emailAddress: string } }>(
        t,
        'query ($id: ID!) { customer(id: $id) { emailAddress channels { value } } }',
        {
          id: customer.id,
        },
      );
      expect(byId.customer.emailAddress).toBe(updated.email);

      await new Promise((resolve) => setTimeout(resolve, 100));
      const text = log.text.join('');
      expect(log.requestLines().length).toBeGreaterThanOrEqual(25);
      for (const secret of secrets) {
        expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
      }
      // The phone number's digits in any grouping: none of the subscriber numbers appears at all.
      for (const p of [created, updated, invalid, raced]) expect(text).not.toContain(p.phone.e164.slice(5));

      if (level === 'trace') {
        // Trace logs every statement, as SQL with placeholders and never with the values bound to them.
        const statements = log.lines().filter((line) => line.msg === 'sql');
        expect(statements.length).toBeGreaterThan(20);
        for (const line of statements) {
          expect(Object.keys(line).sort()).toEqual(['level', 'msg', 'service', 'sql', 'time'].sort());
        }
        const inserts = statements.map((line) => String(line.sql)).filter((sql) => /insert into\W+customers\W/i.test(sql));
        expect(inserts.length).toBeGreaterThan(0);
        for (const sql of inserts) expect(sql).toContain('?');
      } else {
        expect(log.lines().filter((line) => line.msg === 'sql')).toEqual([]);
      }
    });
  });
});
