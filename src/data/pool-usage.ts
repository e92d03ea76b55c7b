import { DataSource } from 'typeorm';
import { PoolUsage } from '../core/metrics/metrics';

/** The connection-pool counters mysql2 keeps (it has no public accessor for them). */
interface Mysql2PoolInternals {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
}

/** How many database connections are open and lent out. SQLite has its one connection, always open. */
export function poolUsage(dataSource: DataSource): PoolUsage {
  if (dataSource.options.type !== 'mysql') return { total: dataSource.isInitialized ? 1 : 0, busy: 0 };
  const pool = (dataSource.driver as unknown as { pool?: Mysql2PoolInternals }).pool;
  const total = pool?._allConnections?.length ?? 0;
  const idle = pool?._freeConnections?.length ?? 0;
  return { total, busy: Math.max(0, total - idle) };
}
