import { Counter, Gauge } from 'prom-client';
import type { ProjectionLag } from '../projections/projections-health.js';
import type { LogVisibility } from '../event-store/event-store.port.js';
import { registry } from './metrics.js';

export interface LagSource {
  lag(): Promise<ProjectionLag[]>;
  /** Undefined when the store has no visibility rule (EventStoreDB). */
  hidden?(): Promise<LogVisibility | null>;
}

let source: LagSource | null = null;

/** The app whose lag the gauges read at each scrape (one per process; tests start several apps in turn). */
export function setLagSource(s: LagSource | null): void {
  source = s;
  // A new source never answers with the previous one's reading.
  pending = null;
  hiddenPending = null;
}

// Each scrape asks the source once for all three projection metrics.
let pending: Promise<ProjectionLag[]> | null = null;
const lags = (): Promise<ProjectionLag[]> => {
  pending ??= (source?.lag() ?? Promise.resolve([])).catch(() => []).finally(() => setTimeout(() => (pending = null), 0));
  return pending;
};

// Names kept from the hand-written exposition (docs/operations.md, "Metrics"), so dashboards and alerts keep working.
new Gauge({
  name: 'sipantaumilu_projection_events_behind',
  help: 'Events in the log after the projection checkpoint (counted up to 1001).',
  labelNames: ['projection'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const l of await lags()) this.set({ projection: l.name }, l.capped ? l.eventsBehind + 1 : l.eventsBehind);
  },
});

new Gauge({
  name: 'sipantaumilu_projection_lag_seconds',
  help: 'Age of the oldest event the projection has not applied yet.',
  labelNames: ['projection'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const l of await lags()) this.set({ projection: l.name }, l.msBehind / 1000);
  },
});

new Counter({
  name: 'sipantaumilu_projection_events_applied_total',
  help: 'Events the projection has applied since it last started from zero.',
  labelNames: ['projection'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const l of await lags()) this.inc({ projection: l.name }, l.eventsApplied);
  },
});

/** One visibility reading per scrape: `failed` when the query did not answer (the database in trouble). */
type Visibility = { failed: true } | { failed: false; log: LogVisibility | null | undefined };
let hiddenPending: Promise<Visibility> | null = null;
const hidden = (): Promise<Visibility> => {
  hiddenPending ??= (source?.hidden?.() ?? Promise.resolve(undefined))
    .then(
      (log): Visibility => ({ failed: false, log }),
      (): Visibility => ({ failed: true }),
    )
    .finally(() => setTimeout(() => (hiddenPending = null), 0));
  return hiddenPending;
};

// A failed reading is unknown (NaN: no comparison holds, so the lag alerts neither fire nor clear on it), never 0,
// which would say "nothing hidden" exactly when the database is in trouble; the _up gauge and its alert say it.
new Gauge({
  name: 'sipantaumilu_event_log_visibility_up',
  help: '1 when the last reading of the log visibility (hidden events, oldest transaction) answered, 0 when it failed.',
  registers: [registry],
  async collect() {
    this.set((await hidden()).failed ? 0 : 1);
  },
});

new Gauge({
  name: 'sipantaumilu_event_log_hidden_events',
  help: 'Committed events every log reader still cannot see because an older transaction is open (PostgreSQL store); NaN when unknown.',
  registers: [registry],
  async collect() {
    const v = await hidden();
    // Counted up to a cap: the cap plus one means more. No visibility rule (EventStoreDB): nothing can be hidden.
    this.set(v.failed ? NaN : v.log ? v.log.hiddenEvents + (v.log.hiddenCapped ? 1 : 0) : 0);
  },
});

new Gauge({
  name: 'sipantaumilu_event_log_oldest_xid_transaction_seconds',
  help: 'Age of the oldest open xid-holding transaction in the PostgreSQL cluster, which holds back the log readers; NaN when unknown.',
  registers: [registry],
  async collect() {
    const v = await hidden();
    this.set(v.failed ? NaN : (v.log?.oldestXidTransaction?.seconds ?? 0));
  },
});
