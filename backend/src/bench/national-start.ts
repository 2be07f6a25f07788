/**
 * Memory and start at national size (docs/scaling.md, "Memory and start"): a scratch database with 820,000 officer
 * accounts (one per TPS of a SYNTHETIC national reference, written by COPY), then the built server (dist/main.js, as
 * `npm start` runs it) started as a child with that reference. Prints the time to healthy, VmRSS/VmHWM after start
 * and after a read load; asserts nothing.
 *   npm run build -w backend && DATABASE_URL=postgres://... node backend/dist/bench/national-start.js \
 *     [--reference /tmp/nation.csv] [--seconds 30] [--connections 8]
 */
import { createWriteStream, existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { hashPin } from '../auth/pin-hash.js';
import { openDataSource } from '../database/data-source.js';
import { loadReferenceData } from '../reference/reference-data.js';
import { nationShapeFor, syntheticNationCsv } from '../reference/synthetic-nation.js';
import { writeOfficerAccounts } from './accounts.js';
import { openCluster } from './pg.js';
import { startServer } from './server-child.js';
import { sleep } from './stats.js';

const { values } = parseArgs({
  options: {
    reference: { type: 'string', default: '/tmp/nation.csv' },
    seconds: { type: 'string', default: '30' },
    connections: { type: 'string', default: '8' },
  },
});
const log = (m: string) => console.log(`[national-start] ${m}`);
const PIN = 'bench-start-2024';

if (!existsSync(values.reference)) {
  log(`${values.reference} missing: writing a synthetic national reference of 820,000 TPS`);
  await pipeline(Readable.from(syntheticNationCsv(nationShapeFor(820_000))), createWriteStream(values.reference));
}
const ref = loadReferenceData(values.reference);
log(`reference: ${ref.kelurahan.length} kelurahan, ${ref.tpsTotal} TPS`);

const cluster = await openCluster(process.env.DATABASE_URL, log);
try {
  const url = await cluster.createDatabase('start');
  await (await openDataSource(url, 2)).destroy(); // migrations
  const hash = await hashPin(PIN);
  const t0 = performance.now();
  const n = await writeOfficerAccounts(url, ref.tpsById.keys(), hash, [
    { nip: 'bench-operator', name: 'Operator (sintetis)', role: 'operator' },
  ]);
  log(`${n} officer accounts written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const started = performance.now();
  const server = await startServer(
    {
      DATABASE_URL: url,
      REFERENCE_FILE: values.reference,
      JWT_SECRET: 'national-start-bench-secret-0123456789abcdef',
      SEED_DEMO: 'false',
      ELECTION_DATE: '2099-12-31',
      RATE_LIMIT_READS_PER_MIN: '0',
      RATE_LIMIT_LOGIN_PER_MIN: '0',
    },
    log,
  );
  const startSeconds = (performance.now() - started) / 1000;
  await sleep(3000);
  log(`healthy after ${startSeconds.toFixed(1)} s; RSS ${server.rssMb()} MB, peak ${server.peakRssMb()} MB (3 s after)`);
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nip: 'bench-operator', pin: PIN }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const ids = [...ref.tpsById.keys()];
    const auth = { authorization: `Bearer ${accessToken}` };
    const routes = [
      () => '/api/summary',
      () => `/api/tps/${ids[Math.floor(Math.random() * ids.length)]}`,
      () => `/api/kelurahan/${ref.kelurahan[Math.floor(Math.random() * ref.kelurahan.length)].code}`,
    ];
    const until = Date.now() + Number(values.seconds) * 1000;
    const counts = { ok: 0, failed: 0 };
    let maxRss = 0;
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, server.rssMb())), 500);
    await Promise.all(
      Array.from({ length: Number(values.connections) }, async (_, c) => {
        for (let i = c; Date.now() < until; i++) {
          const r = await fetch(server.url + routes[i % routes.length](), { headers: auth });
          await r.arrayBuffer();
          counts[r.ok ? 'ok' : 'failed']++;
        }
      }),
    );
    clearInterval(sampler);
    log(
      `read load ${values.seconds} s x ${values.connections} connections (summary, one TPS, one kelurahan): ` +
        `${counts.ok} ok, ${counts.failed} failed; RSS now ${server.rssMb()} MB, highest sampled ${maxRss} MB, VmHWM ${server.peakRssMb()} MB`,
    );
    // Officers sign in (each a DB lookup, nothing kept per user).
    const t1 = performance.now();
    let signedIn = 0;
    for (const id of ids.slice(0, 200)) {
      const r = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ nip: id, pin: PIN }),
      });
      if (r.ok) signedIn++;
    }
    log(
      `${signedIn} officer sign-ins in ${Math.round(performance.now() - t1)} ms; RSS ${server.rssMb()} MB, VmHWM ${server.peakRssMb()} MB`,
    );
  } finally {
    await server.stop();
  }
} finally {
  await cluster.stop();
}
