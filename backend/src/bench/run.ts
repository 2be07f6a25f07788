/**
 * `npm run bench [-- --quick]`: every figure of docs/benchmarks.md in one run, against real PostgreSQL (DATABASE_URL,
 * else an embedded one in a temp dir), printed as a table and written to bench/results/latest.json.
 * 1. baseline INSERT/s (single-row, and rows/s as 100-row INSERTs and COPY); 2. appends/s through the port; 3-5. HTTP tallies/s, submit-to-screen, projection lag (backend as
 * a child process); 6. national-scale rebuild; 7. the backend's peak RSS.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseReferenceCsv } from '../reference/reference-data.js';
import { runHttpBench } from './http-bench.js';
import { nationalRebuild } from './national-rebuild.js';
import { openCluster } from './pg.js';
import { batchedInsert, type BatchedBaseline } from './batched-writes.js';
import { appendThroughPort, baselineInsert } from './raw-writes.js';
import { costProbe } from './tally-cost.js';
import { startServer } from './server-child.js';
import { syntheticCsv } from './synthetic-ref.js';

const RESULTS = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
const CONNECTIONS = 20; // the event store's default pool (DB_POOL_SIZE)

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, 'rebuild-events': { type: 'string' } },
  });
  const quick = values.quick;
  // --only writes|http|rebuild (comma-separated): one part alone, for profiling; no results file is written then.
  const only = values.only ? new Set(values.only.split(',')) : null;
  const part = (name: string) => only === null || only.has(name);
  const size = quick
    ? { writeMs: 2000, fixedMs: 5000, saturationMs: 5000, httpKel: 20, rebuildEvents: 20_000, rebuildKel: 1_700 }
    : { writeMs: 10_000, fixedMs: 15_000, saturationMs: 15_000, httpKel: 120, rebuildEvents: 1_000_000, rebuildKel: 83_000 };
  // --rebuild-events N: another log size for the rebuild alone (how it scales between the quick and the full size).
  if (values['rebuild-events']) {
    size.rebuildEvents = Number(values['rebuild-events']);
    size.rebuildKel = Math.max(1, Math.round(size.rebuildEvents / 12));
  }
  const log = (m: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);
  const started = Date.now();
  // Others share this machine: the load average says how much of it this run had.
  const loadBefore = loadavg().map((x) => Math.round(x * 10) / 10);
  const cluster = await openCluster(process.env.DATABASE_URL, log);
  const dir = await mkdtemp(join(tmpdir(), 'sipantaumilu-bench-ref-'));
  try {
    // 1-2. Raw write ceilings, each on its own scratch database.
    let baselineInsertPerSec = NaN;
    let appendPerSec = NaN;
    let batched: BatchedBaseline = { insert100RowsPerSec: NaN, copyRowsPerSec: NaN };
    if (part('writes')) {
      baselineInsertPerSec = Math.round(await baselineInsert(await cluster.createDatabase('baseline'), CONNECTIONS, size.writeMs));
      log(`baseline: ${baselineInsertPerSec} INSERT transactions/s`);
      batched = await batchedInsert(await cluster.createDatabase('batched'), CONNECTIONS, size.writeMs);
      log(`batched baseline: ${batched.insert100RowsPerSec} rows/s as 100-row INSERTs, ${batched.copyRowsPerSec} rows/s by COPY`);
      appendPerSec = Math.round(await appendThroughPort(await cluster.createDatabase('append'), CONNECTIONS, size.writeMs));
      log(`append through the port: ${appendPerSec} events/s`);
    }

    // 3-5, 7. The backend as a child, on a synthetic TPS list big enough that every tally is a TPS's first.
    let http: Awaited<ReturnType<typeof runHttpBench>> | undefined;
    let peakRssMb = NaN;
    if (part('http')) {
      const shape = { kelurahan: size.httpKel, tpsPerKelurahan: 500, kelurahanPerKecamatan: 10 };
      const refFile = join(dir, 'synthetic-tps.csv');
      const csv = syntheticCsv(shape);
      await writeFile(refFile, csv);
      const dbUrl = await cluster.createDatabase('http');
      const jwtSecret = randomBytes(32).toString('hex');
      // Before the check-in deadline the coverage push carries no "missing" list: with tens of thousands of synthetic
      // TPS and no check-ins that list would be pushed whole every tick, which the city's 635 TPS never causes.
      const env = { DATABASE_URL: dbUrl, JWT_SECRET: jwtSecret, SEED_DEMO: 'true', REFERENCE_FILE: refFile, ELECTION_DATE: '2099-12-31' };
      const server = await startServer(env, log);
      try {
        const opts = { fixedRate: 500, fixedMs: size.fixedMs, saturationMs: size.saturationMs, concurrency: 64, signIns: 20 };
        const cost = await costProbe(server.pid, dbUrl);
        try {
          http = await runHttpBench(server.url, dbUrl, parseReferenceCsv(csv), jwtSecret, opts, log, cost);
        } finally {
          await cost.close();
        }
        peakRssMb = server.peakRssMb();
      } finally {
        await server.stop();
      }
    }

    // 6. National-scale rebuild.
    const rebuild = part('rebuild')
      ? await nationalRebuild(await cluster.createDatabase('national'), size.rebuildEvents, size.rebuildKel, log)
      : undefined;
    if (only || !http || !rebuild) {
      console.log(JSON.stringify({ baselineInsertPerSec, batched, appendPerSec, http, peakRssMb, rebuild }, null, 2));
      return;
    }

    const result = {
      at: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      loadAverage: { before: loadBefore, after: loadavg().map((x) => Math.round(x * 10) / 10) },
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memGb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        postgres: cluster.version,
        embedded: cluster.embedded,
      },
      connections: CONNECTIONS,
      baselineInsertPerSec,
      appendPerSec,
      appendVsBaseline: ratio(appendPerSec, baselineInsertPerSec),
      httpTallyPerSec: http.saturation.perSec,
      submitToScreenMs: { at500PerSec: http.fixed.submitToScreenMs, atSaturation: http.saturation.submitToScreenMs },
      projectionLagMs: { fixed: http.fixed.lagMs, saturation: http.saturation.lagMs },
      rebuildEventsPerSec: rebuild.rebuildEventsPerSec,
      peakRssMb,
      // Added by issue 20: the bulk baselines, every figure as a ratio to its baseline of this run, per-tally cost.
      batchedInsertRowsPerSec: batched.insert100RowsPerSec,
      copyRowsPerSec: batched.copyRowsPerSec,
      httpVsBaseline: ratio(http.saturation.perSec, baselineInsertPerSec),
      rebuildVsBatchedInsert: ratio(rebuild.rebuildEventsPerSec, batched.insert100RowsPerSec),
      rebuildVsCopy: ratio(rebuild.rebuildEventsPerSec, batched.copyRowsPerSec),
      perTally: http.saturation.perTally,
      details: { http, rebuild },
      wallSeconds: Math.round((Date.now() - started) / 1000),
    };
    await mkdir(RESULTS, { recursive: true });
    await writeFile(join(RESULTS, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
    printTable(result);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await cluster.stop();
  }
}

function printTable(r: any): void {
  const rows: [string, string, string][] = [
    ['baselineInsertPerSec', String(r.baselineInsertPerSec), ''],
    ['batched baseline rows/s INSERT100/COPY', `${r.batchedInsertRowsPerSec} / ${r.copyRowsPerSec}`, ''],
    ['appendPerSec', `${r.appendPerSec} (${r.appendVsBaseline} of baseline)`, '>= 0.9 of baseline'],
    ['httpTallyPerSec', `${r.httpTallyPerSec} (${r.httpVsBaseline} of baseline)`, '>= 2000 and >= 0.35'],
    ['per tally @saturation cpu us/commits/stmts', perTallyText(r.perTally), ''],
    ['submitToScreenMs @500/s p50/p95/p99', fmt(r.submitToScreenMs.at500PerSec), 'p99 <= 250'],
    ['submitToScreenMs @saturation', fmt(r.submitToScreenMs.atSaturation), ''],
    ['projectionLagMs @500/s max/p99', `${r.projectionLagMs.fixed.max} / ${r.projectionLagMs.fixed.p99}`, ''],
    ['projectionLagMs @saturation max/p99', `${r.projectionLagMs.saturation.max} / ${r.projectionLagMs.saturation.p99}`, 'p99 < 1000'],
    [
      'rebuildEventsPerSec',
      `${r.rebuildEventsPerSec} (${r.rebuildVsBatchedInsert} of INSERT100, ${r.rebuildVsCopy} of COPY)`,
      '>= 50000 and >= 0.5',
    ],
    ['peakRssMb (backend)', String(r.peakRssMb), '<= 400'],
  ];
  console.log(
    `\n${r.mode} run, ${r.machine.cpus} cores, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}, ${r.wallSeconds} s, load average ${r.loadAverage.before[0]} -> ${r.loadAverage.after[0]}`,
  );
  for (const [k, v, t] of rows) console.log(`${k.padEnd(38)} ${v.padEnd(34)} ${t}`);
  console.log(`written to bench/results/latest.json`);
}

const fmt = (l: { p50: number; p95: number; p99: number }) => `${l.p50} / ${l.p95} / ${l.p99}`;
const ratio = (x: number, base: number) => Math.round((x / base) * 100) / 100;
const perTallyText = (c: { cpuMicrosPerTally: number; commitsPerTally: number; statementsPerTally: number | null } | null) =>
  c ? `${c.cpuMicrosPerTally} / ${c.commitsPerTally} / ${c.statementsPerTally ?? 'n/a'}` : 'n/a';

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
