import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/roles.decorator.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
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
    const lagCheck = await check(async () => (lag = await this.projections?.lag()));
    if (lagCheck.status === 'down') lag = { error: lagCheck.error ?? 'unknown' };
    const body = {
      status: database.status === 'up' && eventStore.status === 'up' ? 'ok' : 'unavailable',
      checks: { database, eventStore: { ...eventStore, kind: this.store.kind } },
      projections: lag ?? null,
      // Which node runs the projections (exactly one holds the lease when several run).
      projectionLeader: this.host?.leading ?? false,
      failing: [database.status === 'down' ? 'database' : null, eventStore.status === 'down' ? 'eventStore' : null].filter(Boolean),
    };
    res.status(body.status === 'ok' ? 200 : 503).json(body);
  }
}
