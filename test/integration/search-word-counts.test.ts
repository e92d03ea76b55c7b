import { EntityManager } from 'typeorm';
import { rarestWord } from '../../src/data/repositories/customer-search';
import { searchWords } from '../../src/core/search/search-text';
import { uniqueLetters } from '../helpers/customer-api';
import { describeDb, dialect, startTestServer, TestServer } from '../helpers/test-server';

jest.setTimeout(60_000);

/*
 * How a search page learns which of its words is the rarest (rarestWord): from counts only on SQLite;
 * on MySQL/MariaDB from the index's estimates, with the likeliest counted exactly, and all of them
 * counted when that one is not under the limit. The estimates of a few terms are exact, so the cases
 * where an estimate misleads are made here by changing what the EXPLAIN answers.
 */
describeDb('the rarest word of a search', () => {
  let t: TestServer;
  let tag: string;
  /** 2 terms of "two…", 5 of "five…", 9 of "nine…" (of ids that are no customers: counting is all that is asked). */
  const sizes = { two: 2, five: 5, nine: 9 };

  beforeAll(async () => {
    t = await startTestServer();
    tag = uniqueLetters();
    for (const [word, size] of Object.entries(sizes)) {
      const rows = Array.from({ length: size }, (_, index) => [
        'default',
        `cus_${word}${index}`,
        '',
        `${word}${tag}`,
        '2026-01-01 00:00:00.000',
      ]);
      await t.sql(
        `INSERT INTO customer_search_terms (brand, customer_id, channel_id, term, created_at) VALUES ${rows.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
        rows.flat(),
      );
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  /**
   * The server's entity manager with every statement recorded, and the EXPLAIN's row estimates
   * replaced by `estimates` (by the table alias of each word, e0, e1, …) when given.
   */
  function recordingManager(estimates?: number[]): { manager: EntityManager; statements: string[] } {
    const real = t.server.dataSource.manager;
    const statements: string[] = [];
    const manager = {
      connection: real.connection,
      async query(sql: string, parameters?: unknown[]): Promise<unknown> {
        statements.push(sql);
        const rows = (await real.query(sql, parameters)) as Array<{ table?: string; rows?: number }>;
        if (!sql.startsWith('EXPLAIN ') || estimates === undefined) return rows;
        return rows.map((row) => ({ ...row, rows: estimates[Number(String(row.table).slice(1))] }));
      },
    };
    // Only `connection` and `query` are what rarestWord uses of a manager.
    return { manager: manager as unknown as EntityManager, statements };
  }

  const words = () => searchWords(`nine${tag} two${tag} five${tag}`);

  it('finds the rarest word with its exact count, and counts every word up to the limit on SQLite', async () => {
    const { manager, statements } = recordingManager();
    const rarest = await rarestWord(manager, 'default', words(), 100);
    expect({ index: rarest.index, count: rarest.count }).toEqual({ index: 1, count: 2 });
    if (dialect === 'sqlite') {
      expect(rarest.counts).toEqual([9, 2, 5]);
      expect(statements).toHaveLength(1);
    } else {
      // The estimates, then the one word they show rarest, counted.
      expect(statements).toHaveLength(2);
      expect(statements[0]).toMatch(/^EXPLAIN /);
    }
  });

  it('counts a single word, whatever the database', async () => {
    const { manager, statements } = recordingManager();
    const rarest = await rarestWord(manager, 'default', searchWords(`five${tag}`), 100);
    expect(rarest).toEqual({ index: 0, count: 5, counts: [5] });
    expect(statements.some((sql) => sql.startsWith('EXPLAIN '))).toBe(false);
  });

  if (dialect !== 'mysql') return;

  it('takes the other words’ counts from the estimates, and counts only the word they show rarest', async () => {
    const { manager, statements } = recordingManager([900, 40, 70]);
    expect(await rarestWord(manager, 'default', words(), 100)).toEqual({ index: 1, count: 2, counts: [900, 2, 70] });
    expect(statements).toHaveLength(2);
  });

  it('follows the estimates to a word that is not the rarest, as long as it is under the limit', async () => {
    // "five…" looks rarest: it drives (5 terms, under 100); which word drives changes the plan, not the answer.
    const { manager } = recordingManager([900, 40, 3]);
    expect(await rarestWord(manager, 'default', words(), 100)).toEqual({ index: 2, count: 5, counts: [900, 40, 5] });
  });

  it('counts every word when the word the estimates show rarest is not under the limit, so the decision rests on counts', async () => {
    // "nine…" looks rarest but has 9 terms, not under 7; "two…" has 2, and must still be found to drive.
    const { manager, statements } = recordingManager([1, 40, 70]);
    expect(await rarestWord(manager, 'default', words(), 7)).toEqual({ index: 1, count: 2, counts: [7, 2, 5] });
    expect(statements).toHaveLength(3);
  });
});
