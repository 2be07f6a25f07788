/**
 * Properties over random valid histories (fast-check), fed to the runners as recorded events on real PostgreSQL:
 * city totals = the sum over TPS of the latest tally; every area row above kelurahan = the sum of its kelurahan rows;
 * an incremental build in random batches = a build from zero in one batch (all levels); replaying a batch changes nothing.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import type { TpsEvent } from '../tps/tps.events.js';
import { estimateShares, sumsFromTps } from './quick-count.js';
import { ev, NO_FLAGS, recordAll, RULE_FLAG } from './testing/events.js';
import { openBench, type Bench } from './testing/fixture.js';
import {
  cityTotals,
  createShadowTables,
  dumpTables,
  expectedAreaRows,
  latestTallies,
  numericAreaRows,
  resetReadModels,
} from './testing/model.js';

const TPS = ['1673011001001', '1673011001002', '1673011002001', '1673021001001', '1673021001002'];

/** Raw random steps, made valid by `toHistory`: the first tally of a TPS is a submission, later ones corrections. */
const step = fc.oneof(
  fc.record({ kind: fc.constant('checkIn' as const), tps: fc.nat(TPS.length - 1), minute: fc.integer({ min: 0, max: 120 }) }),
  fc.record({
    kind: fc.constant('tally' as const),
    tps: fc.nat(TPS.length - 1),
    votes: fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300)),
    flagged: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('paper' as const), tps: fc.nat(TPS.length - 1), votes: fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300)) }),
  fc.record({ kind: fc.constant('incident' as const), tps: fc.nat(TPS.length - 1) }),
  fc.record({ kind: fc.constant('resolve' as const), tps: fc.nat(TPS.length - 1) }),
);
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

function toHistory(steps: Step[]): TpsEvent[] {
  const revision = new Map<string, number>();
  const tallyRevision = new Map<string, number>();
  const open = new Map<string, string[]>();
  const out: TpsEvent[] = [];
  let incidents = 0;
  const push = (e: TpsEvent) => {
    const id = e.data.tpsId;
    const r = revision.get(id) ?? 0;
    revision.set(id, r + 1);
    out.push(e);
    return r;
  };
  for (const s of steps) {
    const id = TPS[s.tps];
    if (s.kind === 'checkIn') push(ev.checkIn(id, new Date(Date.UTC(2024, 1, 13, 23, s.minute)).toISOString()));
    if (s.kind === 'tally') {
      const votes = { '01': s.votes[0], '02': s.votes[1], '03': s.votes[2] };
      const prev = tallyRevision.get(id);
      const flags = s.flagged ? RULE_FLAG : NO_FLAGS;
      tallyRevision.set(id, push(prev === undefined ? ev.tally(id, votes, flags) : ev.correct(id, prev, votes, flags)));
    }
    if (s.kind === 'paper') {
      const prev = tallyRevision.get(id) ?? null;
      push(ev.paper(id, { '01': s.votes[0], '02': s.votes[1], '03': s.votes[2] }, prev, prev === null ? null : false));
    }
    if (s.kind === 'incident') {
      const incidentId = `inc-${++incidents}`;
      open.set(id, [...(open.get(id) ?? []), incidentId]);
      push(ev.incident(id, incidentId, '2024-02-14T02:00:00.000Z'));
    }
    const toResolve = open.get(id)?.[0];
    if (s.kind === 'resolve' && toResolve) {
      open.set(id, open.get(id)!.slice(1));
      push(ev.resolve(id, toResolve, '2024-02-14T03:00:00.000Z'));
    }
  }
  return out;
}

/** Splits `xs` at the given cut points into non-empty consecutive batches. */
function batches<T>(xs: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % Math.max(1, xs.length)))].filter((c) => c > 0).sort((a, b) => a - b);
  const out: T[][] = [];
  let from = 0;
  for (const p of [...points, xs.length]) {
    if (p > from) out.push(xs.slice(from, p));
    from = p;
  }
  return out;
}

let db: TestDatabase;
let bench: Bench;
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase('props');
  bench = await openBench(db.url, { QUICKCOUNT_MIN_TPS: 2 });
  ds = bench.ds;
  await createShadowTables(ds, 'prop_zero');
});

afterAll(async () => {
  await bench?.close();
  await db?.drop();
});

it('holds for random valid histories', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { minLength: 1, maxLength: 40 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.nat(),
      async (steps, cuts, replayPick) => {
        await resetReadModels(ds, ['public', 'prop_zero']);
        const history = toHistory(steps);
        const recorded = recordAll(history);

        // Incremental, in random batches.
        const runners = bench.runners();
        const parts = batches(recorded, cuts);
        for (const part of parts) for (const r of runners) await r.applyBatch(part);

        // City totals = sum over TPS of the latest tally.
        const want = cityTotals(history);
        const summary = await bench.reads.summary();
        expect(Object.fromEntries(summary.candidates.map((c) => [c.number, c.votes]))).toEqual({
          '01': 0,
          '02': 0,
          '03': 0,
          ...want.votes,
        });
        expect({ valid: summary.validVotes, invalid: summary.invalidVotes, reported: summary.tpsReported }).toEqual({
          valid: want.valid,
          invalid: want.invalid,
          reported: want.reported,
        });
        if (summary.estimate.shown) {
          const direct = estimateShares(sumsFromTps([...latestTallies(history).values()], 635));
          summary.estimate.candidates.forEach((c, i) => expect(c.marginOfError).toBeCloseTo(direct[i].marginOfError, 9));
        }

        // Every area above kelurahan (nation, provinsi, kabupaten, kecamatan) = the sum of its kelurahan rows.
        const built = await dumpTables(ds);
        expect(numericAreaRows(built)).toEqual(expectedAreaRows(built));

        // Replaying an already applied batch changes nothing (a history of only no-op steps has no batch to replay).
        if (parts.length > 0) {
          const again = parts[replayPick % parts.length];
          for (const r of runners) expect(await r.applyBatch(again)).toBeNull();
          expect(await dumpTables(ds)).toEqual(built);
        }

        // From zero in one batch (as a rebuild does, into copies of the tables) = incremental.
        for (const name of ['tps-status', 'incidents']) {
          const fromZero = bench.runners({ schema: 'prop_zero', checkpointName: `${name}@zero` }).find((x) => x.projection.name === name)!;
          if (recorded.length > 0) await fromZero.applyBatch(recorded);
        }
        expect(await dumpTables(ds, 'prop_zero')).toEqual(built);
      },
    ),
    { numRuns: 40 },
  );
});
