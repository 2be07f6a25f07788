/** A projection test bench on a real PostgreSQL database: migrated schema, the PostgreSQL event store, runners, reads. */
import type { DataSource } from 'typeorm';
import { openDataSource } from '../../database/data-source.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Position } from '../../event-store/position.js';
import { PostgresEventStore } from '../../event-store/postgres/postgres.event-store.js';
import { loadContests } from '../../reference/contests.js';
import { loadReferenceData, type ReferenceData } from '../../reference/reference-data.js';
import type { TpsEvent } from '../../tps/tps.events.js';
import { tpsStream } from '../../tps/tps.events.js';
import { ChangeFeed } from '../change-feed.js';
import { ProjectionRunner, type RunnerOptions } from '../projection-runner.js';
import { createProjections } from '../projection-registry.js';
import { ReadModelsService, type ReadModelsConfig } from '../read-models.service.js';
import type { FlaggedPolicy } from '../verification.js';
import { toNew } from './events.js';

export const REF: ReferenceData = loadReferenceData();

export interface Bench {
  ds: DataSource;
  store: EventStore;
  feed: ChangeFeed;
  reads: ReadModelsService;
  now: { value: Date };
  runners(opts?: RunnerOptions): ProjectionRunner[];
  append(events: TpsEvent[]): Promise<string>;
  /** Applies everything appended so far (waits until the runners reached the last append). */
  catchUp(): Promise<void>;
  close(): Promise<void>;
}

/** `opts.ref`: another reference than the city's (a synthetic nation); `opts.flaggedTallies`: the FLAGGED_TALLIES policy. */
export async function openBench(
  url: string,
  config: Partial<ReadModelsConfig> = {},
  opts: { ref?: ReferenceData; flaggedTallies?: FlaggedPolicy } = {},
): Promise<Bench> {
  const ref = opts.ref ?? REF;
  const ds = await openDataSource(url);
  const store = await PostgresEventStore.connect({ connectionString: url, pollIntervalMs: 50 });
  const feed = new ChangeFeed();
  const now = { value: new Date('2024-02-14T00:00:00Z') };
  const cfg: ReadModelsConfig = { CHECKIN_DEADLINE: '07:30', ELECTION_DATE: '2024-02-14', QUICKCOUNT_MIN_TPS: 30, ...config };
  const reads = new ReadModelsService(ds, ref, loadContests(), cfg, () => now.value, feed);
  const runners = (runnerOpts: RunnerOptions = {}) =>
    createProjections(ref, { flaggedTallies: opts.flaggedTallies }).map(
      (p) => new ProjectionRunner(ds, store, p, { onCommitted: (at, e) => feed.committed(p.name, at, e), ...runnerOpts }),
    );
  const live = runners();
  let lastWritten: Position | undefined;
  return {
    ds,
    store,
    feed,
    reads,
    now,
    runners,
    /** Appends each event to its TPS stream, in order; returns the last position. */
    async append(events) {
      let last = '';
      for (const e of events) {
        const r = await store.appendToStream(tpsStream(e.data.tpsId), [toNew(e)], { expectedRevision: 'any' });
        last = `${r.position.commit}/${r.position.prepare}`;
        lastWritten = r.position;
      }
      return last;
    },
    async catchUp() {
      for (const r of live) await r.catchUp(lastWritten);
    },
    async close() {
      await store.close();
      await ds.destroy();
    },
  };
}
