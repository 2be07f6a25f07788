/**
 * Review findings on the live channel and reads (issue 13): incidents ordered by server time with open critical/high
 * first, client times bounded, incidents paged (HTTP and resume), officer NIP and exact GPS for operator/auditor only.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import {
  LIVE_NAMESPACE,
  LiveMessage,
  LiveRequest,
  RESUME_INCIDENTS,
  type IncidentView,
  type Positioned,
  type ResumeAnswer,
  type TpsView,
} from '../src/live/live.contract.js';
import { goodTally, startTestApp, type TestApp } from './support/app.js';

const TPS = '1673061002001';
const KEL = '1673061002';
const MINE = '1673061002005';
const HOUR = 3600_000;
/** Today in WIB, so "now" is election day and the eve rule bites (a 2024 check-in is far in the past). */
const TODAY = new Date(Date.now() + 7 * HOUR).toISOString().slice(0, 10);
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

function connect(t: TestApp, token: string): Socket {
  return io(t.url + LIVE_NAMESPACE, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
}
const connected = (s: Socket) =>
  new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });

describe('incident feed, client times and officer details (e2e)', () => {
  let t: TestApp;
  let officer: string;
  let operator: string;
  let display: string;
  let auditor: string;
  let admin: string;
  const report = (body: Record<string, unknown>, tps = TPS, token = operator) =>
    t.call('POST', `/api/tps/${tps}/incidents`, { token, body: { category: 'logistics', description: 'Kotak suara terlambat', ...body } });

  beforeAll(async () => {
    t = await startTestApp({ ELECTION_DATE: TODAY, RATE_LIMIT_WRITES_PER_MIN: '0' }, 'incfeed');
    [officer, operator, display, auditor, admin] = await Promise.all([
      t.login(TPS, '123456'),
      t.login('operator', 'operator123'),
      t.login('display', 'display123'),
      t.login('auditor', 'auditor123'),
      t.login('admin', 'admin123'),
    ]);
  });
  afterAll(() => t?.close());

  it('refuses client times far ahead or far behind with 400 REQUEST.INVALID naming the field', async () => {
    const cases: [string, string, Record<string, unknown>, string][] = [
      [
        'incident dated 9999',
        `/api/tps/${TPS}/incidents`,
        { category: 'other', severity: 'low', description: 'tes', at: '9999-12-31T23:59:59Z' },
        'at',
      ],
      ['check-in dated 2024 (London)', `/api/tps/${TPS}/check-in`, { at: '2024-02-14T06:45:00+00:00' }, 'at'],
      ['check-in 10 minutes ahead', `/api/tps/${TPS}/check-in`, { at: new Date(Date.now() + 10 * 60_000).toISOString() }, 'at'],
      [
        'tally observed tomorrow',
        `/api/tps/${TPS}/tally`,
        goodTally({ observedAt: new Date(Date.now() + 24 * HOUR).toISOString() }),
        'observedAt',
      ],
      ['tally observed a year ago', `/api/tps/${TPS}/tally`, goodTally({ observedAt: ago(365 * 24 * HOUR) }), 'observedAt'],
    ];
    for (const [label, path, body, field] of cases) {
      const r = await t.call('POST', path, { token: officer, body });
      expect({ label, status: r.status, code: r.body.code, paths: r.body.fields?.map((f: { path: string }) => f.path) }).toEqual({
        label,
        status: 400,
        code: 'REQUEST.INVALID',
        paths: [field],
      });
      expect(r.body.serverTime).toEqual(expect.any(String));
    }
    // A phone a little ahead, and one syncing a report from this morning, are fine.
    const ok = await t.call('POST', `/api/tps/${TPS}/check-in`, {
      token: officer,
      body: { at: new Date(Date.now() + 60_000).toISOString() },
    });
    expect(ok.status).toBe(201);
    expect((await report({ severity: 'low', at: ago(6 * HOUR) })).status).toBe(201);
  });

  it('orders incidents by server time, open critical and high first, and keeps the client time as occurredAt', async () => {
    const critical = await report(
      { severity: 'critical', category: 'fire', description: 'Kebakaran', at: ago(23 * HOUR) },
      '1673061002002',
    );
    const resolvedHigh = await report({ severity: 'high', at: ago(60_000) }, '1673061002003');
    const older = await report({ severity: 'low', at: ago(2 * 60_000) });
    const newer = await report({ severity: 'medium', at: ago(20 * HOUR) });
    for (const r of [critical, resolvedHigh, older, newer]) expect(r.status).toBe(201);
    const done = await t.call('POST', `/api/incidents/${resolvedHigh.body.incidentId}/resolve`, {
      token: operator,
      body: { note: 'sudah ditangani' },
    });
    expect(done.status).toBe(201);

    const r = await t.call('GET', `/api/incidents?minPosition=${done.body.position}`, { token: display });
    expect(r.status).toBe(200);
    const ids = (r.body as IncidentView[]).map((i) => i.incidentId);
    const mine = [critical, resolvedHigh, older, newer].map((x) => x.body.incidentId as string);
    // The critical one is on top although reported first and dated 23 h back; then newest first by server time.
    expect(ids.filter((id) => mine.includes(id))).toEqual([critical, newer, older, resolvedHigh].map((x) => x.body.incidentId));
    const top = (r.body as IncidentView[])[0];
    expect(top.occurredAt).toBe(new Date(Date.parse(top.occurredAt)).toISOString());
    expect(Date.now() - Date.parse(top.occurredAt)).toBeGreaterThan(22 * HOUR);
    expect(Date.now() - Date.parse(top.reportedAt)).toBeLessThan(HOUR);
  });

  it('pages GET /api/incidents with limit and cursor, in the same order as one big page', async () => {
    const all = (await t.call('GET', '/api/incidents', { token: display })).body as IncidentView[];
    expect(all.length).toBeGreaterThanOrEqual(5);
    const paged: IncidentView[] = [];
    let path: string | null = '/api/incidents?limit=2';
    while (path) {
      const r = await t.call('GET', path, { token: display });
      expect(r.status).toBe(200);
      expect(r.body.length).toBeLessThanOrEqual(2);
      paged.push(...(r.body as IncidentView[]));
      const next = r.headers.get('x-next-cursor');
      path = next ? `/api/incidents?limit=2&cursor=${next}` : null;
    }
    expect(paged.map((i) => i.incidentId)).toEqual(all.map((i) => i.incidentId));
    for (const bad of ['limit=0', 'limit=501', 'limit=abc', 'cursor=not-a-cursor']) {
      const r = await t.call('GET', `/api/incidents?${bad}`, { token: display });
      expect([bad, r.status, r.body.code, r.body.fields?.[0]?.path]).toEqual([bad, 400, 'REQUEST.INVALID', bad.split('=')[0]]);
    }
  });

  it('shows officer NIPs and exact check-in GPS to operator and auditor only, over HTTP', async () => {
    const at = { lat: -3.296712, lon: 102.861745, accuracyM: 8 };
    const own = await t.login(MINE, '123456');
    const w = await t.call('POST', `/api/tps/${MINE}/check-in`, { token: own, body: { location: at } });
    expect(w.status).toBe(201);
    await t.call('GET', `/api/tps/${MINE}?minPosition=${w.body.position}`, { token: operator });
    for (const [who, token] of [
      ['operator', operator],
      ['auditor', auditor],
    ] as const) {
      const one = (await t.call('GET', `/api/tps/${MINE}`, { token })).body as TpsView;
      expect([who, one.officer, one.location]).toEqual([who, MINE, at]);
    }
    for (const [who, token] of [
      ['display', display],
      ['admin', admin],
      ['officer', own],
    ] as const) {
      const reads = [
        (await t.call('GET', `/api/tps/${MINE}`, { token })).body as TpsView,
        ((await t.call('GET', `/api/tps?kelurahan=${KEL}`, { token })).body as TpsView[]).find((x) => x.id === MINE)!,
        ((await t.call('GET', `/api/kelurahan/${KEL}`, { token })).body.tps as TpsView[]).find((x) => x.id === MINE)!,
      ];
      for (const v of reads) expect([who, v.officer, v.location, v.kelurahanCode]).toEqual([who, 'hadir', { lat: -3.3, lon: 102.86 }, KEL]);
    }
  });

  it('shows them on the live channel (broadcasts and resume) to operator and auditor only', async () => {
    const wall = connect(t, display);
    const posko = connect(t, operator);
    await Promise.all([connected(wall), connected(posko)]);
    try {
      const seen = (s: Socket) =>
        new Promise<TpsView>((resolve) => {
          const on = (m: Positioned<TpsView>) => {
            if (m.data.id !== '1673061002004' || !m.data.location) return;
            s.off(LiveMessage.TpsUpdated, on);
            resolve(m.data);
          };
          s.on(LiveMessage.TpsUpdated, on);
        });
      const [onWall, onPosko] = [seen(wall), seen(posko)];
      const token = await t.login('1673061002004', '123456');
      const exact = { lat: -3.291234, lon: 102.854321, accuracyM: 5 };
      expect((await t.call('POST', '/api/tps/1673061002004/check-in', { token, body: { location: exact } })).status).toBe(201);
      expect(await onPosko).toMatchObject({ officer: '1673061002004', location: exact });
      expect(await onWall).toMatchObject({ officer: 'hadir', location: { lat: -3.29, lon: 102.85 }, kelurahanCode: KEL });

      const [wallResume, poskoResume] = (await Promise.all(
        [wall, posko].map((s) => s.timeout(15_000).emitWithAck(LiveRequest.Resume, { after: null })),
      )) as ResumeAnswer[];
      const pick = (a: ResumeAnswer) => a.tps.find((x) => x.id === '1673061002004');
      expect(pick(poskoResume)).toMatchObject({ officer: '1673061002004', location: exact });
      expect(pick(wallResume)).toMatchObject({ officer: 'hadir', location: { lat: -3.29, lon: 102.85 } });
      expect(wallResume.tps.filter((x) => x.officer !== null && x.officer !== 'hadir')).toEqual([]);
    } finally {
      wall.close();
      posko.close();
    }
  });

  it(`carries at most ${RESUME_INCIDENTS} incidents in a resume snapshot, with the cursor of the rest`, async () => {
    const have = ((await t.call('GET', '/api/incidents', { token: display })).body as IncidentView[]).length;
    const more = RESUME_INCIDENTS + 5 - have;
    let last = '';
    for (let i = 0; i < more; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, more - i) }, (_, j) =>
          report({ severity: 'low', description: `Laporan ${i + j}` }, `1673061002${String(1 + ((i + j) % 12)).padStart(3, '0')}`),
        ),
      );
      for (const r of batch) expect(r.status).toBe(201);
      last = batch.at(-1)!.body.position;
    }
    const all = (await t.call('GET', `/api/incidents?minPosition=${last}`, { token: display })).body as IncidentView[];
    expect(all.length).toBe(RESUME_INCIDENTS + 5);
    const wall = connect(t, display);
    await connected(wall);
    try {
      const a = (await wall.timeout(15_000).emitWithAck(LiveRequest.Resume, { after: null })) as ResumeAnswer;
      expect(a.mode).toBe('snapshot');
      expect(a.incidents.map((i) => i.incidentId)).toEqual(all.slice(0, RESUME_INCIDENTS).map((i) => i.incidentId));
      expect(a.incidentsNextCursor).toEqual(expect.any(String));
      const rest = await t.call('GET', `/api/incidents?cursor=${a.incidentsNextCursor}`, { token: display });
      expect((rest.body as IncidentView[]).map((i) => i.incidentId)).toEqual(all.slice(RESUME_INCIDENTS).map((i) => i.incidentId));
    } finally {
      wall.close();
    }
  }, 120_000);
});
