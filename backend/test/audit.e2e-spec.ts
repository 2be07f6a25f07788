/**
 * The auditor's routes on the booted app (real PostgreSQL, projections running), over one scripted election day.
 * The event store stamps `recorded_at` itself, so to script the day's clock the test rewrites `es.events.recorded_at`
 * of each event to its scripted time (in write order, so times still follow the log) before any as-of question: the
 * replay reads those times through the event-store port like any other. The tamper tests edit and delete rows of
 * es.events directly, as an attacker with database access would.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { logLink } from '../src/audit/chain-verifier.js';
import { eventHash, GENESIS_HASH } from '../src/audit/event-hash.js';
import { goodTally, startTestApp, type TestApp } from './support/app.js';

const [A, B, C] = ['1673061002001', '1673061002002', '1673011001001'];
const KEL_AB = '1673061002';
const wib = (hhmm: string) => new Date(`2024-02-14T${hhmm}:00+07:00`).toISOString();
const votes = (v: [number, number, number]) => ({ votes: { '01': v[0], '02': v[1], '03': v[2] } });

/** RFC 4180 as csv-parse reads it: quoted cells, doubled quotes, CRLF rows. */
const parseCsv = (text: string): string[][] => parse(text, { record_delimiter: '\r\n' });

describe('audit (e2e)', () => {
  let t: TestApp;
  let db: pg.Client;
  const tok: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let last = '';
  let beforeLastCorrection = '';

  beforeAll(async () => {
    // No background as-of fold: the test rewrites recorded_at after the events are written, and a fold that ran in
    // between would have folded the store's own times (it was red once in a fresh clone). Questions fold what they need.
    t = await startTestApp({ QUICKCOUNT_MIN_TPS: '2', AS_OF_BUILD_INTERVAL_SECONDS: '0' }, 'audit');
    Object.assign(tok, await t.loginAll({ A, B, C }, ['operator', 'auditor', 'admin', 'display']));
    const fix = (v: [number, number, number], extra = {}) => ({ ...goodTally(votes(v)), ...extra });
    const day: [string, string, string, string, unknown][] = [
      ['checkinA', '06:45', 'A', `/api/tps/${A}/check-in`, { at: '2024-02-14T06:45:00+07:00' }],
      ['tallyA', '13:30', 'A', `/api/tps/${A}/tally`, fix([60, 80, 35])],
      ['tallyB', '14:00', 'B', `/api/tps/${B}/tally`, fix([100, 50, 25])],
      [
        'correctA',
        '14:30',
        'A',
        `/api/tps/${A}/tally/corrections`,
        fix([65, 75, 35], { expectedRevision: 1, reason: 'salah baca angka paslon 01 dan 02' }),
      ],
      ['paperB', '15:00', 'operator', `/api/tps/${B}/paper-forms`, fix([100, 45, 30])],
      ['tallyC', '15:30', 'C', `/api/tps/${C}/tally`, fix([70, 70, 35])],
      [
        'correctB',
        '16:00',
        'operator',
        `/api/tps/${B}/tally/corrections`,
        fix([100, 45, 30], { expectedRevision: 0, reason: 'disamakan dengan formulir kertas' }),
      ],
      ['paperA', '16:30', 'auditor', `/api/tps/${A}/paper-forms`, fix([60, 80, 35])],
      [
        'correctC',
        '17:00',
        'C',
        `/api/tps/${C}/tally/corrections`,
        fix([71, 69, 35], { expectedRevision: 0, reason: 'angka paslon 01 salah tulis' }),
      ],
      [
        'incidentB',
        '17:30',
        'operator',
        `/api/tps/${B}/incidents`,
        { category: 'security', severity: 'high', description: 'keributan di TPS' },
      ],
    ];
    for (const [name, , who, path, body] of day) {
      if (name === 'correctC') beforeLastCorrection = (await new Promise((r) => setTimeout(r, 5)), new Date()).toISOString();
      const r = await t.call('POST', path, { token: tok[who], body });
      expect([name, r.status]).toEqual([name, 201]);
      ids[name] = r.body.eventId;
      last = r.body.position;
    }
    db = new pg.Client({ connectionString: t.db.url });
    await db.connect();
    for (const [name, hhmm] of day) await db.query(`UPDATE es.events SET recorded_at = $2 WHERE event_id = $1`, [ids[name], wib(hhmm)]);
    expect((await t.call('GET', `/api/summary?minPosition=${last}`, { token: tok.display })).status).toBe(200);
    // minPosition waits for the read models the summary uses; the anchors are their own projection and may lag under load.
    let upTo = null;
    for (let i = 0; i < 200 && upTo !== last; i++) {
      upTo = (await t.call('GET', '/api/audit/verify', { token: tok.auditor })).body.anchors.upTo;
      if (upTo !== last) await new Promise((r) => setTimeout(r, 50));
    }
    expect(upTo).toBe(last);
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it('serves a TPS history as JSON and as CSV, with who, when, why and the difference', async () => {
    const r = await t.call('GET', `/api/tps/${A}/history`, { token: tok.auditor });
    expect(r.body.events.map((e: { type: string; revision: number }) => [e.revision, e.type])).toEqual([
      [0, 'OfficerCheckedIn'],
      [1, 'TallySubmitted'],
      [2, 'TallyCorrected'],
      [3, 'PaperFormRecorded'],
    ]);
    expect(r.body.events[2]).toMatchObject({
      actor: A,
      role: 'officer',
      reason: 'salah baca angka paslon 01 dan 02',
      serverTime: expect.any(String),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      values: expect.objectContaining({ correctsRevision: 1, form: expect.objectContaining({ votes: { '01': 65, '02': 75, '03': 35 } }) }),
      diff: [
        { path: 'votes.01', before: 60, after: 65 },
        { path: 'votes.02', before: 80, after: 75 },
      ],
    });
    expect(r.body.events[3]).toMatchObject({
      actor: 'auditor',
      role: 'auditor',
      diff: [
        { path: 'votes.01', before: 65, after: 60 },
        { path: 'votes.02', before: 75, after: 80 },
      ],
    });
    const csv = await t.call('GET', `/api/tps/${A}/history?format=csv`, { token: tok.operator });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(csv.body as string);
    expect(rows.map((row) => row.length)).toEqual([12, 12, 12, 12]);
    const col = (name: string) => header.indexOf(name);
    expect(rows[2][col('reason')]).toBe('salah baca angka paslon 01 dan 02');
    expect(rows[2][col('changes')]).toBe('votes.01: 60 -> 65; votes.02: 80 -> 75');
    expect(JSON.parse(rows[2][col('values')]).form.votes).toEqual({ '01': 65, '02': 75, '03': 35 });
    expect((await t.call('GET', `/api/tps/${A}/history`, { token: tok.display })).status).toBe(403);
  });

  it('lists corrections city-wide, newest first, filtered and paginated by position', async () => {
    const list = async (q: string, who = 'auditor') => (await t.call('GET', `/api/audit/corrections${q}`, { token: tok[who] })).body;
    const all = await list('', 'operator');
    expect(all.corrections.map((c: { eventId: string }) => c.eventId)).toEqual([ids.correctC, ids.correctB, ids.correctA]);
    expect(all.corrections[1]).toMatchObject({
      tpsId: B,
      kelurahanCode: KEL_AB,
      kecamatanCode: '167306',
      actor: 'operator',
      role: 'operator',
      revision: 2,
      correctsRevision: 0,
      reason: 'disamakan dengan formulir kertas',
      diff: [
        { path: 'votes.02', before: 50, after: 45 },
        { path: 'votes.03', before: 25, after: 30 },
      ],
    });
    expect(all.next).toBeNull();
    expect((await list(`?kelurahan=${KEL_AB}`)).corrections.map((c: { tpsId: string }) => c.tpsId)).toEqual([B, A]);
    expect((await list('?kecamatan=167301')).corrections.map((c: { tpsId: string }) => c.tpsId)).toEqual([C]);
    expect((await list('?actor=operator')).corrections.map((c: { tpsId: string }) => c.tpsId)).toEqual([B]);
    expect((await list(`?since=${beforeLastCorrection}`)).corrections.map((c: { tpsId: string }) => c.tpsId)).toEqual([C]);
    expect((await list(`?until=${beforeLastCorrection}`)).corrections.map((c: { tpsId: string }) => c.tpsId)).toEqual([B, A]);
    const first = await list('?limit=2');
    expect([first.corrections.map((c: { tpsId: string }) => c.tpsId), first.next]).toEqual([[C, B], first.corrections[1].position]);
    const second = await list(`?limit=2&before=${first.next}`);
    expect([second.corrections.map((c: { tpsId: string }) => c.tpsId), second.next]).toEqual([[A], null]);
    const bad = await t.call('GET', '/api/audit/corrections?since=yesterday&limit=0&before=abc&kelurahan=12', { token: tok.auditor });
    expect([bad.status, bad.body.code, bad.body.fields.map((f: { path: string }) => f.path).sort()]).toEqual([
      400,
      'REQUEST.INVALID',
      ['before', 'kelurahan', 'limit', 'since'],
    ]);
    expect((await t.call('GET', '/api/audit/corrections', { token: tok.display })).status).toBe(403);
  });

  it('reconciles paper forms with the latest online tally, and lists TPS without one', async () => {
    const r = await t.call('GET', `/api/audit/paper-forms?kelurahan=${KEL_AB}`, { token: tok.operator });
    // B's paper form differed when typed; the correction after it settled that. A's was typed after its correction.
    expect(r.body.mismatched).toEqual([
      {
        tpsId: A,
        kelurahanCode: KEL_AB,
        kecamatanCode: '167306',
        contest: 'PPWP',
        onlineRevision: 2,
        fields: [
          { path: 'votes.01', online: 65, paper: 60 },
          { path: 'votes.02', online: 75, paper: 80 },
        ],
      },
    ]);
    const inKel = (await t.call('GET', `/api/tps?kelurahan=${KEL_AB}`, { token: tok.display })).body.map((x: { id: string }) => x.id);
    expect([r.body.missing, r.body.missingReported, r.body.paperOnly]).toEqual([
      inKel.filter((id: string) => id !== A && id !== B),
      [],
      [],
    ]);
    const kec = await t.call('GET', '/api/audit/paper-forms?kecamatan=167301', { token: tok.auditor });
    expect([kec.body.mismatched, kec.body.missingReported, kec.body.missing]).toEqual([[], [C], expect.arrayContaining([C])]);
    const bad = await t.call('GET', '/api/audit/paper-forms?kecamatan=1673', { token: tok.auditor });
    expect([bad.status, bad.body.fields]).toEqual([400, [{ path: 'kecamatan', problem: expect.any(String) }]]);
  });

  it('answers the tallies as they stood at several moments of the day, replayed from the log', async () => {
    const at = async (hhmm: string) =>
      (await t.call('GET', `/api/summary?asOf=${encodeURIComponent(wib(hhmm))}`, { token: tok.display })).body;
    const pick = (s: {
      candidates: { votes: number }[];
      tpsCheckedIn: number;
      tpsReported: number;
      tpsFlagged: number;
      openIncidents: number;
      estimate: { shown: boolean };
    }) => [s.candidates.map((c) => c.votes), s.tpsCheckedIn, s.tpsReported, s.tpsFlagged, s.openIncidents, s.estimate.shown];
    const want: [string, unknown[]][] = [
      ['06:00', [[0, 0, 0], 0, 0, 0, 0, false]],
      ['07:00', [[0, 0, 0], 1, 0, 0, 0, false]],
      ['13:45', [[60, 80, 35], 1, 1, 0, 0, false]],
      ['14:15', [[160, 130, 60], 1, 2, 0, 0, true]],
      ['14:45', [[165, 125, 60], 1, 2, 0, 0, true]],
      ['15:45', [[235, 195, 95], 1, 3, 1, 0, true]],
      ['16:15', [[235, 190, 100], 1, 3, 0, 0, true]],
      ['16:45', [[235, 190, 100], 1, 3, 1, 0, true]],
      ['17:15', [[236, 189, 100], 1, 3, 1, 0, true]],
      ['18:00', [[236, 189, 100], 1, 3, 1, 1, true]],
    ];
    // Scrub backwards and forwards, as an auditor does.
    for (const i of [9, 0, 4, 3, 8, 1, 2, 7, 5, 6]) expect([want[i][0], pick(await at(want[i][0]))]).toEqual(want[i]);
    const early = await t.call('GET', `/api/summary?asOf=${encodeURIComponent(wib('13:45'))}`, { token: tok.display });
    expect([early.body.updatedAt, early.body.position]).toEqual([wib('13:30'), early.headers.get('x-log-position')]);
    const kel = (await t.call('GET', `/api/kelurahan?asOf=${encodeURIComponent(wib('15:45'))}`, { token: tok.display })).body;
    const byCode = (code: string) => kel.find((k: { code: string }) => k.code === code);
    expect([kel.length, byCode(KEL_AB).validVotes, byCode('1673011001').validVotes, byCode('1673011001').tpsReported]).toEqual([
      72, 350, 175, 1,
    ]);
  });

  it('answers as of now exactly what the live read models answer', async () => {
    const now = encodeURIComponent(new Date().toISOString());
    const [live, asOf] = await Promise.all([
      t.call('GET', '/api/summary', { token: tok.display }),
      t.call('GET', `/api/summary?asOf=${now}`, { token: tok.display }),
    ]);
    // updatedAt differs only because the test rewrote recorded_at after the projections had read the events.
    expect({ ...asOf.body, updatedAt: null }).toEqual({ ...live.body, updatedAt: null });
    expect([asOf.body.position, asOf.body.updatedAt]).toEqual([last, wib('17:30')]);
    const [kLive, kAsOf] = await Promise.all([
      t.call('GET', '/api/kelurahan', { token: tok.display }),
      t.call('GET', `/api/kelurahan?asOf=${now}`, { token: tok.display }),
    ]);
    expect(kAsOf.body).toEqual(kLive.body);
    for (const [q, path] of [
      ['asOf=yesterday', 'asOf'],
      [`asOf=${now}&minPosition=${last}`, 'minPosition'],
    ]) {
      const bad = await t.call('GET', `/api/summary?${q}`, { token: tok.display });
      expect([bad.status, bad.body.code, bad.body.fields[0].path]).toEqual([400, 'REQUEST.INVALID', path]);
    }
  });

  it('exports every event with its hash, enough to recompute the hashes and the city totals', async () => {
    const r = await t.call('GET', '/api/audit/export', { token: tok.auditor });
    const all = (r.body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // First line: the signing key (none here: no AUDIT_SIGNING_KEY_FILE with DATABASE_URL); last: the checkpoints.
    expect([all[0], all[all.length - 1]]).toEqual([
      { kind: 'export-header', format: 'sipantaumilu-audit-export', signingKey: null },
      { kind: 'checkpoints', checkpoints: [] },
    ]);
    const lines = all.slice(1, -1);
    expect(lines).toHaveLength(10);
    const latest = new Map<string, { votes: Record<string, number>; invalid: number }>();
    let head = GENESIS_HASH;
    for (const l of lines) {
      expect(
        eventHash({ stream: l.stream, revision: l.revision, eventId: l.eventId, type: l.type, data: l.data, metadata: l.metadata }),
      ).toBe(l.hash);
      head = logLink(head, l.stream, l.revision, l.hash);
      expect(l.logHead).toBe(head);
      if (l.type === 'TallySubmitted' || l.type === 'TallyCorrected') latest.set(l.data.tpsId, l.data.form);
    }
    const sum = (n: string) => [...latest.values()].reduce((a, f) => a + f.votes[n], 0);
    const live = (await t.call('GET', '/api/summary', { token: tok.display })).body;
    expect([sum('01'), sum('02'), sum('03'), [...latest.values()].reduce((a, f) => a + f.invalid, 0), latest.size]).toEqual([
      ...live.candidates.map((c: { votes: number }) => c.votes),
      live.invalidVotes,
      live.tpsReported,
    ]);
    const verify = (await t.call('GET', '/api/audit/verify', { token: tok.auditor })).body;
    expect([verify.ok, verify.logHead, verify.anchors]).toEqual([true, head, { anchors: 10, upTo: last, unanchored: 0, head }]);
  });

  it('names exactly the edited event, then exactly the deleted one', async () => {
    const verify = async () => (await t.call('GET', '/api/audit/verify', { token: tok.auditor })).body;
    const where = [ids.tallyB];
    await db.query(`UPDATE es.events SET data = jsonb_set(data, '{form,votes,01}', '190') WHERE event_id = $1`, where);
    const edited = await verify();
    expect([
      edited.ok,
      edited.broken.map((b: { stream: string; revision: number; problem: string }) => [b.stream, b.revision, b.problem]),
    ]).toEqual([false, [[`tps-${B}`, 0, 'CONTENT_CHANGED']]]);
    await db.query(`UPDATE es.events SET data = jsonb_set(data, '{form,votes,01}', '100') WHERE event_id = $1`, where);
    expect((await verify()).ok).toBe(true);
    // The last event of a stream leaves no later link in its own chain to break: only the anchors can tell.
    await db.query(`DELETE FROM es.events WHERE event_id = $1`, [ids.paperA]);
    const deleted = await verify();
    expect([
      deleted.ok,
      deleted.broken.map((b: { stream: string; revision: number; problem: string; eventId: string }) => [
        b.stream,
        b.revision,
        b.problem,
        b.eventId,
      ]),
    ]).toEqual([false, [[`tps-${A}`, 3, 'EVENT_DELETED', ids.paperA]]]);
    // Rebuilding the anchors from the tampered log would bless it: refused, and the evidence stays.
    const rebuild = await t.call('POST', '/api/admin/projections/rebuild', { token: tok.admin, body: { name: 'audit-anchors' } });
    expect([rebuild.status, rebuild.body.code, rebuild.body.stream, rebuild.body.revision]).toEqual([
      409,
      'AUDIT.ANCHORS_DISAGREE',
      `tps-${A}`,
      3,
    ]);
    expect((await verify()).broken).toEqual(deleted.broken);
  });
});
