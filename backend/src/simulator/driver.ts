/**
 * Plays a scenario against a running server through its public API: each TPS's actions in order, on a clock scaled by
 * `speed`, all TPS at once, with a bound on requests in flight. Officers sign in with the demo credentials before their
 * first report; the operator types paper forms and resolves incidents.
 */
import { comparePositionStrings, type Summary } from '../live/live.contract.js';
import { ApiClient, Limiter, type Answer } from './api-client.js';
import { AnswerLog, compareTotals, expectedTotals, totalsOf, type ExpectedTotals } from './report.js';
import type { Action, Scenario, TpsPlan } from './scenario.js';

export interface DriverOptions {
  url: string;
  /** Election-day minutes per wall minute (60: one hour per minute); 0 = no waiting at all. */
  speed: number;
  concurrency?: number;
  /** Election day, for the times sent (YYYY-MM-DD, WIB). */
  date?: string;
  officerPin?: string;
  operator?: { nip: string; pin: string };
  progressMs?: number;
  log?: (line: string) => void;
}

export interface SimulationResult {
  log: AnswerLog;
  expected: ExpectedTotals;
  server: ExpectedTotals | null;
  /** Differences between expected and server totals; null when not compared (the server held data before). */
  mismatches: string[] | null;
  notCompared?: string;
  wallMs: number;
}

/** What the posko's operator sends (the rest is the monitors'). */
const POSKO_KINDS: ReadonlySet<Action['kind']> = new Set(['resolve', 'paper', 'acknowledge', 'assign', 'call']);

/** The posko's message of the day, to every monitor; its key makes a second run answer the first message. */
export const SIM_MESSAGE = { to: { all: true }, text: 'Kirim foto C.Hasil segera setelah penghitungan selesai', priority: 'urgent' };

