import { describe, expect, it } from '@jest/globals';
import { ancestorCodes, applyDeltas, parentCodeOf, sumDeltas, type AreaRollup } from './area-rollup.js';
import { emptyContest, emptyStatus, type Contribution } from './kelurahan-tally.js';

/** A kelurahan's totals with `reported` TPS of `valid` votes for candidate 01 and `checkedIn` check-ins. */
function totals(reported: number, valid: number, checkedIn = 0): Contribution {
  return {
    status: { ...emptyStatus(), tpsCheckedIn: checkedIn, tpsReported: reported },
    contests: {
      PPWP: {
        ...emptyContest(),
        tpsReported: reported,
        validVotes: valid,
        sxx: valid * valid,
        candidates: valid ? { '01': { y: valid, yy: valid * valid, xy: valid * valid } } : {},
      },
    },
  };
}

describe('area roll-up', () => {
  it('names the areas above a code, top down, and each one’s parent', () => {
    expect(ancestorCodes('1673061002')).toEqual(['', '16', '1673', '167306']);
    expect(ancestorCodes('1673')).toEqual(['', '16']);
    expect(['', '16', '1673', '167306', '1673061002'].map(parentCodeOf)).toEqual([null, '', '16', '1673', '167306']);
  });

  it('sums a batch’s kelurahan changes per ancestor: after minus before, each level once', () => {
    const deltas = sumDeltas([
      { kelurahanCode: '1673061002', before: totals(1, 100), after: totals(2, 250, 1) },
      { kelurahanCode: '1673061003', before: undefined, after: totals(1, 40) },
      { kelurahanCode: '1673011001', before: totals(1, 10), after: totals(1, 10, 1) },
      { kelurahanCode: '9901011001', before: undefined, after: totals(1, 5) },
    ]);
    expect([...deltas.keys()].sort()).toEqual(['', '16', '1673', '167301', '167306', '99', '9901', '990101']);
    // Kecamatan 167306: +150 and +40 votes, +2 TPS reported, +1 checked in.
    expect(deltas.get('167306')!.contests.PPWP).toMatchObject({ tpsReported: 2, validVotes: 190 });
    expect(deltas.get('167306')!.status).toMatchObject({ tpsReported: 2, tpsCheckedIn: 1 });
    // Kecamatan 167301: numbers unchanged but a check-in; the candidate entry that did not move is dropped.
    expect(deltas.get('167301')!.contests.PPWP).toMatchObject({ tpsReported: 0, validVotes: 0, candidates: {} });
    expect(deltas.get('167301')!.status.tpsCheckedIn).toBe(1);
    // The city adds both of its kecamatan; the nation adds the city and province 99.
    expect(deltas.get('1673')!.contests.PPWP.validVotes).toBe(190);
    expect(deltas.get('')!.contests.PPWP).toMatchObject({ validVotes: 195, tpsReported: 3 });
    expect(deltas.get('')!.contests.PPWP.candidates['01'].y).toBe(195);
  });

  it('moves each loaded ancestor row by its delta, and creates the rows not there yet', () => {
    const loaded = new Map<string, AreaRollup>([['', { areaCode: '', parentCode: null, ...totals(3, 300, 2) }]]);
    const rows = applyDeltas(loaded, sumDeltas([{ kelurahanCode: '9901011001', before: totals(1, 100), after: totals(1, 60) }]));
    const nation = rows.find((r) => r.areaCode === '')!;
    expect(nation.contests.PPWP).toMatchObject({ tpsReported: 3, validVotes: 260 });
    expect(nation.contests.PPWP.candidates['01'].y).toBe(260);
    expect(nation.status).toMatchObject({ tpsReported: 3, tpsCheckedIn: 2 });
    const kec = rows.find((r) => r.areaCode === '990101')!;
    expect(kec).toMatchObject({ parentCode: '9901', status: { tpsReported: 0 } });
    expect(kec.contests.PPWP.validVotes).toBe(-40);
  });
});
