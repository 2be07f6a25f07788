/**
 * `npm run bench:national [-- --tps N --samples S]`: a national election night, measured end to end (issue 19,
 * docs/scaling.md). Figures, not a test.
 *  1. Writes the synthetic national reference (reference/synthetic-nation.ts, N TPS, default 820,000) to a temp file.
 *  2. Into a scratch database, through the PostgreSQL store in batches: a check-in and a first tally for every TPS, a
 *     correction for one in ten, an incident for one in forty (about 1.74 million events at 820,000 TPS), and one
 *     officer account per TPS (a row each in `users`, as `officers:import` leaves them).
 *  3. Starts the built backend (`backend/dist/main.js`, what `npm start` runs) on that database and reference: the
 *     live projections catch up from zero (`catchUpEventsPerSec`).
 *  4. Restarts it (`startSeconds`, the start with everything in place), waits for the background as-of fold to take
 *     in the night (`asOfFoldSeconds`), then times every read route at national size, cold (the first request of each
 *     route) and warm (`--samples` requests each, over different areas).
 *  5. Three `?asOf=` queries spread over the night (`asOfMs`), the backend's peak resident memory (`rssMb`), then a
 *     full rebuild of every read model in this process (`rebuildEventsPerSec`), as `npm run projections:rebuild` does.
 * Writes bench/results/national.json. DATABASE_URL as for `npm run bench` (else an embedded PostgreSQL).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { hashPin } from '../auth/pin-hash.js';
import { TokenService } from '../auth/token.service.js';
import type { RuntimeConfig } from '../config/config.module.js';
import { openDataSource } from '../database/data-source.js';
import type { NewEvent } from '../event-store/event-store.port.js';
import { PostgresEventStore } from '../event-store/postgres/postgres.event-store.js';
import { createProjections } from '../projections/projection-registry.js';
import { rebuildProjections } from '../projections/rebuild.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { createRng } from '../simulator/prng.js';
import { checkInEvent, incidentEvent, tallyEvent } from './events.js';
import { writeOfficerAccounts } from './accounts.js';
import { benchServerEnv, nationReference, projectionsCaughtUp, spreadAreas, timedGet } from './national-common.js';
import { openCluster } from './pg.js';
import { startServer, type ServerChild } from './server-child.js';
import { latency, sleep, type Latency } from './stats.js';

const { values } = parseArgs({
  options: {
    tps: { type: 'string', default: '820000' },
    samples: { type: 'string', default: '40' },
    // Leaves the scratch database and the reference file in place (printed), to profile a server against them.
    keep: { type: 'boolean', default: false },
  },
});
const TPS = Number(values.tps);
const SAMPLES = Number(values.samples);
const log = (m: string) => console.log(`[national] ${m}`);
const load = () => loadavg().map((l) => Number(l.toFixed(2)));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

interface RouteFigure {
  route: string;
  status: number;
  bytes: number;
  coldMs: number;
  warm: Latency;
  /** The backend's peak resident memory once this route's requests were answered (VmHWM: it only grows). */
  peakRssMb: number;
}

/** The night through the store, in appends of ~1,000 events (three in flight); returns when each quarter ended. */
async function writeNight(url: string, tpsIds: string[]) {
  const store = await PostgresEventStore.connect({ connectionString: url, poolSize: 4, statementTimeoutMs: 120_000 });
  const rng = createRng(19);
  const day = '2024-02-14T';
  const pending: Promise<unknown>[] = [];
  let buffer: NewEvent[] = [];
  let streams = 0;
  let written = 0;
  const flush = async () => {
    if (buffer.length === 0) return;
    const chunk = buffer;
    buffer = [];
    written += chunk.length;
    // The projections follow the TPS in each event's data; how events are grouped in streams does not matter to them.
    pending.push(store.appendToStream(`tps-national-${streams++}`, chunk, { expectedRevision: 'no_stream' }));
    if (pending.length >= 3) await Promise.all(pending.splice(0));
  };
  const push = async (e: NewEvent) => {
    buffer.push(e);
    if (buffer.length >= 1000) await flush();
  };
  const phases: { phase: string; events: number; endedAt: string }[] = [];
  const phase = async (name: string) => {
    await flush();
    await Promise.all(pending.splice(0));
    phases.push({ phase: name, events: written, endedAt: new Date().toISOString() });
    log(`${name}: ${written} events in the log`);
  };
  const t0 = performance.now();
  try {
    for (const id of tpsIds) await push(checkInEvent(id, `${day}06:45:00+07:00`));
    await phase('check-ins');
    for (let i = 0; i < tpsIds.length; i++) {
      await push(tallyEvent(rng, tpsIds[i], `${day}14:00:00+07:00`));
      if (i % 40 === 7) await push(incidentEvent(tpsIds[i], randomUUID(), `${day}14:30:00+07:00`));
      if (i === Math.floor(tpsIds.length / 2)) await phase('half the tallies');
    }
    await phase('first tallies and incidents');
    for (let i = 0; i < tpsIds.length; i += 10) await push(tallyEvent(rng, tpsIds[i], `${day}17:00:00+07:00`, 1));
    await phase('corrections');
  } finally {
    await store.close();
  }
  return { events: written, writeMs: performance.now() - t0, phases };
}

