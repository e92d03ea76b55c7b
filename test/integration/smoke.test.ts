import { describeDb, startTestServer, TestServer } from '../helpers/test-server';

describeDb('smoke', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());
  it('creates and reads', async () => {
    const created = await t.graphql<any>(`mutation { createCustomer(input: { givenName: "Ada", familyName: "Lovelace", emailAddress: "ada@example.com", phoneNumber: "+49 30 726219941", languageCode: "en-us" }) { customer { id name version phoneNumber languageCode createdAt metadata } userErrors { field code message } } }`);
    console.log(JSON.stringify(created));
    const list = await t.graphql<any>(`{ customers(first: 5) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }`);
    console.log(JSON.stringify(list));
  });
});
