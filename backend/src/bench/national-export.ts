/**
 * `npm run bench:export`: the results export at national size (issue 18). Writes a synthetic national night (every
 * TPS of 82,000 kelurahan x 10 one tally, 5% corrected) through the PostgreSQL store into a scratch database, rebuilds
 * the read models, then runs GET /api/reports/results' own body (reports/results-export.ts) for the city by TPS
 * (820,000 rows) as CSV and as XLSX into a sink, and prints the time, the size and the process's resident memory
 * before and at its peak during each export. Figures, not a test. Options: --kelurahan N (default 82,000),
 * --formats csv,xlsx.
 * DATABASE_URL as for `npm run bench` (else an embedded PostgreSQL). Writes bench/results/national-export.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { openDataSource } from '../database/data-source.js';
import { inSnapshot } from '../projections/snapshot.js';
import { loadContests } from '../reference/contests.js';
import { parseResultsQuery } from '../reports/report-params.js';
import { REPORT_SNAPSHOT, writeResultsFile } from '../reports/results-export.js';
import { ResultsSource } from '../reports/results-source.js';
import { nationalRebuild, nationShape } from './national-rebuild.js';
import { openCluster } from './pg.js';
import { syntheticReference } from './synthetic-ref.js';

const { values } = parseArgs({
  options: { kelurahan: { type: 'string', default: '82000' }, formats: { type: 'string', default: 'csv,xlsx' } },
});
const kelurahan = Number(values.kelurahan);
const log = (m: string) => console.log(`[export bench] ${m}`);
const mb = (b: number) => Math.round(b / 1024 / 1024);

/** A sink that counts bytes and takes them at once (the network is not what is measured). */
function countingSink() {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done();
    },
  });
  return { sink, bytes: () => bytes };
}

async function main() {
  const cluster = await openCluster(process.env.DATABASE_URL, log);
  try {
    const url = await cluster.createDatabase('export');
    const tps = kelurahan * 10;
    const night = await nationalRebuild(url, Math.round(tps * 1.05), kelurahan, log);
    log(`read models of ${night.tps} TPS rebuilt in ${night.rebuildMs} ms`);
    const ref = syntheticReference(nationShape(kelurahan));
    const contests = loadContests();
    const results = new ResultsSource(ref, contests);
    const ds = await openDataSource(url, 2);
    const figures: Record<string, unknown> = {};
    try {
      for (const format of values.formats.split(',') as ('csv' | 'xlsx')[]) {
        (globalThis as { gc?: () => void }).gc?.();
        const before = process.memoryUsage().rss;
        let peak = before;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
        const { sink, bytes } = countingSink();
        const q = parseResultsQuery({ level: 'tps', format }, ref, contests);
        const t0 = performance.now();
        await inSnapshot(
          ds,
          (tx, position) => writeResultsFile(tx, position, { results, contests }, q, sink, () => undefined),
          REPORT_SNAPSHOT,
        );
        const ms = Math.round(performance.now() - t0);
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        figures[format] = { rows: ref.tpsTotal, ms, megabytes: mb(bytes()), rssBeforeMb: mb(before), rssPeakMb: mb(peak) };
        log(`${format}: ${ref.tpsTotal} TPS rows, ${mb(bytes())} MB in ${ms} ms; RSS ${mb(before)} MB before, peak ${mb(peak)} MB`);
      }
    } finally {
      await ds.destroy();
    }
    const out = {
      at: new Date().toISOString(),
      loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
      postgres: cluster.version,
      embedded: cluster.embedded,
      tps: ref.tpsTotal,
      kelurahan,
      ...figures,
    };
    mkdirSync(new URL('../../../bench/results/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../../../bench/results/national-export.json', import.meta.url), JSON.stringify(out, null, 2) + '\n');
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await cluster.stop();
  }
}

await main();
