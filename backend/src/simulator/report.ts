/** What the simulator did and what the server answered, and the city totals the server should show afterwards. */
import type { Summary } from '../live/live.contract.js';
import type { Action, Scenario } from './scenario.js';

export interface ExpectedTotals {
  tpsReported: number;
  tpsCheckedIn: number;
  openIncidents: number;
  validVotes: number;
  invalidVotes: number;
  votes: Record<string, number>;
}

/** The latest tally each TPS should hold (an acknowledged wrong form counts as sent), summed over the city. */
export function expectedTotals(s: Scenario): ExpectedTotals {
  const out: ExpectedTotals = { tpsReported: 0, tpsCheckedIn: 0, openIncidents: 0, validVotes: 0, invalidVotes: 0, votes: {} };
  for (const p of s.plans) {
    if (p.checkedIn) out.tpsCheckedIn++;
    out.openIncidents += p.openIncidents;
    if (!p.finalForm) continue;
    out.tpsReported++;
    out.invalidVotes += p.finalForm.invalid;
    for (const [n, v] of Object.entries(p.finalForm.votes)) {
      out.votes[n] = (out.votes[n] ?? 0) + v;
      out.validVotes += v;
    }
  }
  return out;
}

/** The same numbers as the server's summary shows them. */
export function totalsOf(s: Summary): ExpectedTotals {
  return {
    tpsReported: s.tpsReported,
    tpsCheckedIn: s.tpsCheckedIn,
    openIncidents: s.openIncidents,
    validVotes: s.validVotes,
    invalidVotes: s.invalidVotes,
    votes: Object.fromEntries(s.candidates.filter((c) => c.votes > 0).map((c) => [c.number, c.votes])),
  };
}

/** Fields where the two differ, as `field: expected X, server Y`. */
export function compareTotals(expected: ExpectedTotals, server: ExpectedTotals): string[] {
  const flat = ({ votes, ...counts }: ExpectedTotals): Record<string, number> => ({
    ...counts,
    ...Object.fromEntries(Object.entries(votes).map(([n, v]) => [`votes.${n}`, v])),
  });
  const [a, b] = [flat(expected), flat(server)];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => (a[k] ?? 0) !== (b[k] ?? 0)).map((k) => `${k}: expected ${a[k] ?? 0}, server ${b[k] ?? 0}`);
}

export interface Unexpected {
  action: string;
  tpsId: string;
  expected: string;
  got: string;
}

/** Counts answers by action kind and `status code`, and keeps the first unexpected ones. */
export class AnswerLog {
  readonly counts = new Map<string, Map<string, number>>();
  readonly unexpected: Unexpected[] = [];
  unexpectedCount = 0;
  sent = 0;

  record(kind: Action['kind'] | 'login' | 'message', outcome: string, expected: string | null, tpsId: string): void {
    this.sent++;
    const byOutcome = this.counts.get(kind) ?? new Map<string, number>();
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
    this.counts.set(kind, byOutcome);
    if (expected !== null && expected !== outcome) {
      this.unexpectedCount++;
      if (this.unexpected.length < 20) this.unexpected.push({ action: kind, tpsId, expected, got: outcome });
    }
  }

  byStatus(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const m of this.counts.values()) for (const [o, n] of m) out[o.split(' ')[0]] = (out[o.split(' ')[0]] ?? 0) + n;
    return out;
  }

  table(): string {
    const lines = ['action       answer                          count'];
    for (const [kind, m] of [...this.counts].sort()) {
      for (const [o, n] of [...m].sort()) lines.push(`${kind.padEnd(12)} ${o.padEnd(31)} ${String(n).padStart(5)}`);
    }
    return lines.join('\n');
  }
}
