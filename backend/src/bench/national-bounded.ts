/**
 * `npm run bench:bounded [-- --reference FILE] [--tps N] [--samples S] [--nearly-complete]`: the bounded coverage,
 * roll call and area reports at national size (docs/scaling.md "What is bounded"). Into a scratch database: a morning
 * of check-ins through the PostgreSQL store (every TPS of the first province in code order, so a page must skip a
 * whole complete province, then every other TPS elsewhere; with `--nearly-complete` every TPS but the last in code
 * order: the missing walk's worst case) and one officer account per TPS; starts the built backend
 * (`backend/dist/main.js`) with that reference, waits for the projections, and times each route: the first request,
 * then `--samples` requests spread over areas of the level. Prints the figures and the load average.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hashPin } from '../auth/pin-hash.js';
import { TokenService } from '../auth/token.service.js';
import type { RuntimeConfig } from '../config/config.module.js';
import { openDataSource } from '../database/data-source.js';
import type { NewEvent } from '../event-store/event-store.port.js';
import { PostgresEventStore } from '../event-store/postgres/postgres.event-store.js';
import { encodeCursor } from '../projections/area-cursor.js';
import { createProjections } from '../projections/projection-registry.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { checkInEvent } from './events.js';
import { writeOfficerAccounts } from './accounts.js';
import { benchServerEnv, nationReference, projectionsCaughtUp, spread, spreadAreas, timedGet } from './national-common.js';
import { openCluster } from './pg.js';
import { startServer } from './server-child.js';
import { latency } from './stats.js';

const { values } = parseArgs({
  options: {
    reference: { type: 'string' },
    tps: { type: 'string', default: '820000' },
    samples: { type: 'string', default: '20' },
    'nearly-complete': { type: 'boolean', default: false },
  },
});
const SAMPLES = Number(values.samples);
const log = (m: string) => console.log(`[bounded] ${m}`);
const load = () => loadavg().map((l) => Number(l.toFixed(2)));

/** Check-ins in appends of 1,000 (three in flight); returns how many were written. */
async function writeMorning(url: string, ids: string[]): Promise<number> {
  const store = await PostgresEventStore.connect({ connectionString: url, poolSize: 4, statementTimeoutMs: 120_000 });
  const pending: Promise<unknown>[] = [];
  try {
    for (let i = 0, stream = 0; i < ids.length; i += 1000, stream++) {
      const chunk: NewEvent[] = ids.slice(i, i + 1000).map((id) => checkInEvent(id, '2024-02-14T06:45:00+07:00'));
      pending.push(store.appendToStream(`tps-bounded-${stream}`, chunk, { expectedRevision: 'no_stream' }));
      if (pending.length >= 3) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
  } finally {
    await store.close();
  }
  return ids.length;
}

function routes(ref: ReferenceData): { name: string; paths: string[] }[] {
  const { prov, kab, kec, kel } = spreadAreas(ref);
  const kelCursors = spread([...ref.kelurahan].sort((a, b) => a.code.localeCompare(b.code))).map((k) => encodeCursor(k.code));
  const tpsCursors = kel.map((k) => encodeCursor(`${k}001`));
  return [
    { name: 'GET /api/coverage (root)', paths: ['/api/coverage'] },
    { name: 'GET /api/coverage?cursor= (rows mid-list)', paths: kelCursors.map((c) => `/api/coverage?cursor=${c}`) },
    { name: 'GET /api/coverage?area={provinsi}', paths: prov.map((c) => `/api/coverage?area=${c}`) },
    { name: 'GET /api/coverage?area={kabupaten}', paths: kab.map((c) => `/api/coverage?area=${c}`) },
    { name: 'GET /api/coverage?area={kecamatan}', paths: kec.map((c) => `/api/coverage?area=${c}`) },
    { name: 'GET /api/coverage?area={kelurahan}', paths: kel.map((c) => `/api/coverage?area=${c}`) },
    { name: 'GET /api/rollcall (root, first 1,000)', paths: ['/api/rollcall'] },
    { name: 'GET /api/rollcall?cursor= (mid-list)', paths: tpsCursors.map((c) => `/api/rollcall?cursor=${c}`) },
    { name: 'GET /api/rollcall?area={provinsi}', paths: prov.map((c) => `/api/rollcall?area=${c}`) },
    { name: 'GET /api/rollcall?area={kabupaten}', paths: kab.map((c) => `/api/rollcall?area=${c}`) },
    { name: 'GET /api/rollcall?area={kelurahan}', paths: kel.map((c) => `/api/rollcall?area=${c}`) },
    {
      name: 'GET /api/reports/results?area={provinsi}&level=kabupaten',
      paths: prov.map((c) => `/api/reports/results?area=${c}&level=kabupaten`),
    },
    {
      name: 'GET /api/reports/results?area={kabupaten}&level=kelurahan',
      paths: kab.map((c) => `/api/reports/results?area=${c}&level=kelurahan`),
    },
    { name: 'GET /api/reports/results (nation by provinsi)', paths: ['/api/reports/results'] },
    { name: 'GET /api/reports/summary.pdf?area={provinsi}', paths: prov.map((c) => `/api/reports/summary.pdf?area=${c}`) },
  ];
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bounded-'));
  const cluster = await openCluster(process.env.DATABASE_URL, log);
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    const { file, ref } = await nationReference(dir, Number(values.tps), values.reference);
    log(`reference: ${ref.provinsi.length} provinsi, ${ref.kelurahan.length} kelurahan, ${ref.tpsTotal} TPS`);
    const url = await cluster.createDatabase('bounded');
    await (await openDataSource(url, 1)).destroy();
    const ids = [...ref.tpsById.values()].map((t) => t.id).sort();
    const first = ids[0].slice(0, 2);
    const checkedIn = values['nearly-complete'] ? ids.slice(0, -1) : ids.filter((id, i) => id.startsWith(first) || i % 2 === 0);
    const t0 = performance.now();
    const events = await writeMorning(url, checkedIn);
    log(
      `${events} check-ins written in ${Math.round((performance.now() - t0) / 1000)} s (all of provinsi ${first}, every other TPS elsewhere)`,
    );
    // With phone numbers: the roll call shows each missing TPS's monitor.
    const accounts = await writeOfficerAccounts(
      url,
      ids,
      await hashPin(randomBytes(8).toString('hex')),
      [{ nip: 'bench-admin', name: 'Admin (bench)', role: 'admin' }],
      { phones: true },
    );
    log(`${accounts} officer accounts stored`);
    const { jwtSecret, env } = benchServerEnv(url, file);
    server = await startServer(env, log);
    await projectionsCaughtUp(url, events, createProjections(ref).length, log);
    log('caught up');
    const token = await new TokenService({ jwtSecret, TOKEN_TTL_SECONDS: 43_200 } as RuntimeConfig).sign({
      sub: 'bench-admin',
      role: 'admin',
    });
    const figures = [];
    for (const r of routes(ref)) {
      const cold = await timedGet(server.url, r.paths[0], token);
      const ms: number[] = [];
      for (let i = 0; i < SAMPLES; i++) ms.push((await timedGet(server.url, r.paths[i % r.paths.length], token)).ms);
      const warm = latency(ms);
      const head = cold.body.subarray(0, 1).toString() === '{' ? (JSON.parse(cold.body.toString()) as Record<string, unknown>) : null;
      const counts = head
        ? Object.fromEntries(['rowsTotal', 'missingTotal', 'total'].filter((k) => k in head).map((k) => [k, head[k]]))
        : {};
      const f = {
        route: r.name,
        status: cold.status,
        kB: Math.round(cold.bytes / 1024),
        coldMs: Math.round(cold.ms),
        warm,
        ...counts,
        load: load(),
      };
      log(
        `${f.route}: ${f.status}, ${f.kB} kB, cold ${f.coldMs} ms, warm p50 ${warm.p50} p95 ${warm.p95} max ${warm.max} ms ${JSON.stringify(counts)} load ${f.load.join(' ')}`,
      );
      figures.push(f);
    }
    console.log(
      JSON.stringify({ at: new Date().toISOString(), tps: ref.tpsTotal, checkIns: events, samples: SAMPLES, routes: figures }, null, 2),
    );
  } finally {
    await server?.stop();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
