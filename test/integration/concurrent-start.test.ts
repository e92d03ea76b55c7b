import { onTestServer, serverUrl } from '../helpers/mysql-server';
import { describeDb, dialect, startTestServer, TestServer } from '../helpers/test-server';

describeDb('replicas starting together', () => {
  // SQLite runs its migrations on the one connection of the one process that opens the file.
  (dialect === 'mysql' ? it : it.skip)(
    'three servers started at once on one empty MariaDB database all come up, migrated once',
    async () => {
      const name = `customer_test_start_${process.pid}_${Date.now() % 100000}`;
      await onTestServer([`DROP DATABASE IF EXISTS ${name}`, `CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`]);
      const servers: TestServer[] = [];
      try {
        const started = await Promise.allSettled([0, 1, 2].map(() => startTestServer({}, { databaseUrl: serverUrl(name) })));
        for (const outcome of started) if (outcome.status === 'fulfilled') servers.push(outcome.value);
        expect(started.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'started'))).toEqual([
          'started',
          'started',
          'started',
        ]);
        const [t] = servers;
        const migrations = await t!.sql<{ n: number | string }>('SELECT COUNT(*) AS n FROM migrations');
        const distinct = await t!.sql<{ n: number | string }>('SELECT COUNT(DISTINCT name) AS n FROM migrations');
        expect(Number(migrations[0]!.n)).toBe(Number(distinct[0]!.n));
        expect((await t!.graphql('{ customers(first: 1) { totalCount } }')).errors).toBeUndefined();
      } finally {
        for (const server of servers) await server.close();
        await onTestServer([`DROP DATABASE IF EXISTS ${name}`]);
      }
    },
  );
});
