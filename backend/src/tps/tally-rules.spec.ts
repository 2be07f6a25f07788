import { checkRules, diffForms, findOddities } from './tally-rules.js';
import type { TallyForm } from './tps.events.js';

const good: TallyForm = {
  votes: { '01': 60, '02': 80, '03': 35 },
  invalid: 5,
  voters: { dpt: 250, fromDpt: 170, fromDptb: 6, fromDpk: 4 },
  ballots: { received: 255, used: 180, spoiled: 2, unused: 73 },
  disabledVoters: 3,
};
const rulesOf = (f: TallyForm, special = false) => checkRules(f, { special }).map((r) => r.rule);

describe('consistency rules of the C.Hasil form', () => {
  it('a correct form breaks none', () => {
    expect(checkRules(good, { special: false })).toEqual([]);
    expect(rulesOf({ ...good, validTotal: 175, grandTotal: 180, voters: { ...good.voters, total: 180 } })).toEqual([]);
  });

  it.each([
    [
      '1 gender split',
      {
        votersByGender: {
          male: { dpt: 120, fromDpt: 80, fromDptb: 3, fromDpk: 2 },
          female: { dpt: 130, fromDpt: 90, fromDptb: 3, fromDpk: 1 },
        },
      },
      1,
    ],
    ['2 B.4 total', { voters: { ...good.voters, total: 181 } }, 2],
    ['5 ballots received vs DPT + 2%', { ballots: { ...good.ballots, received: 265, unused: 83 } }, 5],
    ['7 V.A', { validTotal: 176 }, 7],
    ['8 V.C', { grandTotal: 181, validTotal: 175 }, 8],
    ['10 disabled voters', { disabledVoters: 181 }, 10],
  ])('rule %s', (_name, patch, rule) => {
    expect(rulesOf({ ...good, ...(patch as Partial<TallyForm>) })).toContain(rule);
  });

  it('rule 3: B.1 above A.1; rule 4: ballots do not balance; rule 6 and 9 follow the voters', () => {
    expect(rulesOf({ ...good, voters: { ...good.voters, dpt: 160 }, ballots: { ...good.ballots, received: 164, unused: 10 } })).toEqual(
      expect.arrayContaining([3, 4]),
    );
    expect(rulesOf({ ...good, ballots: { ...good.ballots, used: 181, unused: 72 } })).toEqual([6]);
    // The real 2024 record: 115 voters but 212 + 7 + 6 = 225 votes.
    const broken = checkRules(
      {
        ...good,
        votes: { '01': 212, '02': 7, '03': 6 },
        invalid: 0,
        voters: { dpt: 250, fromDpt: 115, fromDptb: 0, fromDpk: 0 },
        ballots: { received: 255, used: 115, spoiled: 0, unused: 140 },
      },
      { special: false },
    );
    expect(broken.find((r) => r.rule === 9)?.values).toEqual({ grandTotal: 225, voters: 115 });
  });

  it('rule 11: more than 306 voters only at a special (9xx) TPS', () => {
    const big: TallyForm = {
      votes: { '01': 100, '02': 150, '03': 60 },
      invalid: 0,
      voters: { dpt: 400, fromDpt: 310, fromDptb: 0, fromDpk: 0 },
      ballots: { received: 408, used: 310, spoiled: 0, unused: 98 },
    };
    expect(rulesOf(big)).toEqual([11]);
    expect(rulesOf(big, true)).toEqual([]);
  });
});

describe('oddities', () => {
  it('flags turnout above DPT + 2% and one candidate with every vote', () => {
    const f: TallyForm = {
      ...good,
      votes: { '01': 0, '02': 260, '03': 0 },
      invalid: 0,
      voters: { dpt: 250, fromDpt: 250, fromDptb: 10, fromDpk: 0 },
    };
    expect(findOddities(f).map((o) => o.code)).toEqual(['TURNOUT_ABOVE_DPT', 'ONE_CANDIDATE_ALL_VOTES']);
  });
  it('flags a tally much unlike its kelurahan only with enough reported TPS', () => {
    const shares = { '01': 0.6, '02': 0.3, '03': 0.1 };
    const f: TallyForm = { ...good, votes: { '01': 10, '02': 150, '03': 15 } };
    expect(findOddities(f, { kelurahanShares: { tpsReported: 5, shares } }).map((o) => o.code)).toEqual(['UNLIKE_KELURAHAN']);
    expect(findOddities(f, { kelurahanShares: { tpsReported: 2, shares } })).toEqual([]);
  });
});

describe('diffForms', () => {
  it('lists changed, added and removed numeric fields by path', () => {
    expect(diffForms(good, { ...good, invalid: 6, validTotal: 175, disabledVoters: undefined })).toEqual([
      { path: 'disabledVoters', before: 3, after: null },
      { path: 'invalid', before: 5, after: 6 },
      { path: 'validTotal', before: null, after: 175 },
    ]);
  });
  it('core scope ignores optional typed totals, so online and paper readings compare box by box', () => {
    expect(diffForms(good, { ...good, validTotal: 175, disabledVoters: undefined }, 'core')).toEqual([]);
    expect(diffForms(good, { ...good, invalid: 6, validTotal: 175 }, 'core')).toEqual([{ path: 'invalid', before: 5, after: 6 }]);
  });
});
