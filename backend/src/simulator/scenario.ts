/**
 * The election day as a list of timed actions per TPS, generated from a seed and the reference data, with no I/O:
 * the same seed and options always give the same day. Times are minutes after midnight WIB on election day.
 * Rates (per TPS): ~96% check in 06:30-07:30, ~3% late, ~1% never; ~6% report an incident; ~99.5% send a tally after
 * 13:00; ~3% send an inconsistent reading first; ~5% correct later; ~40% have the paper form typed at the posko, ~5% of
 * those mistyped; ~3% of sends are repeated as a flaky phone does.
 */
import type { ReferenceData, Tps } from '../reference/reference-data.js';
import type { TallyForm } from '../tps/tps.events.js';
import { clamp, createRng, type Rng } from './prng.js';
import {
  breakForm,
  correctForm,
  DEFAULT_CANDIDATES,
  DEFAULT_SHARES,
  generateForm,
  mistypePaper,
  perturbShares,
  type Mistake,
} from './tally-form.generator.js';
import { incidentFor } from './incidents.js';

export type Duplicate = 'none' | 'after' | 'concurrent';

interface Base {
  /** Minutes after midnight WIB. */
  at: number;
  tpsId: string;
  /** Same key and body on a resend: the server answers the first result. */
  key: string;
  duplicate: Duplicate;
}

export type Action =
  | (Base & { kind: 'check-in'; location: { lat: number; lon: number; accuracyM: number } })
  | (Base & {
      kind: 'incident';
      incidentId: string;
      category: string;
      severity: 'low' | 'medium' | 'high' | 'critical';
      description: string;
    })
  | (Base & { kind: 'resolve'; incidentId: string; note: string })
  /** The posko's side (operator): acknowledge and assign incidents, call a monitor who never arrived. */
  | (Base & { kind: 'acknowledge'; incidentId: string })
  | (Base & { kind: 'assign'; incidentId: string; assignee: string; note: string })
  | (Base & { kind: 'call'; outcome: 'no_answer' | 'unreachable' | 'reached'; note: string })
  /** `mistake` set: the reading breaks a rule; without `acknowledge` the server must answer 422 TALLY.INCONSISTENT. */
  | (Base & { kind: 'tally'; form: TallyForm; mistake?: Mistake; acknowledge?: boolean })
  | (Base & { kind: 'correction'; form: TallyForm; reason: string; acknowledge?: boolean })
  | (Base & { kind: 'paper'; form: TallyForm; mismatch: boolean });

export interface TpsPlan {
  tps: Tps;
  /** In time order; run one after another (a correction needs the revision the tally got). */
  actions: Action[];
  /** The tally the server should hold at the end (null: never reported). */
  finalForm: TallyForm | null;
  checkedIn: boolean;
  openIncidents: number;
}

export interface ScenarioOptions {
  seed: number;
  shares?: readonly number[];
  candidates?: readonly string[];
  /** Only these TPS (ids, or kelurahan codes taking all their TPS); a number N takes a seeded sample of N. */
  tps?: string[] | number;
}

export interface Scenario {
  seed: number;
  plans: TpsPlan[];
}

const CITY = { lat: -3.2967, lon: 102.8617 };

/** Minutes from `HH:MM`. */
export const hm = (h: number, m = 0): number => h * 60 + m;

export function selectTps(ref: ReferenceData, seed: number, which?: string[] | number): Tps[] {
  if (which === undefined) return [...ref.tpsById.values()];
  if (typeof which === 'number') {
    // A sample spread over the city: every kelurahan's TPS shuffled together, then the first N.
    const rng = createRng(`select-${seed}`);
    const all = [...ref.tpsById.values()];
    for (let i = all.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [all[i], all[j]] = [all[j], all[i]];
    }
    return all.slice(0, Math.min(which, all.length)).sort((a, b) => a.id.localeCompare(b.id));
  }
  const wanted = new Set(which);
  const out = ref.kelurahan.flatMap((k) => (wanted.has(k.code) ? ref.tpsOf(k.code) : ref.tpsOf(k.code).filter((t) => wanted.has(t.id))));
  const unknown = which.filter((w) => !ref.tpsById.has(w) && !ref.kelurahanByCode.has(w));
  if (unknown.length) throw new Error(`unknown TPS or kelurahan: ${unknown.join(', ')}`);
  return out;
}

export function generateScenario(ref: ReferenceData, opts: ScenarioOptions): Scenario {
  const shares = opts.shares ?? DEFAULT_SHARES;
  const candidates = opts.candidates ?? DEFAULT_CANDIDATES;
  if (shares.length !== candidates.length) throw new Error(`${candidates.length} candidates need ${candidates.length} shares`);
  const root = createRng(opts.seed);
  // Each kelurahan leans its own way around the city's shares; each TPS a little around its kelurahan.
  const areaShares = new Map(ref.kelurahan.map((k) => [k.code, perturbShares(root.fork(`kel-${k.code}`), shares, 0.15)]));
  const plans = selectTps(ref, opts.seed, opts.tps).map((tps) =>
    planTps(root.fork(`tps-${tps.id}`), tps, opts.seed, candidates, areaShares.get(tps.kelurahanCode) ?? [...shares]),
  );
  return { seed: opts.seed, plans };
}

