/**
 * One idle transaction anywhere in the cluster (here: in another database) hides every later event from the log's
 * readers, so the projections' lag, counted through the same rule, says 0. Health and metrics must say what is hidden
 * and which transaction holds it back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { goodTally, startTestApp, type TestApp } from './support/app.js';
import { createTestDatabase, type TestDatabase } from './support/test-db.js';

describe('hidden lag behind an open transaction (e2e)', () => {
  let t: TestApp;
  let elsewhere: TestDatabase;
  let officer: string;

  beforeAll(async () => {
    t = await startTestApp({}, 'hiddenlag');
    elsewhere = await createTestDatabase('hiddenlagother');
    officer = await t.login('1673061002001', '123456');
  });
  afterAll(async () => {
    await t?.close();
    await elsewhere?.drop();
  });

  it('reports the hidden events and the idle transaction on /api/health and /api/metrics, then recovers', async () => {
    const holder = new pg.Client({ connectionString: elsewhere.url, application_name: 'forgotten-psql' });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()'); // an xid: from here every later commit is hidden
      const w = await t.call('POST', `/api/tps/1673061002001/tally`, { token: officer, body: goodTally() });
      expect(w.status).toBe(201);
      await new Promise((r) => setTimeout(r, 1100));

      // The oldest xid holder is cluster-wide: a test file running beside this one may briefly hold an older one.
      let health = await t.call('GET', '/api/health');
      for (
        const end = Date.now() + 10_000;
        health.body.eventLog?.oldestXidTransaction?.application !== 'forgotten-psql' && Date.now() < end;
      ) {
        await new Promise((r) => setTimeout(r, 100));
        health = await t.call('GET', '/api/health');
      }
      expect(health.status).toBe(200);
      // The lag through the rule sees nothing...
      for (const p of health.body.projections as { eventsBehind: number }[]) expect(p.eventsBehind).toBe(0);
      // ...the new report does.
      // At least the tally (other parts of the app may append on their own meanwhile).
      expect(health.body.eventLog.hiddenEvents).toBeGreaterThanOrEqual(1);
      expect(health.body.eventLog).toMatchObject({
        hiddenCapped: false,
        oldestXidTransaction: { database: elsewhere.name, application: 'forgotten-psql', state: 'idle in transaction' },
      });
      expect(health.body.eventLog.oldestXidTransaction.seconds).toBeGreaterThanOrEqual(1);

      const metrics = await t.call('GET', '/api/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('# TYPE sipantaumilu_event_log_hidden_events gauge');
      const hidden = /^sipantaumilu_event_log_hidden_events (\d+)$/m.exec(metrics.body as string);
      expect(Number(hidden?.[1])).toBeGreaterThanOrEqual(1);
      const age = /^sipantaumilu_event_log_oldest_xid_transaction_seconds (\S+)$/m.exec(metrics.body as string);
      expect(Number(age?.[1])).toBeGreaterThanOrEqual(1);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    const after = await t.call('GET', '/api/health');
    expect(after.body.eventLog).toMatchObject({ hiddenEvents: 0 });
  });

  it('names an xid-holding transaction open longer than 10 s in warnings', async () => {
    const holder = new pg.Client({ connectionString: elsewhere.url, application_name: 'long-report' });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()');
      const deadline = Date.now() + 15_000;
      let warnings: string[] = [];
      while (Date.now() < deadline) {
        warnings = (await t.call('GET', '/api/health')).body.warnings as string[];
        if (warnings.some((w) => w.includes('long-report'))) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(warnings).toEqual([expect.stringContaining('long-report')]);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });
});
