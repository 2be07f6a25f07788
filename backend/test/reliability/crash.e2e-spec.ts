import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '../../src/database/embedded-postgres.js';
import { comparePositionStrings } from '../../src/live/live.contract.js';
import { READ_MODEL_TABLES } from '../../src/projections/testing/model.js';
import { callApi } from './support/child-backend.js';
import { startFaultRig, type FaultRig } from './support/fault-rig.js';
import { LiveMirror } from './support/live-mirror.js';
import { eventually, withDb } from './support/wait.js';

// Two kelurahan of Lubuk Linggau Timur I (13 and 23 TPS), so kelurahan totals move in more than one place.
const OFFICERS = ['1673011002', '1673011003'].flatMap((kel) => Array.from({ length: 8 }, (_, i) => `${kel}00${i + 1}`));
const KILLS = 3;

interface Attempt {
  tps: string;
  key: string;
  n: number;
  /** The answer: eventId and position of a 2xx, else null (no answer, or an answer that does not say it is durable). */
  ok: { eventId: string; position: string } | null;
}

const dumpReadModels = (url: string) =>
  withDb(url, async (c) => {
    const out: Record<string, unknown[]> = {};
    for (const [t, key] of Object.entries(READ_MODEL_TABLES)) out[t] = (await c.query(`SELECT * FROM ${t} ORDER BY ${key}`)).rows;
    return out;
  });