/** Waits until the background as-of fold has taken in the whole log (as_of_state.n); returns how long it waited. */
async function asOfFolded(url: string, total: number) {
  const t0 = performance.now();
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    for (let i = 0; ; i++) {
      const { rows } = await db.query<{ n: string }>(`SELECT coalesce(max(n), 0)::text AS n FROM as_of_state`);
      if (Number(rows[0].n) >= total) return performance.now() - t0;
      if (i % 12 === 0) log(`as-of replay: ${rows[0].n} of ${total} events folded`);
      await sleep(5000);
    }
  } finally {
    await db.end();
  }
}

/** The routes, each with its areas: one of every level, spread over the reference, so warm samples are not one row. */
function routes(ref: ReferenceData): { name: string; paths: string[] }[] {
  const { prov, kab, kec, kel } = spreadAreas(ref);
  const tps = kel.map((k) => `${k}001`);
  return [
    { name: 'GET /api/summary', paths: ['/api/summary'] },
    { name: 'GET /api/areas (root)', paths: ['/api/areas'] },
    { name: 'GET /api/areas/{provinsi}', paths: prov.map((c) => `/api/areas/${c}`) },
    { name: 'GET /api/areas/{kabupaten}', paths: kab.map((c) => `/api/areas/${c}`) },
    { name: 'GET /api/areas/{kecamatan}', paths: kec.map((c) => `/api/areas/${c}`) },
    { name: 'GET /api/areas/{kelurahan}', paths: kel.map((c) => `/api/areas/${c}`) },
    { name: 'GET /api/areas/{provinsi}/tps (page)', paths: prov.map((c) => `/api/areas/${c}/tps`) },
    { name: 'GET /api/areas/{kelurahan}/tps', paths: kel.map((c) => `/api/areas/${c}/tps`) },
    { name: 'GET /api/kecamatan', paths: ['/api/kecamatan'] },
    { name: 'GET /api/kelurahan', paths: ['/api/kelurahan'] },
    { name: 'GET /api/kelurahan/{code}', paths: kel.map((c) => `/api/kelurahan/${c}`) },
    { name: 'GET /api/tps', paths: ['/api/tps'] },
    { name: 'GET /api/tps/{id}', paths: tps.map((id) => `/api/tps/${id}`) },
    { name: 'GET /api/coverage', paths: ['/api/coverage'] },
    { name: 'GET /api/incidents', paths: ['/api/incidents'] },
  ];
}

