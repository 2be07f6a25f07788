import { describe, expect, it } from '@jest/globals';
import { ev, recordAll, RULE_FLAG } from './testing/events.js';
import { evolveTps, initialTps, tpsState, tpsView, type TpsDoc } from './tps-doc.js';
import { contribution, emptyStatus, moveTps, type KelurahanTotals } from './kelurahan-tally.js';
import type { TpsEvent } from '../tps/tps.events.js';

const TPS = '1673061002001';
const given = (...events: TpsEvent[]): TpsDoc =>
  recordAll(events).reduce(evolveTps, initialTps({ id: TPS, number: 1, kelurahanCode: '1673061002', kecamatanCode: '167306' }));

describe('TPS status fold', () => {
  it('starts with no officer', () => {
    expect(tpsView(given()).state).toBe('no_officer');
  });

  it('keeps the earliest check-in time but the newest officer when check-ins arrive out of order', () => {
    const doc = given(ev.checkIn(TPS, '2024-02-14T06:55:00+07:00', 'B'), ev.checkIn(TPS, '2024-02-14T06:40:00+07:00', 'A'));
    expect(doc.checkedInAt).toBe('2024-02-14T06:40:00+07:00');
    expect(doc.officer).toBe('B');
    expect(tpsState(doc)).toBe('checked_in');
  });

  it('replaces a tally by its correction, keeping the correction revision', () => {
    const view = tpsView(
      given(
        ev.checkIn(TPS, '2024-02-14T06:40:00+07:00'),
        ev.tally(TPS, { '01': 80, '02': 120 }),
        ev.correct(TPS, 1, { '01': 30, '02': 120 }),
      ),
    );
    expect(view.tallies).toHaveLength(1);
    expect(view.tallies[0]).toMatchObject({
      revision: 2,
      corrected: true,
      votes: { '01': 30, '02': 120 },
      validVotes: 150,
      invalid: 3,
      voters: 153,
      dpt: 280,
    });
    expect(view.state).toBe('reported');
  });

  it('flags broken rules, and an incident outranks the flag until resolved', () => {
    const flagged = given(ev.tally(TPS, { '01': 10 }, RULE_FLAG));
    expect(tpsView(flagged).flags).toEqual([{ kind: 'rule', code: 'TOTAL_MISMATCH', message: 'PPWP: V.C differs from B.4' }]);
    expect(tpsState(flagged)).toBe('flagged');
    const withIncident = given(ev.tally(TPS, { '01': 10 }, RULE_FLAG), ev.incident(TPS, 'i1', '2024-02-14T09:00:00+07:00'));
    expect(tpsView(withIncident)).toMatchObject({ state: 'incident', openIncidents: 1 });
    const resolved = given(ev.tally(TPS, { '01': 10 }, RULE_FLAG), ev.incident(TPS, 'i1', 'x'), ev.resolve(TPS, 'i1', 'y'));
    expect(tpsView(resolved)).toMatchObject({ state: 'flagged', openIncidents: 0 });
  });

  it('flags a paper form mismatch, and re-compares after a correction', () => {
    const mismatch = given(ev.tally(TPS, { '01': 80, '02': 120 }), ev.paper(TPS, { '01': 30, '02': 120 }, 0, false));
    expect(tpsView(mismatch).flags).toEqual([
      { kind: 'paper_mismatch', code: 'PAPER_MISMATCH', message: 'PPWP: paper form differs from the online tally' },
    ]);
    const fixed = given(
      ev.tally(TPS, { '01': 80, '02': 120 }),
      ev.paper(TPS, { '01': 30, '02': 120 }, 0, false),
      ev.correct(TPS, 0, { '01': 30, '02': 120 }),
    );
    expect(tpsView(fixed)).toMatchObject({ state: 'reported', flags: [] });
  });
});

describe('kelurahan contribution', () => {
  const empty: KelurahanTotals = { kelurahanCode: '1673061002', kecamatanCode: '167306', status: emptyStatus(), contests: {} };

  it('replaces a corrected TPS instead of adding to it', () => {
    const first = given(ev.checkIn(TPS, 't'), ev.tally(TPS, { '01': 80, '02': 120 }));
    const corrected = given(ev.checkIn(TPS, 't'), ev.tally(TPS, { '01': 80, '02': 120 }), ev.correct(TPS, 1, { '01': 30, '02': 120 }));
    const totals = moveTps(moveTps(empty, null, first), first, corrected);
    expect(totals.contests.PPWP).toMatchObject({ tpsReported: 1, validVotes: 150, invalidVotes: 3, dptCovered: 280, sxx: 150 * 150 });
    expect(totals.contests.PPWP.candidates['01']).toEqual({ y: 30, yy: 900, xy: 30 * 150 });
    expect(totals.status).toEqual({ tpsCheckedIn: 1, tpsReported: 1, tpsFlagged: 0, openIncidents: 0, tpsWithPhotos: 0 });
  });

  it('drops a candidate whose votes were corrected away, as a single-batch build would never add it', () => {
    const a = given(ev.tally(TPS, { '01': 5, '04': 7 }));
    const b = given(ev.tally(TPS, { '01': 5, '04': 7 }), ev.correct(TPS, 0, { '01': 12 }));
    expect(moveTps(moveTps(empty, null, a), a, b)).toEqual(moveTps(empty, null, b));
    expect(contribution(null)).toEqual({ status: emptyStatus(), contests: {} });
  });
});
