/**
 * Figure 6: rebuild every read model from a log shaped like a national election night. The log is synthetic (TPS ids
 * starting with 99, see synthetic-ref.ts) and written into a scratch database through the PostgreSQL store in batched
 * appends of ~1,000 events; then every projection is rebuilt over one read with rebuildProjections, as
 * `npm run projections:rebuild` does. In this process: the rebuild is a script, not the server.
 */
import { openDataSource } from '../database/data-source.js';
import { PostgresEventStore } from '../event-store/postgres/postgres.event-store.js';
import type { NewEvent } from '../event-store/event-store.port.js';
import { createProjections } from '../projections/projection-registry.js';
import { rebuildProjections } from '../projections/rebuild.js';
import { createRng } from '../simulator/prng.js';
import { checkInEvent, tallyEvent } from './events.js';
import { syntheticReference } from './synthetic-ref.js';

export interface RebuildFigures {
  events: number;
  tps: number;
  kelurahan: number;
  writeEventsPerSec: number;
  rebuildMs: number;
  rebuildEventsPerSec: number;
  /** Time each projection's folds took within the shared read (the read and the commits are shared). */
  perProjection: { name: string; foldMs: number }[];
}

/**
 * `events` events for `kelurahan` kelurahan of 10 TPS: every TPS one tally, 5% of them a correction, and check-ins
 * for as many as the event budget leaves, in the order a night produces them (check-ins first).
 */
/** The shape of the synthetic nation the rebuild writes (10 TPS a kelurahan, 11 kelurahan a kecamatan). */
export const nationShape = (kelurahan: number) => ({ kelurahan, tpsPerKelurahan: 10, kelurahanPerKecamatan: 11 });

export async function nationalRebuild(url: string, events: number, kelurahan: number, log: (m: string) => void): Promise<RebuildFigures> {
  const ref = syntheticReference(nationShape(kelurahan));
  const tpsIds = [...ref.tpsById.keys()];
  const tallies = Math.min(tpsIds.length, Math.floor(events / 1.05));
  const corrections = Math.floor(tallies * 0.05);
  const checkIns = Math.max(0, events - tallies - corrections);
  // The rebuild holds one connection for its locks, folds the five projections side by side, one connection each, and
  // writes a bulk flush over two.
  const ds = await openDataSource(url, 8);
  const store = await PostgresEventStore.connect({ connectionString: url, poolSize: 4, statementTimeoutMs: 120_000 });
  try {
    const rng = createRng(99);
    const day = '2024-02-14T';
    // Streams of ~1,000 events: the rebuild reads the global log, so how events are grouped in streams does not matter
    // to it; the stream names keep the `tps-` prefix the projections follow.
    let batch = 0;
    const pending: Promise<unknown>[] = [];
    let buffer: NewEvent[] = [];
    const started = performance.now();
    const flush = async () => {
      if (buffer.length === 0) return;
      const chunk = buffer;
      buffer = [];
      pending.push(store.appendToStream(`tps-synthetic-${batch++}`, chunk, { expectedRevision: 'no_stream' }));
      if (pending.length >= 3) await Promise.all(pending.splice(0));
    };
    const push = async (e: NewEvent) => {
      buffer.push(e);
      if (buffer.length >= 1000) await flush();
    };
    for (let i = 0; i < checkIns; i++) await push(checkInEvent(tpsIds[i % tpsIds.length], `${day}06:5${i % 10}:00+07:00`));
    for (let i = 0; i < tallies; i++) await push(tallyEvent(rng, tpsIds[i], `${day}15:00:00+07:00`));
    for (let i = 0; i < corrections; i++) await push(tallyEvent(rng, tpsIds[i * 20], `${day}17:00:00+07:00`, 1));
    await flush();
    await Promise.all(pending);
    const written = checkIns + tallies + corrections;
    const writeMs = performance.now() - started;
    log(`synthetic national log: ${written} events (${tallies} TPS, ${kelurahan} kelurahan) written in ${Math.round(writeMs)} ms`);

    const perProjection: RebuildFigures['perProjection'] = [];
    const t0 = performance.now();
    // All read models over one read of the log, as `npm run projections:rebuild` (no name) does.
    for (const r of await rebuildProjections(ds, store, createProjections(ref))) {
      perProjection.push({ name: r.name, foldMs: r.foldMs });
      log(`rebuilt ${r.name}: ${r.eventsApplied} events, ${r.foldMs} ms of its own folds, ${r.ms} ms since the start`);
    }
    const rebuildMs = performance.now() - t0;
    return {
      events: written,
      tps: tallies,
      kelurahan,
      writeEventsPerSec: Math.round((written / writeMs) * 1000),
      rebuildMs: Math.round(rebuildMs),
      rebuildEventsPerSec: Math.round((written / rebuildMs) * 1000),
      perProjection,
    };
  } finally {
    await store.close();
    await ds.destroy();
  }
}
