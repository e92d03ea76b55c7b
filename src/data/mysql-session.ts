import mysql2, { Pool, PoolConnection, PoolOptions } from 'mysql2';
import { createConnection } from 'mysql2/promise';

/** MariaDB and MySQL differ in the SQL of the per-statement time limit. */
export type MysqlFlavour = 'mariadb' | 'mysql';

/** Asks the server once, at start, which of the two it is. */
export async function detectMysqlFlavour(options: {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}): Promise<MysqlFlavour> {
  // Only the connection's own fields: callers pass whole database settings, and mysql2 warns on every unknown option.
  const { host, port, user, password, database } = options;
  const connection = await createConnection({ host, port, user, password, database, connectTimeout: 3000 });
  try {
    const [rows] = await connection.query<mysql2.RowDataPacket[]>('SELECT VERSION() AS version');
    return String(rows[0]?.version ?? '').includes('MariaDB') ? 'mariadb' : 'mysql';
  } finally {
    await connection.end();
  }
}

/**
 * The statement that limits how long one statement may run on a session:
 * MariaDB's `max_statement_time` (seconds, any statement) or MySQL's
 * `max_execution_time` (milliseconds, read-only SELECTs).
 */
export function statementTimeoutSql(flavour: MysqlFlavour, timeoutMs: number): string {
  return flavour === 'mariadb'
    ? `SET SESSION max_statement_time = ${(timeoutMs / 1000).toFixed(3)}`
    : `SET SESSION max_execution_time = ${Math.round(timeoutMs)}`;
}

/**
 * The mysql2 module as TypeORM should use it: the same, except that every
 * connection the pool opens runs `sessionSql` first (the pool emits
 * `connection` before handing a new connection out, and a connection runs its
 * queries in order, so no statement of ours can run before it).
 */
export function mysqlDriverWithSessionSetup(sessionSql: string, onError: (error: Error) => void): typeof mysql2 {
  return {
    ...mysql2,
    createPool(options: PoolOptions | string): Pool {
      const pool = mysql2.createPool(options as PoolOptions);
      pool.on('connection', (connection: PoolConnection) => {
        connection.query(sessionSql, (error) => {
          if (error) onError(error);
        });
      });
      return pool;
    },
  } as typeof mysql2;
}
