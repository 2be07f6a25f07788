/**
 * The projections over the real PostgreSQL event store and database: event sequences with corrections, flagged
 * tallies, out-of-order check-ins and incidents, checked through every read model.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import type { ProjectionChange } from './read-models.port.js';
import { comparePositionStrings } from '../live/live.contract.js';
import { openBench, REF, type Bench } from './testing/fixture.js';
import { ev, RULE_FLAG } from './testing/events.js';

const AIR_KUTI = '1673011001'; // 7 TPS, kecamatan Lubuk Linggau Timur I
const MAJAPAHIT = '1673011002';
const [A1, A2, A3] = ['001', '002', '003'].map((n) => AIR_KUTI + n);
const M1 = MAJAPAHIT + '001';
const WIB = (hhmm: string) => `2024-02-14T${hhmm}:00+07:00`;

let db: TestDatabase;
let bench: Bench;
const changes: ProjectionChange[] = [];

beforeAll(async () => {
  db = await createTestDatabase('proj');
  bench = await openBench(db.url, { QUICKCOUNT_MIN_TPS: 3 });
  bench.feed.changes$.subscribe((c) => changes.push(c));
  await bench.append([
    // A1: checked in, reported, corrected (02 misread 120 -> 20).
    ev.checkIn(A1, WIB('06:45')),
    ev.tally(A1, { '01': 100, '02': 120, '03': 30 }),
    ev.correct(A1, 1, { '01': 100, '02': 20, '03': 30 }),
    // A2: the later check-in arrives first (offline device syncs late), then a flagged tally.
    ev.checkIn(A2, WIB('07:10'), 'replacement'),
    ev.checkIn(A2, WIB('06:50'), 'first'),
    ev.tally(A2, { '01': 50, '02': 60, '03': 70 }, RULE_FLAG),
    // A3: checked in, an incident opened and resolved; a second stays open.
    ev.checkIn(A3, WIB('06:30')),
    ev.incident(A3, 'inc-1', WIB('08:00')),
    ev.resolve(A3, 'inc-1', WIB('08:30'), 'crowd dispersed'),
    ev.incident(A3, 'inc-2', WIB('09:00'), 'logistics', 'medium'),
    // M1 in another kelurahan: reported, paper form disagrees.
    ev.tally(M1, { '01': 10, '02': 20, '03': 30 }),
    ev.paper(M1, { '01': 10, '02': 25, '03': 30 }, 0, false),
  ]);
  await bench.catchUp();
});

afterAll(async () => {
  await bench?.close();
  await db?.drop();
});

describe('TPS status', () => {
  it('shows the latest accepted tally per contest with its revision', async () => {
    const a1 = await bench.reads.tps(A1);
    expect(a1).toMatchObject({ state: 'reported', officer: 'officer-001', checkedInAt: WIB('06:45'), kelurahanCode: AIR_KUTI });
    expect(a1!.tallies).toEqual([
      expect.objectContaining({ contest: 'PPWP', revision: 2, corrected: true, votes: { '01': 100, '02': 20, '03': 30 } }),
    ]);
    expect(a1!.lastChangeAt).not.toBeNull();
  });

  it('orders out-of-order check-ins by their time, not their arrival', async () => {
    expect(await bench.reads.tps(A2)).toMatchObject({ state: 'flagged', officer: 'replacement', checkedInAt: WIB('06:50') });
  });

  it('lists and filters TPS, including those nobody reported for yet', async () => {
    const all = await bench.reads.tpsList();
    expect(all).toHaveLength(REF.tps.length);
    expect((await bench.reads.tpsList({ state: 'incident' })).map((t) => t.id)).toEqual([A3]);
    expect((await bench.reads.tpsList({ state: 'flagged' })).map((t) => t.id)).toEqual([A2, M1]);
    const airKuti = await bench.reads.tpsList({ kelurahan: AIR_KUTI });
    expect(airKuti.map((t) => t.state)).toEqual([
      'reported',
      'flagged',
      'incident',
      'no_officer',
      'no_officer',
      'no_officer',
      'no_officer',
    ]);
    expect((await bench.reads.tpsList({ kelurahan: AIR_KUTI, state: 'no_officer' })).length).toBe(4);
    expect((await bench.reads.tps(M1))!.flags.map((f) => f.kind)).toEqual(['paper_mismatch']);
    expect(await bench.reads.tps('1673999999001')).toBeNull();
    expect((await bench.reads.tpsMany([A1, M1])).map((t) => t.id)).toEqual([A1, M1]);
  });
});

describe('area totals', () => {
  it('sums the latest tally of each TPS per kelurahan (corrections replace)', async () => {
    const k = await bench.reads.kelurahan(AIR_KUTI);
    expect(k).toMatchObject({ name: 'Air Kuti', tpsTotal: 7, tpsReported: 2, tpsCheckedIn: 3, tpsFlagged: 1, openIncidents: 1 });
    expect(k!.candidates.map((c) => [c.number, c.votes])).toEqual([
      ['01', 150],
      ['02', 80],
      ['03', 100],
    ]);
    expect(k).toMatchObject({ validVotes: 330, invalidVotes: 6, totalVotes: 336, dptCovered: 560 });
    expect(k!.tps).toHaveLength(7);
    expect(await bench.reads.kelurahan('1673000000')).toBeNull();
  });

  it('derives kecamatan and city totals from the kelurahan rows', async () => {
    const kec = (await bench.reads.kecamatan()).find((x) => x.code === '167301')!;
    expect(kec).toMatchObject({ validVotes: 390, tpsReported: 3, tpsFlagged: 2, tpsCheckedIn: 3 });
    expect(kec.tpsTotal).toBe(REF.kelurahan.filter((k) => k.kecamatanCode === '167301').reduce((a, k) => a + k.tpsCount, 0));
    const list = await bench.reads.kelurahanList();
    expect(list).toHaveLength(72);
    expect(list.find((x) => x.code === MAJAPAHIT)).toMatchObject({ validVotes: 60, tpsFlagged: 1 });

    const s = await bench.reads.summary();
    expect(s).toMatchObject({
      area: { level: 'city', code: '1673' },
      tpsTotal: 635,
      tpsReported: 3,
      tpsCheckedIn: 3,
      tpsFlagged: 2,
      openIncidents: 1,
    });
    expect(s.candidates.map((c) => c.votes)).toEqual([160, 100, 130]);
    expect(s.candidates[0].share).toBeCloseTo(160 / 390, 12);
    expect(s.candidates[0].name).toBe('Anies - Muhaimin');
    expect(s.position).toBe(await bench.reads.position());
    expect(s.estimate).toMatchObject({ shown: true, reportedTps: 3, minTps: 3, totalTps: 635, method: 'ratio-estimator-cluster-fpc' });
    expect(s.estimate.candidates[0].share).toBeCloseTo(160 / 390, 12);
    expect(s.estimate.candidates[0].marginOfError).toBeGreaterThan(0);
  });

  it('hides the estimate below the minimum number of reported TPS', async () => {
    const strict = await openBench(db.url, { QUICKCOUNT_MIN_TPS: 30 });
    try {
      const s = await strict.reads.summary();
      expect(s.estimate).toMatchObject({ shown: false, reportedTps: 3, candidates: [] });
    } finally {
      await strict.close();
    }
  });
});

describe('coverage', () => {
  it('lists no missing officers before the deadline and every TPS without check-in after it', async () => {
    bench.now.value = new Date(WIB('07:29'));
    const before = (await bench.reads.coverage())!;
    expect(before).toMatchObject({ deadline: WIB('07:30'), missing: [], missingTotal: 0, rowsTotal: 72, nextCursor: null });
    expect(before.rows).toHaveLength(72);
    expect(before.rows.find((r) => r.kelurahanCode === AIR_KUTI)).toEqual({
      kelurahanCode: AIR_KUTI,
      name: 'Air Kuti',
      assigned: 7,
      checkedIn: 3,
      reported: 2,
    });
    bench.now.value = new Date(WIB('07:31'));
    const after = (await bench.reads.coverage())!;
    expect(after.missing).toHaveLength(635 - 3);
    expect(after.missingTotal).toBe(635 - 3);
    expect(after.missing.map((m) => m.tpsId)).toContain(M1);
    expect(after.missing.map((m) => m.tpsId)).not.toContain(A1);
    expect(after.position).toBe(await bench.reads.position());
  });

  it('pushes counts and only the touched kelurahan, agreeing with the whole picture', async () => {
    for (const at of ['07:29', '07:31']) {
      bench.now.value = new Date(WIB(at));
      const whole = (await bench.reads.coverage())!;
      const push = await bench.reads.coverageUpdate([AIR_KUTI]);
      expect(push).toEqual({
        deadline: whole.deadline,
        assigned: 635,
        checkedIn: whole.rows.reduce((n, r) => n + r.checkedIn, 0),
        reported: whole.rows.reduce((n, r) => n + r.reported, 0),
        missing: whole.missingTotal,
        rows: whole.rows.filter((r) => r.kelurahanCode === AIR_KUTI),
      });
    }
  });
});

describe('incidents', () => {
  it('keeps open and resolved incidents with their resolution', async () => {
    expect((await bench.reads.incidents({ status: 'open' })).map((i) => i.incidentId)).toEqual(['inc-2']);
    const [resolved] = await bench.reads.incidents({ status: 'resolved' });
    expect(resolved).toMatchObject({
      incidentId: 'inc-1',
      tpsId: A3,
      kelurahanCode: AIR_KUTI,
      category: 'security',
      severity: 'high',
      status: 'resolved',
      occurredAt: WIB('08:00'),
      resolvedAt: WIB('08:30'),
      resolutionNote: 'crowd dispersed',
    });
    expect(await bench.reads.incidents({ ids: ['inc-2'] })).toEqual([expect.objectContaining({ category: 'logistics', status: 'open' })]);
  });
});

describe('positions', () => {
  it('announces each committed batch and lists what changed after a position', async () => {
    expect(changes.length).toBeGreaterThan(0);
    const mark = (await bench.reads.position())!;
    const seen = changes.length;
    const written = await bench.append([ev.checkIn(M1, WIB('07:40')), ev.resolve(A3, 'inc-2', WIB('10:00'))]);
    expect(comparePositionStrings(written, mark)).toBe(1);
    expect(await bench.reads.waitForPosition(written, 200)).toBe(false);

    const runners = bench.runners();
    runners.forEach((r) => r.start());
    try {
      expect(await bench.reads.waitForPosition(written, 5000)).toBe(true);
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
    expect(await bench.reads.changedSince(mark)).toEqual({ tpsIds: [A3, M1], incidentIds: ['inc-2'] });
    const fresh = changes.slice(seen);
    expect(fresh.flatMap((c) => c.tpsIds).sort()).toEqual([A3, M1]);
    expect(fresh.flatMap((c) => c.incidentIds)).toEqual(['inc-2']);
    expect((await bench.reads.summary()).openIncidents).toBe(0);
    expect(await bench.reads.changedSince('0/0')).toEqual({ tpsIds: [A1, A2, A3, M1], incidentIds: ['inc-1', 'inc-2'] });
  });
});
