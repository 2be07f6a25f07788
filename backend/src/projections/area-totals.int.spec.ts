/**
 * Totals at every level on a small synthetic nation (3 provinces), on real PostgreSQL: after tallies, corrections,
 * held tallies, check-ins and incidents in uneven batches, every area row (nation, provinsi, kabupaten, kecamatan) is
 * the sum of its kelurahan rows and of the latest counted tallies; a build from zero in one batch (as a rebuild does)
 * gives identical rows, and so does migration 120's one-off sum of existing kelurahan rows; the area reads answer from
 * them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import { AreaTotals1700000000120 } from '../database/migrations/1700000000120-area-totals.js';
import { parseReferenceCsv, type ReferenceData } from '../reference/reference-data.js';
import { syntheticNationCsv } from '../reference/synthetic-nation.js';
import type { TpsEvent } from '../tps/tps.events.js';
import { ev, NO_FLAGS, recordAll, RULE_FLAG } from './testing/events.js';
import { openBench, type Bench } from './testing/fixture.js';
import { createShadowTables, dumpTables, expectedAreaRows, numericAreaRows, resetReadModels } from './testing/model.js';

const ref: ReferenceData = parseReferenceCsv(
  [...syntheticNationCsv({ provinsi: 3, kabupaten: 5, kecamatan: 9, kelurahan: 20, tps: 90 }, 7)].join('\n'),
);

/** A night: every third TPS checks in, most tally (every fifth flagged: held under FLAGGED_TALLIES=hold), some correct. */
function night(): { events: TpsEvent[]; latest: Map<string, { votes: Record<string, number>; held: boolean }> } {
  const events: TpsEvent[] = [];
  const latest = new Map<string, { votes: Record<string, number>; held: boolean }>();
  ref.tps.forEach((t, i) => {
    if (i % 3 === 0) events.push(ev.checkIn(t.id, '2024-02-14T00:30:00.000Z'));
    if (i % 7 === 6) return;
    const votes = { '01': 50 + (i % 40), '02': 70 - (i % 30), '03': 20 + (i % 11) };
    const held = i % 5 === 0;
    events.push(ev.tally(t.id, votes, held ? RULE_FLAG : NO_FLAGS));
    latest.set(t.id, { votes, held });
    if (i % 4 === 1) {
      const fixed = { '01': votes['01'] + 3, '02': votes['02'] - 2, '03': votes['03'] };
      events.push(ev.correct(t.id, 1, fixed, NO_FLAGS));
      latest.set(t.id, { votes: fixed, held: false });
    }
    if (i % 9 === 2) events.push(ev.incident(t.id, `inc-${t.id}`, '2024-02-14T02:00:00.000Z'));
    if (i % 18 === 2) events.push(ev.resolve(t.id, `inc-${t.id}`, '2024-02-14T03:00:00.000Z'));
  });
  return { events, latest };
}

let db: TestDatabase;
let bench: Bench;

beforeAll(async () => {
  db = await createTestDatabase('areas');
  bench = await openBench(db.url, { QUICKCOUNT_MIN_TPS: 2 }, { ref, flaggedTallies: 'hold' });
  await createShadowTables(bench.ds, 'area_zero');
  await resetReadModels(bench.ds, ['public', 'area_zero']);
});
afterAll(async () => {
  await bench?.close();
  await db?.drop();
});

