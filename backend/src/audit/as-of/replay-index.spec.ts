/** The replay walk against the obvious answer: fold the first n events from zero, exactly as tps-status would. */
import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { emptyStatus, moveTps, type KelurahanTotals } from '../../projections/kelurahan-tally.js';
import { ev, recordAll, RULE_FLAG } from '../../projections/testing/events.js';
import { evolveTps, initialTps, type TpsDoc } from '../../projections/tps-doc.js';
import type { TpsEvent } from '../../tps/tps.events.js';
import { ReplayIndex, type TpsPlace } from './replay-index.js';

const place = (id: string): TpsPlace => ({
  id,
  number: Number(id.slice(10)),
  kelurahanCode: id.slice(0, 10),
  kecamatanCode: id.slice(0, 6),
});
const TPS = ['1673061002001', '1673061002002', '1673061003001', '1673051001004'];

function history(): TpsEvent[] {
  const out: TpsEvent[] = [];
  TPS.forEach((id, i) => {
    out.push(ev.checkIn(id, '2024-02-14T06:30:00+07:00'));
    out.push(ev.tally(id, { '01': 10 + i, '02': 20, '03': 5 * i }, i === 2 ? RULE_FLAG : undefined));
    out.push(ev.incident(id, `${id}-1`, '2024-02-14T08:00:00+07:00'));
  });
  out.push(ev.correct(TPS[0], 1, { '01': 11, '02': 19, '03': 0 }));
  out.push(ev.paper(TPS[1], { '01': 99, '02': 20, '03': 5 }, 1, false));
  out.push(ev.resolve(TPS[2], `${TPS[2]}-1`, '2024-02-14T09:00:00+07:00'));
  out.push(ev.tally(TPS[3], { '01': 1, '02': 2, '03': 3 }, undefined, 'DPD'));
  out.push(ev.correct(TPS[1], 1, { '01': 99, '02': 20, '03': 5 }));
  return out;
}

/** Totals after the first n events, folded from zero. */
function direct(events: RecordedEvent[], n: number): Map<string, KelurahanTotals> {
  const docs = new Map<string, TpsDoc>();
  const totals = new Map<string, KelurahanTotals>();
  for (const e of events.slice(0, n)) {
    const id = (e.data as { tpsId: string }).tpsId;
    const before = docs.get(id) ?? null;
    const after = evolveTps(before ?? initialTps(place(id)), e);
    docs.set(id, after);
    const k = after.kelurahanCode;
    totals.set(
      k,
      moveTps(
        totals.get(k) ?? { kelurahanCode: k, kecamatanCode: after.kecamatanCode, status: emptyStatus(), contests: {} },
        before,
        after,
      ),
    );
  }
  return totals;
}

/** All-zero entries may differ in presence (a walk backwards leaves them; the views read them as absent); numbers may not. */
const numbers = (m: Map<string, KelurahanTotals>) =>
  Object.fromEntries(
    [...m.entries()]
      .map(
        ([k, t]) =>
          [
            k,
            {
              status: t.status,
              contests: Object.fromEntries(Object.entries(t.contests).filter(([, c]) => c.tpsReported !== 0 || c.validVotes !== 0)),
            },
          ] as const,
      )
      .filter(([, t]) => Object.keys(t.contests).length > 0 || Object.values(t.status).some((v) => v !== 0)),
  );

describe('ReplayIndex', () => {
  const events = recordAll(history());

  it.each([
    [1, 1],
    [3, 64],
    [1000, 64],
    [2, 2],
  ])('gives the from-zero totals at every cut (snapshot every %i, at most %i)', (snapshotEvery, maxSnapshots) => {
    const index = new ReplayIndex(place, { snapshotEvery, maxSnapshots });
    for (const e of events) index.add(e);
    expect(index.snapshotCount).toBeLessThanOrEqual(maxSnapshots);
    // Walk in scrubbing order: forwards, backwards and jumps.
    for (const n of [0, events.length, 5, 4, 11, 2, events.length - 1, 9, 0, 13]) {
      const want = direct(events, n);
      expect(numbers(index.kelurahanAt(n))).toEqual(numbers(want));
      const city = index.cityAt(n);
      const valid = [...want.values()].reduce((a, t) => a + (t.contests.PPWP?.validVotes ?? 0), 0);
      const open = [...want.values()].reduce((a, t) => a + t.status.openIncidents, 0);
      expect([n, city.contests.PPWP?.validVotes ?? 0, city.status.openIncidents]).toEqual([n, valid, open]);
    }
  });

  it('counts the longest prefix recorded by the moment asked, even when recording clocks overtake the log order', () => {
    const shuffled = events.slice(0, 4).map((e, i) => ({ ...e, recordedAt: new Date(Date.UTC(2024, 1, 14) + [10, 30, 20, 40][i] * 1000) }));
    const index = new ReplayIndex(place);
    for (const e of shuffled) index.add(e);
    const at = (s: number) => index.countAt(Date.UTC(2024, 1, 14) + s * 1000);
    expect([at(5), at(10), at(25), at(30), at(39), at(40), at(99)]).toEqual([0, 1, 1, 3, 3, 4, 4]);
    expect(index.positionAt(3)).toBe('3/3');
    expect(index.recordedAtOf(3)).toEqual(new Date(Date.UTC(2024, 1, 14, 0, 0, 20)));
    expect(index.positionAt(0)).toBeNull();
  });
});