const clock = (min: number) => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(Math.floor(min % 60)).padStart(2, '0')}`;

export async function runScenario(scenario: Scenario, opts: DriverOptions): Promise<SimulationResult> {
  const say = opts.log ?? ((l: string) => console.log(l));
  const api = new ApiClient(opts.url.replace(/\/$/, ''), new Limiter(opts.concurrency ?? 32));
  const date = opts.date ?? '2024-02-14';
  const iso = (min: number) => `${date}T${clock(min)}:${String(Math.floor((min * 60) % 60)).padStart(2, '0')}+07:00`;
  const log = new AnswerLog();
  const operator = await api.login(opts.operator?.nip ?? 'operator', opts.operator?.pin ?? 'operator123');
  const before = await summary(api, operator, null);
  const wasEmpty = before.tpsReported === 0 && before.tpsCheckedIn === 0 && before.openIncidents === 0;

  const all = scenario.plans.flatMap((p) => p.actions);
  const dayStart = Math.min(...all.map((a) => a.at));
  const wallStart = Date.now();
  let simNow = dayStart;
  let highest: string | null = null;
  const wait = async (at: number) => {
    if (opts.speed > 0) {
      const due = wallStart + ((at - dayStart) * 60_000) / opts.speed;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    simNow = Math.max(simNow, at);
  };
  const progress = setInterval(() => {
    const s = Object.entries(log.byStatus())
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    say(`[${clock(simNow)} WIB] sent ${log.sent} (${s}) | in flight ${api.limiter.inFlight} | unexpected ${log.unexpectedCount}`);
  }, opts.progressMs ?? 5000);

  async function send(plan: TpsPlan, a: Action, token: () => Promise<string>, revision: { value: number | null }) {
    const req = request(a, iso, revision.value);
    const auth = POSKO_KINDS.has(a.kind) ? operator : await token();
    const once = () => api.call('POST', req.path, { token: auth, body: req.body, key: a.key });
    const answers: Answer[] = [];
    if (a.duplicate === 'concurrent') answers.push(...(await Promise.all([once(), once()])));
    else {
      answers.push(await once());
      // The phone lost the first answer and sends again: the server must answer the first result.
      if (a.duplicate === 'after') answers.push(await once());
    }
    for (const r of answers) {
      log.record(a.kind, outcome(r), expectedOutcome(a), plan.tps.id);
      if (r.status === 201) {
        if (comparePositionStrings(r.body.position, highest) > 0) highest = r.body.position;
        if (a.kind === 'tally' || a.kind === 'correction') revision.value = r.body.revision;
        if (a.kind === 'incident' && r.body.incidentId !== a.incidentId)
          log.record(a.kind, `incidentId ${r.body.incidentId}`, a.incidentId, plan.tps.id);
        if (a.kind === 'paper' && r.body.matches !== !a.mismatch)
          log.record(a.kind, `matches ${r.body.matches}`, `matches ${!a.mismatch}`, plan.tps.id);
      }
    }
  }

  async function play(plan: TpsPlan) {
    let officer: Promise<string> | null = null;
    const token = () => (officer ??= api.login(plan.tps.id, opts.officerPin ?? '123456'));
    const revision = { value: null as number | null };
    for (const a of plan.actions) {
      await wait(a.at);
      await send(plan, a, token, revision);
    }
  }

  try {
    // The posko tells every monitor what it needs today, before the day starts.
    const message = await api.call('POST', '/api/messages', { token: operator, body: SIM_MESSAGE, key: `sim-${scenario.seed}-message-1` });
    log.record('message', outcome(message), '201', 'all');
    await Promise.all(scenario.plans.map(play));
  } finally {
    clearInterval(progress);
  }
  const expected = expectedTotals(scenario);
  const after = totalsOf(await summary(api, operator, highest));
  return {
    log,
    expected,
    server: after,
    mismatches: wasEmpty ? compareTotals(expected, after) : null,
    ...(wasEmpty ? {} : { notCompared: 'the server held reports before this run, so its totals include more than this scenario' }),
    wallMs: Date.now() - wallStart,
  };
}

/** The city summary once the projections have passed `minPosition` (the newest write this run got answered). */
async function summary(api: ApiClient, token: string, minPosition: string | null): Promise<Summary> {
  const q = minPosition ? `?minPosition=${encodeURIComponent(minPosition)}` : '';
  for (let attempt = 1; ; attempt++) {
    const r = await api.call('GET', `/api/summary${q}`, { token });
    if (r.status === 200) return r.body as Summary;
    if (attempt >= 6) throw new Error(`GET /api/summary answered ${r.status} ${JSON.stringify(r.body)}`);
  }
}

function request(a: Action, iso: (min: number) => string, revision: number | null): { path: string; body: unknown } {
  const tps = `/api/tps/${a.tpsId}`;
  switch (a.kind) {
    case 'check-in':
      return { path: `${tps}/check-in`, body: { at: iso(a.at), location: a.location } };
    case 'incident':
      return { path: `${tps}/incidents`, body: { category: a.category, severity: a.severity, description: a.description, at: iso(a.at) } };
    case 'resolve':
      return { path: `/api/incidents/${a.incidentId}/resolve`, body: { note: a.note } };
    case 'acknowledge':
      return { path: `/api/incidents/${a.incidentId}/acknowledge`, body: {} };
    case 'assign':
      return { path: `/api/incidents/${a.incidentId}/assign`, body: { assignee: a.assignee, note: a.note } };
    case 'call':
      return { path: `${tps}/contact-attempts`, body: { outcome: a.outcome, note: a.note } };
    case 'tally':
      return { path: `${tps}/tally`, body: { ...a.form, observedAt: iso(a.at), ...(a.acknowledge ? { acknowledgeWarnings: true } : {}) } };
    case 'correction':
      return {
        path: `${tps}/tally/corrections`,
        body: {
          ...a.form,
          observedAt: iso(a.at),
          expectedRevision: revision ?? 0,
          reason: a.reason,
          ...(a.acknowledge ? { acknowledgeWarnings: true } : {}),
        },
      };
    case 'paper':
      return { path: `${tps}/paper-forms`, body: a.form };
  }
}

const outcome = (r: Answer) => `${r.status}${r.body && typeof r.body === 'object' && 'code' in r.body ? ` ${String(r.body.code)}` : ''}`;

function expectedOutcome(a: Action): string {
  if (a.kind === 'tally' && a.mistake && !a.acknowledge) return '422 TALLY.INCONSISTENT';
  return '201';
}