describe('crash: SIGKILL under steady concurrent writes, three times', () => {
  let rig: FaultRig;
  let mirror: LiveMirror | undefined;

  // A fixed port, so the officers' phones and the wall's socket find the restarted backend where the old one was.
  beforeAll(async () => {
    rig = await startFaultRig('crash', { PORT: String(await freePort()) });
  }, 120_000);
  afterAll(async () => {
    mirror?.close();
    await rig?.close();
  }, 60_000);

  it('keeps every acknowledged write exactly once, settles unanswered ones by retry, and rebuilds to the same read models', async () => {
    const url = rig.backend.url;
    const tokens = new Map<string, string>();
    for (const tps of OFFICERS) tokens.set(tps, await rig.backend.login(tps, '123456'));
    mirror = new LiveMirror(url, await rig.backend.login('display', 'display123'));

    const attempts: Attempt[] = [];
    let acked = 0;
    let stop = false;
    const post = (tps: string, key: string, n: number) =>
      callApi(url, 'POST', `/api/tps/${tps}/incidents`, {
        token: tokens.get(tps),
        body: { category: 'logistics', severity: 'low', description: `Laporan ${n} dari TPS ${tps}` },
        headers: { 'idempotency-key': key },
        timeoutMs: 15_000,
      });
    // Each officer writes one report after another, as fast as the answers come. A write cut off by the kill counts as
    // unanswered; the phone then waits until the backend is back (it would keep retrying) and goes on with a new report.
    let backUp: Promise<void> = Promise.resolve();
    const writers = OFFICERS.map(async (tps) => {
      for (let n = 1; !stop; n++) {
        const key = `crash-${tps}-${n}`;
        const a: Attempt = { tps, key, n, ok: null };
        attempts.push(a);
        try {
          const r = await post(tps, key, n);
          if (r.status >= 200 && r.status < 300) {
            a.ok = { eventId: r.body.eventId, position: r.body.position };
            acked++;
          }
        } catch {
          await backUp;
        }
      }
    });

    const ackedAtLeast = (n: number) => eventually(`${n} writes acknowledged`, async () => (acked >= n ? true : undefined), 60_000, 20);
    for (let k = 1; k <= KILLS; k++) {
      // A random moment, but only after the restarted backend has taken some writes (so each kill lands mid-traffic).
      await ackedAtLeast(acked + 20 + Math.floor(Math.random() * 60));
      // The wall reconnects after each restart before the next kill: "reconnected each time", not once for two kills.
      await eventually(`the wall's socket connected ${k} times`, async () => (mirror!.connects >= k ? true : undefined), 30_000, 20);
      let up = () => undefined as void;
      backUp = new Promise((r) => (up = r));
      await rig.backend.stop('SIGKILL');
      await rig.restart();
      up();
    }
    await ackedAtLeast(acked + 30);
    stop = true;
    await Promise.all(writers);

    // 1. Every 2xx is stored exactly once, with the event id it answered.
    const stored = await withDb(
      rig.db.url,
      async (c) =>
        (await c.query<{ k: string; id: string }>(`SELECT metadata->>'idempotencyKey' AS k, event_id AS id FROM es.events`)).rows,
    );
    const idsByKey = new Map<string, string[]>();
    for (const r of stored) idsByKey.set(r.k, [...(idsByKey.get(r.k) ?? []), r.id]);
    const acknowledged = attempts.filter((a) => a.ok);
    expect(acknowledged.filter((a) => JSON.stringify(idsByKey.get(a.key)) !== JSON.stringify([a.ok!.eventId]))).toEqual([]);

    // 2. Unanswered writes are absent or present once; a retry with the same key settles which, and then it is once.
    const unanswered = attempts.filter((a) => !a.ok);
    expect(unanswered.filter((a) => (idsByKey.get(a.key)?.length ?? 0) > 1)).toEqual([]);
    const settled: Awaited<ReturnType<typeof post>>[] = [];
    for (const a of unanswered) settled.push(await post(a.tps, a.key, a.n));
    expect(settled.filter((r) => r.status !== 201).map((r) => [r.status, r.body])).toEqual([]);
    const present = unanswered.filter((a) => idsByKey.has(a.key));
    expect(present.map((a) => settled[unanswered.indexOf(a)].body.replayed)).toEqual(present.map(() => true));
    const after = await withDb(
      rig.db.url,
      async (c) =>
        (
          await c.query<{ n: string; keys: string }>(
            `SELECT count(*) AS n, count(DISTINCT metadata->>'idempotencyKey') AS keys FROM es.events`,
          )
        ).rows[0],
    );
    expect([Number(after.n), Number(after.keys)]).toEqual([attempts.length, attempts.length]);

    // 3. The read models, projected across three crashes, equal a rebuild from zero.
    const positions = [...acknowledged.map((a) => a.ok!.position), ...settled.map((r) => r.body.position as string)];
    const head = positions.sort(comparePositionStrings).at(-1)!;
    const admin = await rig.backend.login('admin', 'admin123');
    const rest = await eventually('projections reach the last write', async () => {
      const r = await rig.backend.call('GET', `/api/summary?minPosition=${head}`, { token: admin });
      return r.status === 200 ? r.body : undefined;
    });
    const incremental = await dumpReadModels(rig.db.url);
    expect(incremental.rm_incident).toHaveLength(attempts.length);
    const rebuild = await rig.backend.call('POST', '/api/admin/projections/rebuild', { token: admin, body: {}, timeoutMs: 60_000 });
    expect([rebuild.status, rebuild.status === 200 ? null : rebuild.body]).toEqual([200, null]);
    expect(await dumpReadModels(rig.db.url)).toEqual(incremental);

    // 4. The wall's socket reconnected after every kill and ends equal to the REST answers.
    const final = await eventually('the wall reaches the last position', async () =>
      mirror!.summary && comparePositionStrings(mirror!.position, rest.position) >= 0 ? mirror : undefined,
    );
    expect(final.connects).toBeGreaterThanOrEqual(KILLS + 1);
    expect(final.resumeErrors).toEqual([]);
    const restTps = (await rig.backend.call('GET', '/api/tps', { token: admin })).body as { id: string }[];
    const restIncidents: { incidentId: string }[] = [];
    for (let cursor: string | null = ''; cursor !== null;) {
      const page = await rig.backend.call('GET', `/api/incidents${cursor ? `?cursor=${cursor}` : ''}`, { token: admin });
      // `deadlines` is worked out at read time from the deadline policy and the clock (the posko's list), not projected:
      // the live channel's views do not carry it.
      for (const { deadlines: _d, ...view } of page.body as { incidentId: string; deadlines?: unknown }[]) restIncidents.push(view);
      cursor = page.headers.get('x-next-cursor');
    }
    const { position: _p, updatedAt: _u, ...restTotals } = rest;
    const { position: _mp, updatedAt: _mu, ...wallTotals } = final.summary!;
    expect(wallTotals).toEqual(restTotals);
    const touched = restTps.filter((t) => OFFICERS.includes(t.id));
    expect(touched.map((t) => final.tps.get(t.id)?.view)).toEqual(touched);
    // The mirror's later pages came from the same list, so they carry `deadlines` too: compared without it.
    const mirrored = restIncidents.map((i) => {
      const { deadlines: _d, ...view } = (final.incidents.get(i.incidentId)?.view ?? {}) as { deadlines?: unknown };
      return view;
    });
    expect(mirrored.length).toBe(attempts.length);
    expect(mirrored).toEqual(restIncidents);
  }, 240_000);
});