async function measureRoutes(server: ServerChild, token: string, ref: ReferenceData): Promise<RouteFigure[]> {
  const out: RouteFigure[] = [];
  const list = routes(ref);
  // Cold: each route's first request after the start, before any other read.
  const cold = new Map<string, { ms: number; status: number; bytes: number }>();
  for (const r of list) cold.set(r.name, await timedGet(server.url, r.paths[0], token));
  for (const r of list) {
    const ms: number[] = [];
    for (let i = 0; i < SAMPLES; i++) ms.push((await timedGet(server.url, r.paths[i % r.paths.length], token)).ms);
    const c = cold.get(r.name)!;
    const f = {
      route: r.name,
      status: c.status,
      bytes: c.bytes,
      coldMs: Math.round(c.ms),
      warm: latency(ms),
      peakRssMb: server.peakRssMb(),
    };
    log(
      `${f.route}: ${f.status}, ${Math.round(f.bytes / 1024)} kB, cold ${f.coldMs} ms, warm p50 ${f.warm.p50} p95 ${f.warm.p95} max ${f.warm.max} ms, peak RSS ${f.peakRssMb} MB`,
    );
    out.push(f);
  }
  return out;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'national-'));
  const cluster = await openCluster(process.env.DATABASE_URL, log);
  let server: ServerChild | null = null;
  try {
    const { file, ref } = await nationReference(dir, TPS);
    log(
      `reference: ${ref.provinsi.length} provinsi, ${ref.kabupaten.length} kabupaten/kota, ${ref.kecamatan.length} kecamatan, ${ref.kelurahan.length} kelurahan, ${ref.tpsTotal} TPS`,
    );
    const url = await cluster.createDatabase('national');
    if (values.keep) log(`scratch database: ${url}`);
    // The schema, as the backend's start would make it.
    await (await openDataSource(url, 1)).destroy();
    const tpsIds = [...ref.tpsById.values()].map((t) => t.id);
    const night = await writeNight(url, tpsIds);
    log(`night: ${night.events} events written in ${seconds(night.writeMs)} s`);
    // The reader whose token the bench mints (the guard checks every token against its account).
    const accounts = await writeOfficerAccounts(url, tpsIds, await hashPin(randomBytes(8).toString('hex')), [
      { nip: 'bench-auditor', name: 'Auditor (bench)', role: 'auditor' },
    ]);
    log(`${accounts} officer accounts stored`);

    const { jwtSecret, env } = benchServerEnv(url, file);
    // From the spawn: the projections start catching up while the server starts.
    const c0 = performance.now();
    server = await startServer(env, log);
    await projectionsCaughtUp(url, night.events, createProjections(ref).length, log);
    const catchUpMs = performance.now() - c0;
    log(`catch-up: ${night.events} events in ${seconds(catchUpMs)} s`);
    const catchUpRssMb = server.peakRssMb();
    await server.stop();

    const t0 = performance.now();
    server = await startServer(env, log);
    const startMs = performance.now() - t0;
    const rssAfterStartMb = server.rssMb();
    log(`restart: healthy in ${seconds(startMs)} s, RSS ${rssAfterStartMb} MB`);
    const tokens = new TokenService({ jwtSecret, TOKEN_TTL_SECONDS: 43_200 } as RuntimeConfig);
    const token = await tokens.sign({ sub: 'bench-auditor', role: 'auditor' });
    // The as-of replay is folded in the background (docs/audit.md; on a night it keeps up as events come, here it
    // starts with the whole log): the reads are measured once it has, as on a night, and its own time is a figure.
    const foldMs = await asOfFolded(url, night.events);
    const rssAfterFoldMb = server.peakRssMb();
    log(`as-of replay folded ${night.events} events ${seconds(foldMs)} s after the restart's health; peak RSS ${rssAfterFoldMb} MB`);
    const routeFigures = await measureRoutes(server, token, ref);

    const asOf: { at: string; ms: number; status: number }[] = [];
    for (const p of night.phases.slice(0, 3)) {
      const r = await timedGet(server.url, `/api/summary?asOf=${encodeURIComponent(p.endedAt)}`, token);
      asOf.push({ at: p.endedAt, ms: Math.round(r.ms), status: r.status });
      log(`asOf ${p.endedAt} (after ${p.phase}): ${r.status} in ${Math.round(r.ms)} ms`);
    }
    const rssMb = { afterStart: rssAfterStartMb, peakAsOfFold: rssAfterFoldMb, peakServing: server.peakRssMb(), peakCatchUp: catchUpRssMb };
    await server.stop();
    server = null;

    const ds = await openDataSource(url, 6);
    const store = await PostgresEventStore.connect({ connectionString: url, poolSize: 4, statementTimeoutMs: 300_000 });
    const r0 = performance.now();
    try {
      await rebuildProjections(ds, store, createProjections(ref));
    } finally {
      await store.close();
      await ds.destroy();
    }
    const rebuildMs = performance.now() - r0;
    log(`rebuild: ${night.events} events in ${seconds(rebuildMs)} s`);

    const result = {
      at: new Date().toISOString(),
      loadAverage: load(),
      tps: ref.tpsTotal,
      kelurahan: ref.kelurahan.length,
      events: night.events,
      writeEventsPerSec: Math.round(night.events / (night.writeMs / 1000)),
      catchUpEventsPerSec: Math.round(night.events / (catchUpMs / 1000)),
      rebuildEventsPerSec: Math.round(night.events / (rebuildMs / 1000)),
      startSeconds: seconds(startMs),
      rssMb,
      asOfFoldSeconds: seconds(foldMs),
      asOfMs: asOf,
      routes: routeFigures,
    };
    mkdirSync(new URL('../../../bench/results/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../../../bench/results/national.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await server?.stop();
    if (values.keep) log(`kept: the scratch database and ${dir}/nation.csv (DATABASE_URL as above)`);
    else {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
