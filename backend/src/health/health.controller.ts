import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/roles.decorator.js';
import { EVENT_STORE, type EventStore, type LogVisibility } from '../event-store/event-store.port.js';
import { ProjectionsHealth, type ProjectionLag } from '../projections/projections-health.js';
import { ProjectionsHost } from '../projections/projections.host.js';

interface Check {
  status: 'up' | 'down';
  kind?: string;
  error?: string;
}

async function check(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return { status: 'up' };
  } catch (e) {
    return { status: 'down', error: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** Past this, an open xid-holding transaction is named in `warnings` (docs/operations.md: idle transactions). */
const OLD_TRANSACTION_S = 10;

/** Hidden events without a visible old transaction: under load a few are hidden for microseconds, not this many. */
const MANY_HIDDEN = 100;

function warnings(log: LogVisibility | null | { error: string }): string[] {
  if (!log || 'error' in log) return [];
  const o = log.oldestXidTransaction;
  const count = `${log.hiddenEvents}${log.hiddenCapped ? '+' : ''} committed events are hidden from readers`;
  if (o && o.seconds >= OLD_TRANSACTION_S) {
    const who = `pid ${o.pid ?? '?'}, ${o.state ?? 'unknown state'}, database ${o.database ?? '?'}, ${o.application ?? 'no application name'}`;
    return [`${count}; the oldest xid-holding transaction (${who}) has been open for ${o.seconds} s and holds back every later event`];
  }
  if (!o && log.hiddenEvents >= MANY_HIDDEN) {
    return [`${count}; the transaction holding them back is not visible to this role (grant pg_read_all_stats to name it)`];
  }
  return [];
}

/** 200 when the read-model database and the event store both answer; 503 naming the failing part otherwise. */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() private readonly projections?: ProjectionsHealth,
    @Optional() private readonly host?: ProjectionsHost,
  ) {}

  @Get()
  async health(@Res() res: Response): Promise<void> {
    const [database, eventStore] = await Promise.all([check(() => this.db.query('select 1')), check(() => this.store.ping())]);
    // A lagging projection is reported, not a 503: the read models still answer, only later.
    let lag: ProjectionLag[] | { error: string } | undefined;
    let eventLog: LogVisibility | null | { error: string } = null;
    const [lagCheck, logCheck] = await Promise.all([
      check(async () => (lag = await this.projections?.lag())),
      check(async () => (eventLog = (await this.projections?.visibility()) ?? null)),
    ]);
    if (lagCheck.status === 'down') lag = { error: lagCheck.error ?? 'unknown' };
    if (logCheck.status === 'down') eventLog = { error: logCheck.error ?? 'unknown' };
    const body = {
      status: database.status === 'up' && eventStore.status === 'up' ? 'ok' : 'unavailable',
      checks: { database, eventStore: { ...eventStore, kind: this.store.kind } },
      projections: lag ?? null,
      // Events committed but not yet readable, and the open transaction holding them back (the lag above cannot
      // count them: it reads through the same rule). Reported, not a 503, like the lag.
      eventLog,
      warnings: warnings(eventLog),
      // Which node runs the projections (exactly one holds the lease when several run).
      projectionLeader: this.host?.leading ?? false,
      failing: [database.status === 'down' ? 'database' : null, eventStore.status === 'down' ? 'eventStore' : null].filter(Boolean),
    };
    res.status(body.status === 'ok' ? 200 : 503).json(body);
  }
}
