/**
 * `npm run bench:nodes [-- --seconds 10]`: HTTP tallies per second through one backend node, then through two nodes
 * (same PostgreSQL, Redis fan-out, one projection leader) with the load split between them, in one run.
 * Synthetic TPS (codes 99..., never the city's) so every tally is a first tally. Needs Redis (REDIS_URL or
 * 127.0.0.1:6379). Figures go to docs/scaling.md; on a 2-core machine both nodes share the same cores with PostgreSQL,
 * so this measures the overhead and the correctness of running two, not the gain of two machines.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RuntimeConfig } from '../config/config.module.js';
import { TokenService } from '../auth/token.service.js';
import { parseReferenceCsv } from '../reference/reference-data.js';
import { createRng } from '../simulator/prng.js';
import { generateForm } from '../simulator/tally-form.generator.js';
import { Poster } from './load-client.js';
import { openCluster } from './pg.js';
import { startServer, type ServerChild } from './server-child.js';
import { syntheticCsv } from './synthetic-ref.js';

const CONCURRENCY = 64;

/** Closed loop: CONCURRENCY senders, each posting the next unused TPS's first tally to the next node in turn. */
async function saturate(
  nodes: ServerChild[],
  tps: string[],
  start: number,
  token: (id: string) => string,
  body: (i: number) => string,
  ms: number,
) {
  const posters = nodes.map((n) => new Poster(n.url, CONCURRENCY + 4));
  let next = start;
  let ok = 0;
  const other: Record<string, number> = {};
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      while (Date.now() < end && next < tps.length) {
        const i = next++;
        const id = tps[i];
        const r = await posters[(i + w) % posters.length].post(`/api/tps/${id}/tally`, body(i), {
          authorization: `Bearer ${token(id)}`,
          'idempotency-key': `bench-nodes-${id}`,
        });
        if (r.status === 201) ok++;
        else other[r.status] = (other[r.status] ?? 0) + 1;
      }
    }),
  );
  posters.forEach((p) => p.close());
  return { perSec: Math.round((ok / ms) * 1000), ok, other, next };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' } } });
  const ms = Number(values.seconds) * 1000;
  const log = (m: string) => console.log(`[bench:nodes ${new Date().toISOString().slice(11, 19)}] ${m}`);
  const redis = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const cluster = await openCluster(process.env.DATABASE_URL, log);
  const dir = await mkdtemp(join(tmpdir(), 'sipantaumilu-bench-nodes-'));
  const nodes: ServerChild[] = [];
  try {
    const csv = syntheticCsv({ kelurahan: 60, tpsPerKelurahan: 500, kelurahanPerKecamatan: 10 });
    const refFile = join(dir, 'synthetic-tps.csv');
    await writeFile(refFile, csv);
    const tps = parseReferenceCsv(csv).tps;
    const jwtSecret = randomBytes(32).toString('hex');
    const env = {
      DATABASE_URL: await cluster.createDatabase('nodes'),
      JWT_SECRET: jwtSecret,
      SEED_DEMO: 'true',
      REFERENCE_FILE: refFile,
      ELECTION_DATE: '2099-12-31',
      REDIS_URL: redis,
      REDIS_CHANNEL_PREFIX: `bench-${randomBytes(3).toString('hex')}`,
    };
    const tokens = new TokenService({ jwtSecret, TOKEN_TTL_SECONDS: 43_200 } as RuntimeConfig);
    const tokenOf = new Map<string, string>();
    for (const t of tps) tokenOf.set(t.id, await tokens.sign({ sub: t.id, role: 'officer', tpsId: t.id }));
    const rng = createRng(7);
    const bodies = tps.map((t) => JSON.stringify(generateForm(rng, { special: t.special })));
    const ids = tps.map((t) => t.id);
    const token = (id: string) => tokenOf.get(id)!;
    const body = (i: number) => bodies[i];

    nodes.push(await startServer(env, log));
    const warm = await saturate(nodes, ids, 0, token, body, 2000);
    const one = await saturate(nodes, ids, warm.next, token, body, ms);
    log(`one node: ${one.perSec} tallies/s (${JSON.stringify(one.other)})`);
    nodes.push(await startServer(env, log));
    const two = await saturate(nodes, ids, one.next, token, body, ms);
    log(`two nodes: ${two.perSec} tallies/s (${JSON.stringify(two.other)})`);
    console.log(
      JSON.stringify(
        {
          cores: cpus().length,
          loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
          seconds: ms / 1000,
          oneNodePerSec: one.perSec,
          twoNodesPerSec: two.perSec,
          ratio: Math.round((two.perSec / one.perSec) * 100) / 100,
          rssMb: nodes.map((n) => n.peakRssMb()),
        },
        null,
        2,
      ),
    );
  } finally {
    for (const n of nodes) await n.stop();
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
