import type { TallyForm } from '../tps/tps.events.js';

/** The numbers two readings of a C.Hasil form must agree on, as `path -> value`. Optional typed totals are left out. */
function numbers(form: TallyForm): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(form.votes)) out.set(`votes.${k}`, v);
  out.set('invalid', form.invalid);
  for (const k of ['dpt', 'fromDpt', 'fromDptb', 'fromDpk'] as const) out.set(`voters.${k}`, form.voters[k]);
  for (const k of ['received', 'used', 'spoiled', 'unused'] as const) out.set(`ballots.${k}`, form.ballots[k]);
  return out;
}

/** Paths whose values differ (a candidate missing on one side counts as 0 there). */
export function formDifferences(a: TallyForm, b: TallyForm): string[] {
  const na = numbers(a);
  const nb = numbers(b);
  const paths = [...new Set([...na.keys(), ...nb.keys()])].sort();
  return paths.filter((p) => (na.get(p) ?? 0) !== (nb.get(p) ?? 0));
}
