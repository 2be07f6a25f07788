/**
 * KPU Sirekap's per-TPS result, as published for Pemilu 2024 (shape: docs/sirekap-format.md), read into the
 * data of `OfficialResultImported`. Pure. KPU's numbers are kept as KPU said them: a file that breaks the form's rules
 * is imported with the rules as flags, never refused or fixed; a file that is not a result at all is an error.
 */
import { z } from 'zod';
import type { Contest } from '../reference/contests.js';
import { checkRules } from '../tps/tally-rules.js';
import type { OfficialResultImported, RuleViolation, TallyForm } from '../tps/tps.events.js';

export type OfficialData = OfficialResultImported['data'];

/** What one file (or one JSON line, one CSV row) gives. */
export type Outcome =
  | { kind: 'result'; tpsId: string; data: OfficialData }
  /** KPU has not processed the TPS yet (`chart: null` or a candidate without a number): nothing to import. */
  | { kind: 'pending'; tpsId: string; why: string }
  | { kind: 'error'; tpsId: string | null; problem: string };

export interface ReadContext {
  contest: Contest;
  knownTps: (tpsId: string) => { special: boolean } | undefined;
}

const TS = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/;
const count = z.number().int().min(0);
const fileSchema = z.object({
  chart: z.record(z.string(), count.nullable()).nullable().optional(),
  images: z.array(z.string().max(2000)).max(20).nullable().optional(),
  administrasi: z.record(z.string(), count.nullable()).nullable().optional(),
  psu: z.unknown().optional(),
  ts: z.string().regex(TS, 'must be KPU\'s "YYYY-MM-DD HH:MM:SS" (WIB)'),
  status_suara: z.boolean().nullable().optional(),
  status_adm: z.boolean().nullable().optional(),
});
export type SirekapFile = z.infer<typeof fileSchema>;

/** The `administrasi` rows the form has, by the suffix-less name (`_j` total, `_l` male, `_p` female). */
const ROWS = { dpt: 'pemilih_dpt', fromDpt: 'pengguna_dpt', fromDptb: 'pengguna_dptb', fromDpk: 'pengguna_non_dpt' } as const;
/** Rules the published numbers can be checked against (the ballots of section II and III are not published). */
const CHECKABLE = new Set([1, 2, 3, 7, 8, 9, 11]);

export function readSirekapFile(value: unknown, tpsId: string, source: OfficialData['source'], ctx: ReadContext): Outcome {
  if (!/^\d{13}$/.test(tpsId)) return { kind: 'error', tpsId: null, problem: `not a 13-digit TPS id: ${JSON.stringify(tpsId)}` };
  const tps = ctx.knownTps(tpsId);
  if (!tps) return { kind: 'error', tpsId, problem: `unknown TPS ${tpsId}` };
  const parsed = fileSchema.safeParse(value);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    return { kind: 'error', tpsId, problem };
  }
  const f = parsed.data;
  const ids = new Map(ctx.contest.candidates.filter((c) => c.kpuId).map((c) => [c.kpuId!, c.number]));
  if (ids.size !== ctx.contest.candidates.length)
    return { kind: 'error', tpsId, problem: `contest ${ctx.contest.code}: every candidate needs a kpuId in the contests file` };
  if (!f.chart) return { kind: 'pending', tpsId, why: 'no result yet (chart is null)' };
  const unknown = Object.keys(f.chart).filter((k) => k !== 'null' && !ids.has(k));
  if (unknown.length) return { kind: 'error', tpsId, problem: `chart: unknown candidate ids ${unknown.join(', ')}` };
  const votes: Record<string, number> = {};
  for (const [kpuId, number] of ids) {
    const v = f.chart[kpuId];
    if (v === undefined || v === null) return { kind: 'pending', tpsId, why: `no number yet for candidate ${number} (${kpuId})` };
    votes[number] = v;
  }
  const administrasi = f.administrasi
    ? Object.fromEntries(Object.entries(f.administrasi).filter((e): e is [string, number] => e[1] !== null))
    : null;
  const [, day, time] = TS.exec(f.ts)!;
  return {
    kind: 'result',
    tpsId,
    data: {
      tpsId,
      contest: ctx.contest.code,
      source,
      ts: `${day}T${time}+07:00`,
      votes,
      administrasi,
      images: f.images ?? [],
      statusSuara: f.status_suara ?? null,
      statusAdm: f.status_adm ?? null,
      flags: administrasi ? publishedRuleBreaks(votes, administrasi, tps.special) : [],
    },
  };
}

/** The form's own rules (tally-rules.ts, the same module the monitors' tallies go through) on KPU's numbers. */
export function publishedRuleBreaks(votes: Record<string, number>, a: Record<string, number>, special: boolean): RuleViolation[] {
  const j = (row: string) => a[`${row}_j`];
  if ([ROWS.dpt, ROWS.fromDpt, ROWS.fromDptb, ROWS.fromDpk].some((r) => j(r) === undefined) || a.suara_tidak_sah === undefined) return [];
  const voters = { dpt: j(ROWS.dpt), fromDpt: j(ROWS.fromDpt), fromDptb: j(ROWS.fromDptb), fromDpk: j(ROWS.fromDpk) };
  const split = (suffix: 'l' | 'p') => {
    const row = Object.fromEntries(Object.entries(ROWS).map(([k, r]) => [k, a[`${r}_${suffix}`]]));
    return Object.values(row).every((v) => v !== undefined) ? (row as typeof voters) : null;
  };
  const male = split('l');
  const female = split('p');
  const form: TallyForm = {
    votes,
    invalid: a.suara_tidak_sah,
    ...(a.suara_sah !== undefined ? { validTotal: a.suara_sah } : {}),
    ...(a.suara_total !== undefined ? { grandTotal: a.suara_total } : {}),
    voters: { ...voters, ...(a.pengguna_total_j !== undefined ? { total: a.pengguna_total_j } : {}) },
    ...(male && female ? { votersByGender: { male, female } } : {}),
    // Not published: a balanced stand-in, and the rules about ballots are left out below.
    ballots: { received: 0, used: 0, spoiled: 0, unused: 0 },
  };
  return checkRules(form, { special }).filter((r) => CHECKABLE.has(r.rule));
}

/** CSV of the same fields: `tps_id,ts,<kpuId>...,<administrasi fields>...,images,status_suara,status_adm`. */
export function sirekapFromCsvRecord(rec: Record<string, string>, contest: Contest): { tpsId: string; value: unknown } {
  const num = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : /^\d+$/.test(v.trim()) ? Number(v) : v);
  const bool = (v: string | undefined) => (v === undefined || v === '' ? null : v === 'true' ? true : v === 'false' ? false : v);
  const chartKeys = contest.candidates.map((c) => c.kpuId).filter((k): k is string => !!k);
  const chartValues = chartKeys.map((k) => num(rec[k]));
  const adminKeys = Object.keys(rec).filter((k) => /^(pemilih_|pengguna_|suara_)/.test(k));
  const administrasi = Object.fromEntries(adminKeys.map((k) => [k, num(rec[k])]));
  return {
    tpsId: (rec.tps_id ?? '').trim(),
    value: {
      chart: chartValues.every((v) => v === null) ? null : Object.fromEntries(chartKeys.map((k, i) => [k, chartValues[i]])),
      images: (rec.images ?? '').split(/\s+/).filter(Boolean),
      administrasi: adminKeys.length === 0 || adminKeys.every((k) => administrasi[k] === null) ? null : administrasi,
      ts: rec.ts,
      status_suara: bool(rec.status_suara),
      status_adm: bool(rec.status_adm),
    },
  };
}
