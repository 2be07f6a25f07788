import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port.js';
import { importOfficialResults } from '../src/official/official-import.js';
import type { Contests } from '../src/reference/contests.js';
import type { ReferenceData } from '../src/reference/reference-data.js';
import { CONTESTS, REFERENCE_DATA } from '../src/reference/reference.module.js';
import { TpsCommandHandler } from '../src/tps/tps-command.handler.js';
import { goodTally, startTestApp, type TestApp } from './support/app.js';

const KEL = '1673061002';
const id = (n: number) => `${KEL}${String(n).padStart(3, '0')}`;
const TS = '2024-02-14 21:46:01';

/** A file as Sirekap publishes it (field names and nesting of sirekap-format.md; numbers made up here). */
function sirekap(votes: [number | null, number | null, number | null] | null, ts = TS, administrasi: Record<string, number> | null = null) {
  return {
    chart: votes ? { '100025': votes[0], '100026': votes[1], '100027': votes[2], null: null } : null,
    images: [],
    administrasi,
    psu: null,
    ts,
    status_suara: votes ? true : null,
    status_adm: votes ? true : null,
  };
}

describe('official (KPU Sirekap) results: import and differences (e2e, real PostgreSQL)', () => {
  let t: TestApp;
  let dir: string;
  let store: EventStore;
  const tok: Record<string, string> = {};
  const run = (path: string) =>
    importOfficialResults(path, {
      handler: t.app.get(TpsCommandHandler),
      ref: t.app.get<ReferenceData>(REFERENCE_DATA),
      contest: t.app.get<Contests>(CONTESTS).byCode.get('PPWP')!,
    });
  const officialEvents = async (tpsId: string) =>
    (await store.readStream(`tps-${tpsId}`)).filter((e) => e.type === 'OfficialResultImported');
  let lastPosition = '';

  beforeAll(async () => {
    t = await startTestApp({}, 'official');
    store = t.app.get<EventStore>(EVENT_STORE);
    dir = mkdtempSync(join(tmpdir(), 'sirekap-'));
    for (const n of [1, 2, 3, 4, 9]) tok[n] = await t.login(id(n), '123456');
    for (const w of ['operator', 'supervisor', 'auditor', 'display']) tok[w] = await t.login(w, `${w}123`);
    // Ours: 001, 003, 009 read 60/80/35; 002 reads 70/70/35; 004 is flagged and held.
    for (const n of [1, 3, 9]) await t.call('POST', `/api/tps/${id(n)}/tally`, { token: tok[n], body: goodTally() });
    await t.call('POST', `/api/tps/${id(2)}/tally`, { token: tok[2], body: goodTally({ votes: { '01': 70, '02': 70, '03': 35 } }) });
    const f = await t.call('POST', `/api/tps/${id(4)}/tally`, {
      token: tok[4],
      body: goodTally({ votes: { '01': 70, '02': 80, '03': 35 }, acknowledgeWarnings: true }),
    });
    const hold = await t.call('POST', `/api/tps/${id(4)}/tally/review`, {
      token: tok.supervisor,
      body: { revision: f.body.revision, decision: 'hold', reason: 'Ditahan, angka tidak konsisten' },
    });
    expect(hold.status).toBe(201);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('imports a directory as published; malformed, partial and unknown files are refused one by one and write nothing', async () => {
    const kel = join(dir, 'pemilu/hhcw/ppwp/16/1673/167306', KEL);
    mkdirSync(kel, { recursive: true });
    const put = (n: number | string, body: unknown) =>
      writeFileSync(join(kel, `${typeof n === 'number' ? id(n) : n}.json`), typeof body === 'string' ? body : JSON.stringify(body));
    put(1, sirekap([60, 80, 35]));
    put(2, sirekap([72, 68, 35]));
    put(3, sirekap([50, 80, 40]));
    // Real files break the form's rules (suara_sah 212 with 0/0/0): kept as KPU said, flagged.
    put(4, sirekap([0, 0, 0], TS, { suara_sah: 212, suara_tidak_sah: 3, suara_total: 215, pemilih_dpt_j: 250, pengguna_dpt_j: 200, pengguna_dptb_j: 10, pengguna_non_dpt_j: 5, pengguna_total_j: 215 })); // prettier-ignore
    put(5, sirekap([10, 20, 30]));
    put(9, sirekap([60, 81, 35]));
    put(6, '{"chart": {"100025": 5, "100026"'); // cut off mid-file
    put(7, sirekap(null)); // not processed by KPU yet
    put(8, sirekap([-3, 80, 35]));
    put(13, sirekap([1, 2, 3])); // Ulak Lebar has no TPS 013

    const report = await run(dir);
    lastPosition = report.lastPosition!;
    const byTps = Object.fromEntries(report.lines.map((l) => [l.label.slice(-18, -5), [l.status, l.message]]));
    expect(Object.fromEntries(Object.entries(byTps).map(([k, [s]]) => [k, s]))).toEqual({
      [id(1)]: 'imported',
      [id(2)]: 'imported',
      [id(3)]: 'imported',
      [id(4)]: 'imported',
      [id(5)]: 'imported',
      [id(6)]: 'error',
      [id(7)]: 'pending',
      [id(8)]: 'error',
      [id(9)]: 'imported',
      [id(13)]: 'error',
    });
    expect(byTps[id(4)][1]).toContain('rule 7 VALID_TOTAL');
    expect(byTps[id(6)][1]).toMatch(/^not valid JSON/);
    expect(byTps[id(7)][1]).toBe('no result yet (chart is null)');
    expect(byTps[id(8)][1]).toMatch(/^chart\.100025: /);
    expect(byTps[id(13)][1]).toBe(`unknown TPS ${id(13)}`);
    expect(report).toMatchObject({ imported: 6, alreadyImported: 0, pending: 1, errors: 3 });
    for (const n of [6, 7, 8]) expect(await officialEvents(id(n))).toEqual([]);
    const [ev] = await officialEvents(id(2));
    expect(ev.data).toMatchObject({ source: 'sirekap-json', ts: '2024-02-14T21:46:01+07:00', votes: { '01': 72, '02': 68, '03': 35 } });
    expect(ev.metadata.actor).toBe('official-import');

    // The same directory again: every result is a replay, nothing is appended.
    const again = await run(dir);
    expect(again).toMatchObject({ imported: 0, alreadyImported: 6, pending: 1, errors: 3 });
    for (const n of [1, 2, 3, 4, 5, 9]) expect(await officialEvents(id(n))).toHaveLength(1);
  });

  it('lists the differences largest first, paged, equal to the hand-computed oracle; areas carry the official sums', async () => {
    const r = await t.call('GET', `/api/official/differences?area=${KEL}&minPosition=${lastPosition}`, { token: tok.supervisor });
    expect(r.status).toBe(200);
    // By hand: ours minus KPU per candidate (01, 02, 03); 004 is held, 005 has no tally of ours, 001 agrees.
    expect(r.body.items.map((i: { tpsId: string; candidates: { diff: number }[]; total: unknown; absolute: number }) => [i.tpsId, i.candidates.map((c) => c.diff), i.total, i.absolute])).toEqual([
      [id(3), [10, 0, -5], { ours: 175, official: 170, diff: 5 }, 15],
      [id(2), [-2, 2, 0], { ours: 175, official: 175, diff: 0 }, 4],
      [id(9), [0, -1, 0], { ours: 175, official: 176, diff: -1 }, 1],
    ]); // prettier-ignore
    expect([r.body.total, r.headers.get('x-total-count')]).toEqual([3, '3']);
    const page2 = await t.call('GET', `/api/official/differences?area=167306&limit=2&offset=2`, { token: tok.auditor });
    expect(page2.body.items.map((i: { tpsId: string }) => i.tpsId)).toEqual([id(9)]);
    const city = await t.call('GET', `/api/official/differences?limit=1`, { token: tok.operator });
    expect(city.body.items.map((i: { tpsId: string }) => i.tpsId)).toEqual([id(3)]);

    const kel = (await t.call('GET', `/api/kelurahan/${KEL}`, { token: tok.display })).body;
    // 001 60/80/35, 002 72/68/35, 003 50/80/40, 004 0/0/0, 005 10/20/30, 009 60/81/35.
    expect(kel.official).toEqual({
      tpsCount: 6,
      validVotes: 756,
      candidates: [
        { number: '01', votes: 252 },
        { number: '02', votes: 329 },
        { number: '03', votes: 175 },
      ],
      tpsDiffering: 3,
    });
    const summary = (await t.call('GET', `/api/summary`, { token: tok.display })).body;
    expect(summary.official).toEqual(kel.official);
    const view = (await t.call('GET', `/api/tps/${id(4)}`, { token: tok.display })).body;
    expect(view.official[0]).toMatchObject({ ts: '2024-02-14T21:46:01+07:00', difference: null });
    expect(view.official[0].flags.map((f: { code: string }) => f.code)).toContain('VALID_TOTAL');

    const bad = await t.call('GET', `/api/official/differences?area=999&limit=0`, { token: tok.operator });
    expect([bad.status, bad.body.fields.map((f: { path: string }) => f.path)]).toEqual([400, ['area', 'limit']]);
    const unknownArea = await t.call('GET', `/api/official/differences?area=1673999999`, { token: tok.operator });
    expect([unknownArea.status, unknownArea.body.fields]).toEqual([400, [{ path: 'area', problem: 'unknown area code' }]]);
    const display = await t.call('GET', `/api/official/differences`, { token: tok.display });
    expect(display.status).toBe(403);
  });

  it('imports JSON lines: a newer ts replaces, an older one is kept in the log only, replays and conflicts are told apart', async () => {
    const file = join(dir, 'sirekap.jsonl');
    const line = (tpsId: string, body: unknown) => JSON.stringify({ tps_id: tpsId, ...(body as object) });
    writeFileSync(
      file,
      [
        line(id(2), sirekap([70, 70, 35], '2024-02-15 10:00:00')), // KPU corrected 002: now it agrees with ours
        '{"tps_id": "1673061002003", "chart": {',
        line(id(3), sirekap([50, 80, 40])), // the same as the directory's: a replay
        line(id(3), sirekap([51, 80, 40])), // the same ts with other numbers
        line(id(5), sirekap([10, null, 30], '2024-02-15 11:00:00')),
        line(id(9), sirekap([1, 2, 3], '2024-02-14 20:00:00')), // older than the one imported: logged, not shown
        JSON.stringify(sirekap([1, 2, 3])),
        '',
      ].join('\n'),
    );
    const report = await run(file);
    expect(report.lines.map((l) => [l.label.replace(`${file}:`, ''), l.status])).toEqual([
      ['1', 'imported'],
      ['2', 'error'],
      ['3', 'already_imported'],
      ['4', 'error'],
      ['5', 'pending'],
      ['6', 'imported'],
      ['7', 'error'],
    ]);
    expect(report.lines[3].message).toBe(
      `a different result for TPS ${id(3)} with ts 2024-02-14T21:46:01+07:00 was imported before: kept the first`,
    );
    expect(report.lines[4].message).toBe('no number yet for candidate 02 (100026)');
    expect(report.lines[6].message).toBe('tps_id: required (the 13-digit TPS id)');
    expect(await officialEvents(id(3))).toHaveLength(1);
    expect(await officialEvents(id(9))).toHaveLength(2);

    const r = await t.call('GET', `/api/official/differences?area=${KEL}&minPosition=${report.lastPosition}`, { token: tok.supervisor });
    expect(r.body.items.map((i: { tpsId: string; absolute: number }) => [i.tpsId, i.absolute])).toEqual([
      [id(3), 15],
      [id(9), 1],
    ]);
    const kel = (await t.call('GET', `/api/kelurahan/${KEL}`, { token: tok.display })).body;
    expect(kel.official).toMatchObject({ tpsCount: 6, validVotes: 756, tpsDiffering: 2 });
    expect(kel.official.candidates.map((c: { votes: number }) => c.votes)).toEqual([250, 331, 175]);

    // The auditor's history shows both: our versions and KPU's, with the difference from ours.
    const history = (await t.call('GET', `/api/tps/${id(3)}/history`, { token: tok.auditor })).body.events;
    const official = history.find((e: { type: string }) => e.type === 'OfficialResultImported');
    expect(official).toMatchObject({ actor: 'official-import', contest: 'PPWP' });
    expect(official.diff).toEqual([
      { path: 'votes.01', before: 60, after: 50 },
      { path: 'votes.03', before: 35, after: 40 },
    ]);
  });

  it('imports a CSV of the same fields; a replay of a JSON result is the same result', async () => {
    const file = join(dir, 'sirekap.csv');
    const header =
      'tps_id,ts,100025,100026,100027,suara_sah,suara_tidak_sah,suara_total,pemilih_dpt_j,pengguna_dpt_j,pengguna_dptb_j,pengguna_non_dpt_j,pengguna_total_j,images,status_suara,status_adm';
    writeFileSync(
      file,
      [
        header,
        `${id(5)},2024-02-15 09:00:00,11,20,30,61,2,63,250,60,2,1,63,https://x.test/a.jpg https://x.test/b.jpg,true,true`,
        `${id(1)},${TS},60,80,35,,,,,,,,,,true,true`,
        `${id(1)},2024-02-16 08:00:00,1x,80,35,,,,,,,,,,true,true`,
      ].join('\n'),
    );
    const report = await run(file);
    expect(report.lines.map((l) => l.status)).toEqual(['imported', 'already_imported', 'error']);
    expect(report.lines[2].message).toMatch(/^chart\.100025: /);
    const [, csv] = await officialEvents(id(5));
    expect(csv.data).toMatchObject({
      source: 'csv',
      votes: { '01': 11, '02': 20, '03': 30 },
      images: ['https://x.test/a.jpg', 'https://x.test/b.jpg'],
      flags: [],
      administrasi: { suara_sah: 61, pengguna_total_j: 63 },
    });
    const kel = (await t.call('GET', `/api/kelurahan/${KEL}?minPosition=${report.lastPosition}`, { token: tok.display })).body;
    expect(kel.official).toMatchObject({ tpsCount: 6, validVotes: 757 });
  });
});
