import { join } from 'node:path';

/** Each MySQL test file appends its name here when it starts; .ci/run checks the file to prove the MySQL half ran. */
export const MYSQL_RUN_MARKER = join(__dirname, '..', '..', 'test-results', 'mysql-files-run.txt');
