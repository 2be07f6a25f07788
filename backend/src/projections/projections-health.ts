import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore, type LogVisibility } from '../event-store/event-store.port.js';
import { positionToString } from '../event-store/position.js';
import { readCheckpoints } from './checkpoints.js';
import { PROJECTION_NAMES } from './projection-registry.js';

/** Counting stops here: the port has no cheap count, so a projection further behind reports `eventsBehind: LAG_CAP`. */
export const LAG_CAP = 1000;

export interface ProjectionLag {
  name: string;
  position: string | null;
  /** Events in the log after the checkpoint, at most LAG_CAP (then `capped`). */
  eventsBehind: number;
  capped: boolean;
  /** How long the oldest event not yet applied has been in the log (0 when caught up). */
  msBehind: number;
  eventsApplied: number;
}

/** Everything /api/health and /api/metrics report about the projections and the log behind them. */
export interface ProjectionsReport {
  projections: ProjectionLag[];
  /** Null where the store hides nothing (EventStoreDB) or could not say. */
  eventLog: LogVisibility | null;
}

/** Lag of each projection behind the head of the log, for /api/health and /api/metrics. */
@Injectable()
export class ProjectionsHealth {
  constructor(
    private readonly ds: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** Lag through the store's reads: what a reader can see. Events the store still hides are in `visibility()`. */
  async lag(now = new Date()): Promise<ProjectionLag[]> {
    const cps = await readCheckpoints(this.ds, [...PROJECTION_NAMES]);
    return Promise.all(
      PROJECTION_NAMES.map(async (name) => {
        const cp = cps.get(name);
        const pending = await this.store.readAll({ after: cp?.position ?? 'start', maxCount: LAG_CAP + 1 });
        return {
          name,
          position: cp?.position ? positionToString(cp.position) : null,
          eventsBehind: Math.min(pending.length, LAG_CAP),
          capped: pending.length > LAG_CAP,
          msBehind: pending.length > 0 ? Math.max(0, now.getTime() - pending[0].recordedAt.getTime()) : 0,
          eventsApplied: cp?.eventsApplied ?? 0,
        };
      }),
    );
  }

  /** Committed events no reader (projections included) can see yet, and the transaction holding them back. */
  async visibility(): Promise<LogVisibility | null> {
    return this.store.visibility ? this.store.visibility() : null;
  }

  /** The structured report behind metrics(): what a metrics library (prom-client) can read its gauges from. */
  async report(): Promise<ProjectionsReport> {
    const [projections, eventLog] = await Promise.all([this.lag(), this.visibility()]);
    return { projections, eventLog };
  }

  /** Prometheus text exposition of the lag gauges. */
  async metrics(): Promise<string> {
    return metricsText(await this.report());
  }
}

/** Metric names, for whoever exports them by other means. */
export const METRICS = {
  eventsBehind: 'sipantaumilu_projection_events_behind',
  lagSeconds: 'sipantaumilu_projection_lag_seconds',
  eventsApplied: 'sipantaumilu_projection_events_applied_total',
  hiddenEvents: 'sipantaumilu_event_log_hidden_events',
  oldestXidTransactionSeconds: 'sipantaumilu_event_log_oldest_xid_transaction_seconds',
} as const;

/** Renders a report in the Prometheus text format (hand-written until the metrics move to prom-client). */
export function metricsText(report: ProjectionsReport): string {
  const lags = report.projections;
  const out: string[] = [];
  const head = (metric: string, type: 'gauge' | 'counter', help: string) =>
    out.push(`# HELP ${metric} ${help}`, `# TYPE ${metric} ${type}`);
  const perProjection = (metric: string, type: 'gauge' | 'counter', help: string, value: (l: ProjectionLag) => number) => {
    head(metric, type, help);
    for (const l of lags) out.push(`${metric}{projection="${l.name}"} ${value(l)}`);
  };
  perProjection(
    METRICS.eventsBehind,
    'gauge',
    `Readable events in the log after the projection checkpoint (counted up to ${LAG_CAP + 1}; see ${METRICS.hiddenEvents}).`,
    (l) => (l.capped ? LAG_CAP + 1 : l.eventsBehind),
  );
  perProjection(
    METRICS.lagSeconds,
    'gauge',
    'Age of the oldest readable event the projection has not applied yet.',
    (l) => l.msBehind / 1000,
  );
  perProjection(
    METRICS.eventsApplied,
    'counter',
    'Events the projection has applied since it last started from zero.',
    (l) => l.eventsApplied,
  );
  const log = report.eventLog;
  if (log) {
    head(
      METRICS.hiddenEvents,
      'gauge',
      `Committed events no reader can see yet because an older transaction of the PostgreSQL cluster is still open (counted up to a cap; the cap plus one means more).`,
    );
    out.push(`${METRICS.hiddenEvents} ${log.hiddenCapped ? log.hiddenEvents + 1 : log.hiddenEvents}`);
    head(
      METRICS.oldestXidTransactionSeconds,
      'gauge',
      'Age of the oldest open transaction holding an xid anywhere in the PostgreSQL cluster (0 when none): it holds back every later event.',
    );
    out.push(`${METRICS.oldestXidTransactionSeconds} ${log.oldestXidTransaction?.seconds ?? 0}`);
  }
  return out.join('\n') + '\n';
}