function planTps(rng: Rng, tps: Tps, seed: number, candidates: readonly string[], area: readonly number[]): TpsPlan {
  const actions: Action[] = [];
  let n = 0;
  // The posko's decisions draw from their own stream, so adding them left the monitors' day as it was.
  const posko = rng.fork('posko');
  const poskoBase = (at: number) => ({ at, tpsId: tps.id, key: `sim-${seed}-${tps.id}-p${++n}`, duplicate: 'none' as Duplicate });
  const base = (at: number) => ({
    at,
    tpsId: tps.id,
    key: `sim-${seed}-${tps.id}-${++n}`,
    duplicate: rng.weighted<Duplicate>([
      ['none', 97],
      ['after', 2],
      ['concurrent', 1],
    ]),
  });

  // 1. Arrival: most between 06:30 and 07:30, a few late, a few never.
  const arrival = rng.weighted([
    ['on-time', 96],
    ['late', 3],
    ['missing', 1],
  ] as const);
  if (arrival !== 'missing') {
    const at = arrival === 'late' ? rng.int(hm(7, 31), hm(9, 30)) : clamp(rng.normal(hm(6, 55), 12), hm(6, 30), hm(7, 29));
    const location = { lat: CITY.lat + rng.normal(0, 0.03), lon: CITY.lon + rng.normal(0, 0.03), accuracyM: rng.int(5, 40) };
    actions.push({ ...base(at), kind: 'check-in', location });
    // A monitor still on the way when the posko calls the roll answers the phone.
    const call = hm(7, 40) + posko.int(0, 20);
    if (arrival === 'late' && at > call)
      actions.push({ ...poskoBase(call), kind: 'call', outcome: 'reached', note: 'Petugas dalam perjalanan' });
  } else {
    // The roll call: after the 07:30 deadline the posko phones the monitor.
    const outcome = posko.weighted([
      ['no_answer', 60],
      ['unreachable', 30],
      ['reached', 10],
    ] as const);
    actions.push({ ...poskoBase(hm(7, 40) + posko.int(0, 20)), kind: 'call', outcome, note: 'Panggilan absensi pagi' });
  }

  // 2. Incidents through the day; the posko resolves most.
  const count = rng.chance(0.06) ? (rng.chance(0.15) ? 2 : 1) : 0;
  // In time order: the server numbers a TPS's incidents as they arrive.
  const times = Array.from({ length: count }, () => rng.int(hm(7), hm(15))).sort((a, b) => a - b);
  let open = 0;
  for (let i = 1; i <= count; i++) {
    const at = times[i - 1];
    const inc = incidentFor(rng);
    const incidentId = `${tps.id}-${i}`;
    actions.push({ ...base(at), kind: 'incident', incidentId, ...inc });
    // The posko acknowledges every incident within minutes; it assigns the ones it goes on to resolve.
    actions.push({ ...poskoBase(at + posko.int(1, 4)), kind: 'acknowledge', incidentId });
    if (rng.chance(0.85)) {
      actions.push({ ...poskoBase(at + posko.int(5, 9)), kind: 'assign', incidentId, assignee: 'operator', note: 'Koordinasi dengan PPK' });
      actions.push({ ...base(at + rng.int(10, 120)), kind: 'resolve', incidentId, note: 'Ditangani tim posko, situasi aman' });
    } else open++;
  }

  // 3. The tally after the count: from 13:15, most by 16:00, a tail into the evening.
  let finalForm: TallyForm | null = null;
  if (rng.chance(0.995)) {
    const good = generateForm(rng, { candidates, shares: perturbShares(rng, area, 0.08), special: tps.special });
    let t = clamp(hm(13, 15) + Math.exp(rng.normal(Math.log(80), 0.6)), hm(13, 15), hm(20));
    finalForm = good;
    if (rng.chance(0.03)) {
      const broken = breakForm(rng, good);
      actions.push({ ...base(t), kind: 'tally', form: broken.form, mistake: broken.mistake });
      t += rng.int(2, 15);
      // Most monitors find the misread box; some find the paper form itself wrong and send it as it is, acknowledged.
      if (rng.chance(0.25)) {
        actions.push({ ...base(t), kind: 'tally', form: broken.form, mistake: broken.mistake, acknowledge: true });
        finalForm = broken.form;
      } else actions.push({ ...base(t), kind: 'tally', form: good });
    } else actions.push({ ...base(t), kind: 'tally', form: good });

    if (rng.chance(0.05)) {
      t += rng.int(20, 120);
      // Correcting an acknowledged wrong form keeps the acknowledgement: the paper still breaks the same rule.
      const acknowledge = finalForm !== good;
      finalForm = correctForm(rng, finalForm);
      actions.push({
        ...base(t),
        kind: 'correction',
        form: finalForm,
        reason: 'Salah baca angka perolehan suara paslon',
        ...(acknowledge ? { acknowledge } : {}),
      });
    }
    // 4. The paper form arrives at the posko in the evening and is typed in by an operator.
    if (rng.chance(0.4)) {
      const mismatch = rng.chance(0.05);
      const at = Math.max(t + 30, rng.int(hm(16), hm(21)));
      actions.push({ ...base(at), kind: 'paper', form: mismatch ? mistypePaper(rng, finalForm) : finalForm, mismatch });
    }
  }
  actions.sort((a, b) => a.at - b.at);
  return { tps, actions, finalForm, checkedIn: arrival !== 'missing', openIncidents: open };
}
