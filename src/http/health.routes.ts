import { Router } from 'express';
import { Database } from '../data/database';

export interface Lifecycle {
  /** Set once shutdown begins: readiness turns 503 so the router stops sending traffic. */
  shuttingDown: boolean;
}

/** `/health` answers while the process runs; `/ready` only while the database answers and no shutdown is under way. */
export function healthRoutes(database: Database, lifecycle: Lifecycle): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    if (lifecycle.shuttingDown) {
      res.status(503).json({ status: 'shutting down' });
      return;
    }
    const databaseAnswers = await database.ping();
    res.status(databaseAnswers ? 200 : 503).json({ status: databaseAnswers ? 'ready' : 'database unavailable' });
  });
  return router;
}
