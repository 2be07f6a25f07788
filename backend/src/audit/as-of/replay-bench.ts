/**
 * How fast `?asOf=` answers on a large log: a SYNTHETIC national-shaped log (TPS ids starting with 99, see
 * bench/synthetic-ref.ts) written through the PostgreSQL store into a scratch database, folded once into the persisted
 * replay (persisted-replay.ts), then asked at moments spread over the night, cold (a fresh process state) and warm.
 * Prints figures for docs/audit.md; asserts nothing.
 *   npm run build -w backend && DATABASE_URL=postgres://... node backend/dist/audit/as-of/replay-bench.js \
 *     [--events 5000000] [--kelurahan 82000] [--every 50000]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { nationShape } from '../../bench/national-rebuild.js';
import { openCluster } from '../../bench/pg.js';
import { checkInEvent, tallyEvent } from '../../bench/events.js';
import { syntheticReference } from '../../bench/synthetic-ref.js';
import { openDataSource } from '../../database/data-source.js';
import type { NewEvent } from '../../event-store/event-store.port.js';
import { PostgresEventStore } from '../../event-store/postgres/postgres.event-store.js';
import { placeTps } from '../../projections/tps-status.projection.js';
import { loadContests } from '../../reference/contests.js';
import { createRng } from '../../simulator/prng.js';
import { kelurahanViews, summaryView } from './as-of-views.js';
import { PersistedReplay } from './persisted-replay.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000000' },
    kelurahan: { type: 'string', default: '82000' },
    every: { type: 'string', default: '50000' },
  },
});
const EVENTS = Number(values.events);
const every = Number(values.every);
const log = (m: string) => console.log(`[as-of bench] ${m}`);
const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024);

const cluster = await openCluster(process.env.DATABASE_URL, log);
try {
  const url = await cluster.createDatabase('asof');
  const ref = syntheticReference(nationShape(Number(values.kelurahan)));
  const ids = [...ref.tpsById.keys()];
  const ds = await openDataSource(url, 4);
  const store = await PostgresEventStore.connect({ connectionString: url, poolSize: 4, statementTimeoutMs: 600_000 });

  // The night: every TPS checks in and reports, then rounds of corrections (the heaviest deltas) fill the budget.
  const rng = createRng(7);
  let written = 0;
  let stream = 0;
  let buffer: NewEvent[] = [];
  const pending: Promise<unknown>[] = [];
  const t0 = performance.now();
  const flush = async () => {
    if (!buffer.length) return;
    pending.push(store.appendToStream(`tps-synthetic-${stream++}`, buffer, { expectedRevision: 'no_stream' }));
    buffer = [];
    if (pending.length >= 3) await Promise.all(pending.splice(0));
  };
  for (let i = 0; written < EVENTS; i++, written++) {
    const tps = ids[i % ids.length];
    const round = Math.floor(i / ids.length);
    buffer.push(
      round === 0
        ? checkInEvent(tps, '2024-02-14T06:50:00+07:00')
        : tallyEvent(rng, tps, '2024-02-14T15:00:00+07:00', round === 1 ? undefined : round - 1),
    );
    if (buffer.length >= 1000) await flush();
    if (written % 500_000 === 0 && written) log(`written ${written} events`);
  }
  await flush();
  await Promise.all(pending);
  const writeS = (performance.now() - t0) / 1000;
  log(`${written} events over ${ids.length} TPS written in ${writeS.toFixed(0)} s (${Math.round(written / writeS)}/s)`);

  const place = (id: string) => placeTps(ref, id);
  const builder = new PersistedReplay(ds, store, place, { snapshotEvery: every });
  const t1 = performance.now();
  await builder.catchUp();
  const buildS = (performance.now() - t1) / 1000;
  const [{ bytes }] = await ds.query<Array<{ bytes: string }>>(
    `SELECT pg_total_relation_size('as_of_chunk') + pg_total_relation_size('as_of_snapshot') + pg_total_relation_size('as_of_tps_doc') AS bytes`,
  );
  log(
    `persisted replay built: ${builder.size} events in ${buildS.toFixed(0)} s (${Math.round(builder.size / buildS)}/s), ` +
      `${Math.round(Number(bytes) / 2 ** 20)} MB in PostgreSQL, RSS ${rssMb()} MB`,
  );

  const [{ lo, hi }] = await ds.query<Array<{ lo: Date; hi: Date }>>(
    `SELECT min(recorded_at) AS lo, max(recorded_at) AS hi FROM es.events`,
  );
  const moments = [0.1, 0.33, 0.5, 0.77, 0.999].map((f) => new Date(lo.getTime() + f * (hi.getTime() - lo.getTime())));
  const ctx = { ref, contests: loadContests(), minTps: 30 };
  for (const warm of [false, true]) {
    // Cold: a fresh process state (the tail is loaded from PostgreSQL on the first question).
    const replay = warm ? builder : new PersistedReplay(ds, store, place, { snapshotEvery: every });
    for (const at of moments) {
      const s0 = performance.now();
      await replay.catchUp();
      const cut = await replay.cutAt(at.getTime());
      const { city } = await replay.totalsAt(cut.n, false);
      summaryView(ctx, 'PPWP', city, cut.position, cut.recordedAt, cut.photoTps);
      const s1 = performance.now();
      const { kelurahan } = await replay.totalsAt(cut.n, true);
      const rows = kelurahanViews(ctx, 'PPWP', kelurahan).length;
      const s2 = performance.now();
      log(
        `${warm ? 'warm' : 'cold'} asOf ${at.toISOString()} (event ${cut.n}, ${cut.n % every} past a snapshot): ` +
          `summary ${Math.round(s1 - s0)} ms, kelurahan (${rows} rows) ${Math.round(s2 - s1)} ms, RSS ${rssMb()} MB`,
      );
    }
  }
  await store.close();
  await ds.destroy();
} finally {
  await cluster.stop();
}
