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
    const bounds = await c1.query<{ name: string; setting: string; unit: string }>(
      `SELECT name, setting, unit FROM pg_settings WHERE name IN ('idle_in_transaction_session_timeout', 'transaction_timeout') ORDER BY name`,
    );
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
    // A forgotten open transaction would hide every later event from the log's readers: the server ends it.
    expect(bounds.rows).toEqual([
      { name: 'idle_in_transaction_session_timeout', setting: '60000', unit: 'ms' },
      { name: 'transaction_timeout', setting: '600000', unit: 'ms' },
    ]);
  });
});