describe('totals at every level (synthetic nation)', () => {
  const { events, latest } = night();
  const recorded = recordAll(events);

  it('keeps every area the sum of its kelurahan, batch by batch, and equal to a build from zero', async () => {
    const runners = bench.runners();
    // Uneven batches: one event, a few, a large one.
    const cuts = [1, 4, 30, 31, 90, recorded.length];
    let from = 0;
    for (const to of cuts) {
      for (const r of runners) await r.applyBatch(recorded.slice(from, to));
      from = to;
      const dump = await dumpTables(bench.ds);
      expect(numericAreaRows(dump)).toEqual(expectedAreaRows(dump));
    }
    const built = await dumpTables(bench.ds);
    // Nation, 3 provinces, 5 kabupaten, 9 kecamatan: one status row each.
    expect(built.rm_area_status).toHaveLength(1 + 3 + 5 + 9);

    const fromZero = bench
      .runners({ schema: 'area_zero', checkpointName: 'tps-status@zero' })
      .find((r) => r.projection.name === 'tps-status')!;
    await fromZero.applyBatch(recorded);
    const zero = await dumpTables(bench.ds, 'area_zero');
    expect({ tally: zero.rm_area_tally, status: zero.rm_area_status }).toEqual({
      tally: built.rm_area_tally,
      status: built.rm_area_status,
    });
  });

  it('gives the same rows when migration 120 sums existing kelurahan rows (an upgrade) as the projection kept', async () => {
    const built = await dumpTables(bench.ds);
    const q = bench.ds.createQueryRunner();
    try {
      const migration = new AreaTotals1700000000120();
      await migration.down(q);
      await migration.up(q);
    } finally {
      await q.release();
    }
    const migrated = await dumpTables(bench.ds);
    expect({ tally: migrated.rm_area_tally, status: migrated.rm_area_status }).toEqual({
      tally: built.rm_area_tally,
      status: built.rm_area_status,
    });
  });

  it('sums the latest counted tallies per province (corrections replace, held tallies stay out)', async () => {
    for (const p of ref.provinsi) {
      const inP = [...latest].filter(([id]) => id.startsWith(p.code));
      const counted = inP.filter(([, t]) => !t.held);
      const view = (await bench.reads.area(p.code, { limit: 500 }))!;
      expect(view.area).toMatchObject({
        level: 'provinsi',
        code: p.code,
        tpsReported: counted.length,
        tpsHeld: inP.length - counted.length,
        validVotes: counted.reduce((a, [, t]) => a + t.votes['01'] + t.votes['02'] + t.votes['03'], 0),
        tpsTotal: ref.tps.filter((t) => t.id.startsWith(p.code)).length,
      });
      expect(view.area.candidates.find((c) => c.number === '01')?.votes).toBe(counted.reduce((a, [, t]) => a + t.votes['01'], 0));
    }
  });

  it('answers the nation root with its provinces, a stratified estimate, and children adding up to the parent', async () => {
    const nation = (await bench.reads.area('', { limit: 500 }))!;
    expect(nation).toMatchObject({ parents: [], childLevel: 'provinsi', childrenTotal: 3, nextCursor: null });
    expect(nation.area).toMatchObject({ level: 'nation', code: '', tpsTotal: 90 });
    expect(nation.area.estimate).toMatchObject({ shown: true, method: 'stratified-ratio-estimator' });
    for (const key of ['validVotes', 'tpsReported', 'tpsHeld', 'tpsCheckedIn', 'openIncidents', 'tpsTotal'] as const)
      expect(nation.children.reduce((a, c) => a + c[key], 0)).toBe(nation.area[key]);
    const summary = await bench.reads.summary();
    expect(summary.validVotes).toBe(nation.area.validVotes);
    expect(summary.estimate).toEqual(nation.area.estimate);

    const kec = ref.kecamatan[4];
    const view = (await bench.reads.area(kec.code, { limit: 500 }))!;
    expect(view.parents.map((p) => [p.level, p.code])).toEqual([
      ['nation', ''],
      ['provinsi', kec.code.slice(0, 2)],
      ['kabupaten', kec.code.slice(0, 4)],
    ]);
    expect(view.area.estimate.method).toBe('ratio-estimator-cluster-fpc');
    expect(view.children.reduce((a, c) => a + c.validVotes, 0)).toBe(view.area.validVotes);
    const kel = await bench.reads.kelurahanSummaries(view.children.map((c) => c.code));
    expect(kel.map((k) => k.validVotes)).toEqual(view.children.map((c) => c.validVotes));
  });

  it('pages an area’s TPS by id, across kelurahan, with the state filters', async () => {
    const prov = ref.provinsi[1].code;
    const all = ref.tps.filter((t) => t.id.startsWith(prov)).map((t) => t.id);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = (await bench.reads.areaTps(prov, { limit: 7, after }))!;
      expect(page.total).toBe(all.length);
      seen.push(...page.tps.map((t) => t.id));
      if (!page.nextCursor) break;
      after = page.tps[page.tps.length - 1].id;
    }
    expect(seen).toEqual(all);
    const idle = (await bench.reads.areaTps(prov, { limit: 500, state: 'no_officer' }))!;
    const busy = (await bench.reads.areaTps(prov, { limit: 500, state: 'reported' }))!;
    expect(idle.tps.every((t) => t.state === 'no_officer')).toBe(true);
    expect([idle.total, busy.total]).toEqual([idle.tps.length, busy.tps.length]);
    expect(idle.tps.map((t) => t.id)).toEqual(all.filter((id) => !latest.has(id) && !events.some((e) => e.data.tpsId === id)));
  });
});
