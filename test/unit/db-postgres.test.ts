/**
 * The flow database on PostgreSQL: see db-backend-suite.ts for what is tested. The server is the one named by
 * WIRELENS_TEST_PG_URL (.ci/run starts one), else a throwaway cluster made here (db-helpers.ts startPg).
 */
import { afterAll, beforeAll, it } from 'vitest';
import { backendSuite } from './db-backend-suite';
import { startPg, type PgStart } from './db-helpers';

let pg: PgStart | null = null;
let why: string | null = 'the PostgreSQL server is not started yet';

beforeAll(async () => {
  pg = await startPg();
  why = pg.skipReason;
  if (why !== null) console.log(`PostgreSQL tests skipped: ${why}`);
}, 120_000);

afterAll(async () => {
  await pg?.server?.stop();
});

it('has a PostgreSQL server to test against, or says why not', () => {
  if (why !== null) console.log(`PostgreSQL tests skipped: ${why}`);
});

backendSuite({
  dialect: 'postgres',
  skipReason: () => why,
  newDatabase: async () => {
    if (pg?.server == null) throw new Error(why ?? 'no PostgreSQL server');
    return pg.server.newDatabase();
  },
});
