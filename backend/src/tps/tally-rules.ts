import type { FieldDiff, Oddity, RuleViolation, TallyForm } from './tps.events.js';

/** Legal maximum of voters on the DPT of a normal TPS (2024). */
export const MAX_VOTERS_PER_TPS = 300;
/** Ballots reserve: 2% of the DPT, rounded up. */
export const reserveFor = (dpt: number): number => Math.ceil(dpt * 0.02);
/** Ballots received may differ this much from DPT + 2% before rule 5 counts as broken (logistics round by sheets). */
export const RECEIVED_TOLERANCE = 1;

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
export const votersTotal = (f: TallyForm): number => f.voters.fromDpt + f.voters.fromDptb + f.voters.fromDpk;
export const validVotes = (f: TallyForm): number => sum(Object.values(f.votes));

/**
 * The consistency rules a correct C.Hasil form satisfies (domain.md, rules 1-11; the 0..999 box limit is enforced by
 * the request schema). A broken rule is the classic sign of a typo or a wrong form.
 */
export function checkRules(f: TallyForm, opts: { special: boolean }): RuleViolation[] {
  const out: RuleViolation[] = [];
  const broken = (rule: number, code: string, message: string, values: Record<string, number>) => out.push({ rule, code, message, values });
  const b4 = f.voters.total ?? votersTotal(f);
  const va = validVotes(f);
  const vc = f.grandTotal ?? va + f.invalid;

  if (f.votersByGender) {
    for (const row of ['dpt', 'fromDpt', 'fromDptb', 'fromDpk'] as const) {
      const male = f.votersByGender.male[row];
      const female = f.votersByGender.female[row];
      if (male + female !== f.voters[row])
        broken(1, 'GENDER_SPLIT', `male + female must equal the total of voters.${row}`, { male, female, total: f.voters[row] });
    }
  }
  if (f.voters.total !== undefined && f.voters.total !== votersTotal(f))
    broken(2, 'VOTERS_TOTAL', 'B.4 must equal B.1 + B.2 + B.3', {
      total: f.voters.total,
      fromDpt: f.voters.fromDpt,
      fromDptb: f.voters.fromDptb,
      fromDpk: f.voters.fromDpk,
    });
  if (f.voters.fromDpt > f.voters.dpt)
    broken(3, 'FROM_DPT_ABOVE_DPT', 'B.1 (voters from the DPT) cannot exceed A.1 (DPT)', { fromDpt: f.voters.fromDpt, dpt: f.voters.dpt });
  const { received, used, spoiled, unused } = f.ballots;
  if (received !== used + spoiled + unused)
    broken(4, 'BALLOTS_BALANCE', 'II.1 received must equal II.2 used + II.3 spoiled + II.4 unused', { received, used, spoiled, unused });
  const expectedReceived = f.voters.dpt + reserveFor(f.voters.dpt);
  if (Math.abs(received - expectedReceived) > RECEIVED_TOLERANCE)
    broken(5, 'BALLOTS_RECEIVED', 'II.1 received should be the DPT plus 2% reserve (rounded up)', {
      received,
      dpt: f.voters.dpt,
      expected: expectedReceived,
    });
  if (used !== b4) broken(6, 'BALLOTS_USED', 'II.2 ballots used must equal B.4 voters', { used, voters: b4 });
  if (f.validTotal !== undefined && f.validTotal !== va)
    broken(7, 'VALID_TOTAL', 'V.A must equal the sum of the candidate votes', { validTotal: f.validTotal, sumOfVotes: va });
  if (f.grandTotal !== undefined && f.grandTotal !== (f.validTotal ?? va) + f.invalid)
    broken(8, 'GRAND_TOTAL', 'V.C must equal V.A + V.B', { grandTotal: f.grandTotal, validTotal: f.validTotal ?? va, invalid: f.invalid });
  if (vc !== b4) broken(9, 'VOTES_VS_VOTERS', 'V.C (all votes) must equal B.4 (voters)', { grandTotal: vc, voters: b4 });
  if (f.disabledVoters !== undefined && f.disabledVoters > b4)
    broken(10, 'DISABLED_ABOVE_VOTERS', 'III (voters with disabilities) cannot exceed B.4', {
      disabledVoters: f.disabledVoters,
      voters: b4,
    });
  const cap = MAX_VOTERS_PER_TPS + reserveFor(MAX_VOTERS_PER_TPS);
  if (!opts.special && b4 > cap)
    broken(11, 'VOTERS_ABOVE_CAP', `B.4 cannot exceed ${cap} (300 plus the 2% reserve) at a normal TPS`, { voters: b4, cap });
  return out;
}

/** Area context for the "much unlike its kelurahan" check: shares of the other reported TPS there. */
export interface OddityContext {
  kelurahanShares?: { tpsReported: number; shares: Record<string, number> };
}

/** Legal but suspicious numbers: flagged for the posko, never rejected. */
export function findOddities(f: TallyForm, ctx: OddityContext = {}): Oddity[] {
  const out: Oddity[] = [];
  const va = validVotes(f);
  const allVotes = va + f.invalid;
  const limit = f.voters.dpt + reserveFor(f.voters.dpt);
  if (allVotes > limit)
    out.push({ code: 'TURNOUT_ABOVE_DPT', message: 'More votes than DPT + 2%', values: { votes: allVotes, dpt: f.voters.dpt, limit } });
  const entries = Object.entries(f.votes);
  if (va >= 20 && entries.length > 1 && entries.some(([, v]) => v === va))
    out.push({ code: 'ONE_CANDIDATE_ALL_VOTES', message: 'One candidate has every valid vote', values: { validVotes: va } });
  const k = ctx.kelurahanShares;
  if (k && k.tpsReported >= 3 && va >= 50) {
    for (const [number, votes] of entries) {
      const share = votes / va;
      const areaShare = k.shares[number] ?? 0;
      if (Math.abs(share - areaShare) > 0.4) {
        out.push({
          code: 'UNLIKE_KELURAHAN',
          message: `Candidate ${number}'s share differs from the kelurahan's by more than 40 points`,
          values: { share: Math.round(share * 1000) / 1000, kelurahanShare: Math.round(areaShare * 1000) / 1000 },
        });
        break;
      }
    }
  }
  return out;
}

/** Flattens a form to dotted numeric fields (`votes.01`, `ballots.used`, ...). */
export function flattenForm(f: TallyForm): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (prefix: string, v: unknown) => {
    if (typeof v === 'number') out[prefix] = v;
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
  };
  walk('', f);
  return out;
}

/** The boxes every reading of a form has; optional typed totals (V.A, V.C, B.4, splits, III) are left out. */
const CORE_FIELD = /^(votes\.|invalid$|voters\.(dpt|fromDpt|fromDptb|fromDpk)$|ballots\.)/;

/**
 * Field-by-field difference, sorted by path; absent fields are null. `core` compares only the boxes every reading
 * has: two readings of one form (online vs paper) should not differ just because one typed an optional total.
 */
export function diffForms(before: TallyForm | null, after: TallyForm, scope: 'all' | 'core' = 'all'): FieldDiff[] {
  const pick = (f: Record<string, number>) =>
    scope === 'all' ? f : Object.fromEntries(Object.entries(f).filter(([k]) => CORE_FIELD.test(k)));
  const a = before ? pick(flattenForm(before)) : {};
  const b = pick(flattenForm(after));
  const paths = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return paths.filter((p) => a[p] !== b[p]).map((path) => ({ path, before: a[path] ?? null, after: b[path] ?? null }));
}
