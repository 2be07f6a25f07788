/**
 * C.Hasil forms as a TPS would fill them: DPT near the city's 262 per TPS, turnout near 80%, a few DPTb/DPK voters,
 * about 2% invalid votes, candidate votes drawn around the area's shares. Every form from `generateForm` passes
 * checkRules; `breakForm` makes the classic reading mistakes that break at least one rule. Shared by the simulator and
 * the benchmark, so the benchmark's load is made of valid forms.
 */
import { MAX_VOTERS_PER_TPS, reserveFor } from '../tps/tally-rules.js';
import type { TallyForm } from '../tps/tps.events.js';
import { clamp, type Rng } from './prng.js';

/** Close to the 2024 national presidential result (01 24.9%, 02 58.6%, 03 16.5%). */
export const DEFAULT_SHARES = [0.25, 0.58, 0.17];
export const DEFAULT_CANDIDATES = ['01', '02', '03'];

/** Shares perturbed multiplicatively (log-normal) and normalised: an area, or one TPS within it, leans its own way. */
export function perturbShares(rng: Rng, shares: readonly number[], sd: number): number[] {
  const raw = shares.map((s) => Math.max(s, 1e-6) * Math.exp(rng.normal(0, sd)));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / total);
}

/** Splits `total` votes by `shares` with binomial-like noise; the parts always sum to `total`. */
export function splitVotes(rng: Rng, total: number, shares: readonly number[]): number[] {
  const out = shares.map((s) => Math.max(0, Math.round(rng.normal(total * s, Math.sqrt(total * s * (1 - s))))));
  let diff = total - out.reduce((a, b) => a + b, 0);
  // Settle the rounding on the largest part first: it can absorb the difference without going negative.
  const order = out
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0])
    .map(([, i]) => i);
  for (let k = 0; diff !== 0; k = (k + 1) % order.length) {
    const i = order[k];
    const step = diff > 0 ? diff : Math.max(diff, -out[i]);
    out[i] += step;
    diff -= step;
  }
  return out;
}

export interface FormOptions {
  candidates?: readonly string[];
  /** The TPS's own expected shares (already perturbed for its area). */
  shares?: readonly number[];
  /** 9xx TPS (prison, hospital): no 300-voter cap. */
  special?: boolean;
}

/** A consistent form. Optional boxes (typed totals, gender split, III) are filled on some forms, as monitors do. */
export function generateForm(rng: Rng, opts: FormOptions = {}): TallyForm {
  const candidates = opts.candidates ?? DEFAULT_CANDIDATES;
  const shares = opts.shares ?? DEFAULT_SHARES;
  const dpt = opts.special ? rng.int(40, 450) : Math.round(clamp(rng.normal(262, 22), 150, MAX_VOTERS_PER_TPS));
  const limit = dpt + reserveFor(dpt);
  const fromDpt = Math.round(dpt * clamp(rng.normal(0.8, 0.06), 0.55, 0.95));
  // DPTb/DPK voters use the reserve ballots: never more than the reserve and the DPT's no-shows allow.
  const room = limit - fromDpt;
  const fromDptb = Math.min(rng.int(0, 8), room);
  const fromDpk = Math.min(rng.int(0, 5), room - fromDptb);
  const b4 = fromDpt + fromDptb + fromDpk;
  const invalid = Math.min(b4, Math.max(0, Math.round(rng.normal(b4 * 0.022, 2))));
  const votes = splitVotes(rng, b4 - invalid, shares);
  const received = limit;
  const spoiled = Math.min(rng.int(0, 4), received - b4);
  const form: TallyForm = {
    votes: Object.fromEntries(candidates.map((c, i) => [c, votes[i]])),
    invalid,
    voters: { dpt, fromDpt, fromDptb, fromDpk },
    ballots: { received, used: b4, spoiled, unused: received - b4 - spoiled },
  };
  if (rng.chance(0.5)) {
    form.validTotal = b4 - invalid;
    form.grandTotal = b4;
    form.voters.total = b4;
  }
  if (rng.chance(0.3)) form.votersByGender = splitByGender(rng, form.voters);
  if (rng.chance(0.6)) form.disabledVoters = Math.min(b4, rng.int(0, 3));
  return form;
}

function splitByGender(rng: Rng, v: TallyForm['voters']): NonNullable<TallyForm['votersByGender']> {
  const rows = ['dpt', 'fromDpt', 'fromDptb', 'fromDpk'] as const;
  const male = Object.fromEntries(rows.map((r) => [r, Math.round(v[r] * clamp(rng.normal(0.49, 0.03), 0, 1))])) as Record<
    (typeof rows)[number],
    number
  >;
  const female = Object.fromEntries(rows.map((r) => [r, v[r] - male[r]])) as Record<(typeof rows)[number], number>;
  return { male, female };
}

const clone = (f: TallyForm): TallyForm => structuredClone(f);

/** Misreads a digit the way OCR and tired eyes do (3 -> 8, 2 -> 7, 1 -> 7, 0 -> 8); adds 5 when no such digit. */
export function misreadDigit(n: number): number {
  const s = String(n);
  const swaps: Record<string, string> = { '3': '8', '2': '7', '1': '7', '0': '8' };
  for (let i = s.length - 1; i >= 0; i--) {
    if (swaps[s[i]]) {
      const out = Number(s.slice(0, i) + swaps[s[i]] + s.slice(i + 1));
      if (out <= 999) return out;
    }
  }
  return n + 5 <= 999 ? n + 5 : n - 5;
}

export type Mistake = 'vote_digit' | 'ballots_unused' | 'invalid_digit' | 'dpt_swapped';

/** The form with one reading mistake; every mistake breaks at least one consistency rule. */
export function breakForm(rng: Rng, form: TallyForm): { form: TallyForm; mistake: Mistake } {
  const f = clone(form);
  const mistake = rng.weighted<Mistake>([
    ['vote_digit', 5],
    ['ballots_unused', 2],
    ['invalid_digit', 2],
    ['dpt_swapped', 1],
  ]);
  switch (mistake) {
    case 'vote_digit': {
      const c = rng.pick(Object.keys(f.votes));
      f.votes[c] = misreadDigit(f.votes[c]);
      break;
    }
    case 'ballots_unused':
      f.ballots.unused = misreadDigit(f.ballots.unused);
      break;
    case 'invalid_digit':
      f.invalid = misreadDigit(f.invalid);
      break;
    case 'dpt_swapped':
      // A.1 and B.1 typed into each other's boxes.
      [f.voters.dpt, f.voters.fromDpt] = [f.voters.fromDpt, f.voters.dpt];
      break;
  }
  return { form: f, mistake };
}

/** A corrected reading: a few votes were put in the wrong candidate's box. Still consistent, and never identical. */
export function correctForm(rng: Rng, form: TallyForm): TallyForm {
  const f = clone(form);
  const keys = Object.keys(f.votes);
  const from = keys.reduce((a, b) => (f.votes[a] >= f.votes[b] ? a : b));
  const to = rng.pick(keys.filter((k) => k !== from));
  const moved = Math.min(f.votes[from], rng.int(1, 12));
  f.votes[from] -= moved;
  f.votes[to] += moved;
  return f;
}

/** A paper form typed in at the posko with one box mistyped (it differs from the online tally in a core box). */
export function mistypePaper(rng: Rng, form: TallyForm): TallyForm {
  const f = clone(form);
  const c = rng.pick(Object.keys(f.votes));
  f.votes[c] = misreadDigit(f.votes[c]);
  return f;
}
