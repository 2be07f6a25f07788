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

/** Lag of each projection behind the head of the log, for /api/health and the gauges of metrics/projection-gauges.ts. */
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
}
