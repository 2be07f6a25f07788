import pg from 'pg';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.js';

describe('embedded PostgreSQL', () => {
  it('starts a real server, keeps data across a restart, and stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-embedded-'));
    const first = await startEmbeddedPostgres(dir);
    const c1 = new pg.Client({ connectionString: first.url });
    await c1.connect();
    await c1.query('CREATE TABLE kept (v text)');
    await c1.query(`INSERT INTO kept VALUES ('still here')`);
    const version = await c1.query<{ server_version_num: string }>('SHOW server_version_num');
    await c1.end();
    await first.stop();

    const second = await startEmbeddedPostgres(dir);
    const c2 = new pg.Client({ connectionString: second.url });
    await c2.connect();
    const rows = await c2.query<{ v: string }>('SELECT v FROM kept');
    await c2.end();
    await second.stop();

    expect(Number(version.rows[0].server_version_num)).toBeGreaterThanOrEqual(180000);
    expect(rows.rows).toEqual([{ v: 'still here' }]);
  });
});
