/** The flow database on SQLite (the embedded default): see db-backend-suite.ts for what is tested. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { backendSuite } from './db-backend-suite';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wl-sqlite-'));
let n = 0;

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

backendSuite({
  dialect: 'sqlite',
  skipReason: () => null,
  newDatabase: async () => `sqlite:${path.join(dir, `flows-${n++}.sqlite`)}`,
});
