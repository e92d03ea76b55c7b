import { buildConnection } from '../../src/core/paging/connection';
import { PageRequest } from '../../src/core/paging/page-request';

/** Rows that count how often edges are made of them (the only `map` over a page's rows). */
class CountedRows<T> extends Array<T> {
  static override get [Symbol.species]() {
    return Array;
  }

  mapped = 0;

  override map<U>(callback: (value: T, index: number, array: T[]) => U): U[] {
    this.mapped += 1;
    return super.map(callback);
  }
}

const forward: PageRequest = { size: 2, direction: 'forward', after: null, before: null };

describe('a connection value', () => {
  it('builds its edges and signs their cursors only when a query reads them, and once', () => {
    const rows = CountedRows.from(['a', 'b']) as CountedRows<string>;
    const signed: string[] = [];
    const connection = buildConnection(
      { rows, hasMore: true },
      forward,
      (row) => {
        signed.push(row);
        return `cursor:${row}`;
      },
      () => Promise.resolve(2),
    );

    // `customers { nodes { flags { nodes { name } } } }` reads these only.
    expect([...connection.nodes]).toEqual(['a', 'b']);
    expect(connection.pageInfo.hasNextPage).toBe(true);
    expect({ mapped: rows.mapped, signed }).toEqual({ mapped: 0, signed: [] });

    expect(connection.pageInfo.endCursor).toBe('cursor:b');
    expect(connection.edges.map((edge) => edge.cursor)).toEqual(['cursor:a', 'cursor:b']);
    expect(connection.pageInfo.startCursor).toBe('cursor:a');
    expect({ mapped: rows.mapped, signed }).toEqual({ mapped: 1, signed: ['b', 'a'] });
  });

  it('has null end cursors on an empty page', () => {
    const connection = buildConnection({ rows: [], hasMore: false }, forward, String, () => Promise.resolve(0));
    expect(connection.pageInfo).toMatchObject({ startCursor: null, endCursor: null, hasNextPage: false, hasPreviousPage: false });
    expect(connection.edges).toEqual([]);
  });
});
