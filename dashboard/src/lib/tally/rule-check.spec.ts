import { describe, expect, it } from '@jest/globals';
import { checkRules } from '$tally-rules';
import { allPaths, fromForm, sections, toForm, type Values } from './form-fields.ts';
import { problemsFromServer, problemsOf, sectionOf } from './rule-check.ts';

/**
 * The officers' app judges a form with the server's own module (`$tally-rules` is backend/src/tps/tally-rules.ts,
 * here as in the Vite build): what the monitor sees while typing is exactly what the server would refuse with 422.
 */
const secs = sections([
  { number: '01', short: 'A' },
  { number: '02', short: 'B' },
  { number: '03', short: 'C' },
]);
const GOOD: Values = fromForm({
  votes: { '01': 60, '02': 80, '03': 35 },
  invalid: 5,
  voters: { dpt: 250, fromDpt: 170, fromDptb: 6, fromDpk: 4 },
  ballots: { received: 255, used: 180, spoiled: 2, unused: 73 },
  disabledVoters: 3,
});
const codes = (v: Values) => problemsOf(v, secs, false).map((p) => p.code);
const serverCodes = (v: Values) => checkRules(toForm(v, secs), { special: false }).map((r) => r.code);

describe('tally rules in the officers app (the server module, shared)', () => {
  it('a consistent form breaks no rule, on either side', () => {
    expect(codes(GOOD)).toEqual([]);
    expect(serverCodes(GOOD)).toEqual([]);
  });

  it('a misread digit breaks what the server checks, with the boxes it involves', () => {
    const misread = { ...GOOD, 'votes.02': '85' };
    expect(codes(misread)).toEqual(serverCodes(misread));
    const [p] = problemsOf(misread, secs, false);
    expect(p.code).toBe('VOTES_VS_VOTERS');
    expect(p.text).toBe('Jumlah suara sah + tidak sah (185) harus sama dengan jumlah pengguna hak pilih (180).');
    expect(p.paths).toEqual(expect.arrayContaining(['votes.01', 'votes.02', 'votes.03', 'invalid', 'voters.fromDpt']));
    expect(sectionOf(p, secs)).toBe('jumlah');
  });

  it('each broken rule of a badly read form matches the server, in Indonesian', () => {
    const bad = { ...GOOD, 'voters.fromDpt': '260', 'ballots.unused': '70', 'ballots.received': '300', disabledVoters: '400' };
    expect(codes(bad).sort()).toEqual(serverCodes(bad).sort());
    expect(codes(bad).sort()).toEqual([
      'BALLOTS_BALANCE',
      'BALLOTS_RECEIVED',
      'BALLOTS_USED',
      'DISABLED_ABOVE_VOTERS',
      'FROM_DPT_ABOVE_DPT',
      'VOTES_VS_VOTERS',
    ]);
    for (const p of problemsOf(bad, secs, false)) expect(p.text).not.toMatch(/must|cannot|should/);
    expect(problemsOf(bad, secs, false).find((p) => p.code === 'BALLOTS_BALANCE')?.paths).toEqual([
      'ballots.received',
      'ballots.used',
      'ballots.spoiled',
      'ballots.unused',
    ]);
  });

  it('judges a rule only once every box it involves is typed', () => {
    const partial: Values = { 'voters.dpt': '250', 'voters.fromDpt': '260' };
    expect(codes(partial)).toEqual(['FROM_DPT_ABOVE_DPT']);
    expect(codes({})).toEqual([]);
    expect(allPaths(secs)).toHaveLength(13);
  });

  it('the 300-voter cap holds at a normal TPS only', () => {
    const many = fromForm({
      votes: { '01': 150, '02': 100, '03': 60 },
      invalid: 0,
      voters: { dpt: 300, fromDpt: 300, fromDptb: 10, fromDpk: 0 },
      ballots: { received: 306, used: 310, spoiled: 0, unused: 0 },
      disabledVoters: 0,
    });
    expect(codes(many)).toContain('VOTERS_ABOVE_CAP');
    expect(problemsOf(many, secs, true).map((p) => p.code)).not.toContain('VOTERS_ABOVE_CAP');
  });

  it("shows the server's 422 answer in the same words", () => {
    const misread = { ...GOOD, 'votes.02': '85' };
    const rules = checkRules(toForm(misread, secs), { special: false });
    expect(problemsFromServer(rules, secs)).toEqual(problemsOf(misread, secs, false));
  });
});
