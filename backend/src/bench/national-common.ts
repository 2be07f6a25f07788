/** What the national benches share (bench:national, bench:bounded): the synthetic reference, timed reads, the wait for the projections. */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { parseReferenceCsv, type ReferenceData } from '../reference/reference-data.js';
import { nationShapeFor, syntheticNationCsv } from '../reference/synthetic-nation.js';
import { sleep } from './stats.js';

/** The synthetic national reference of `tps` TPS (reference/synthetic-nation.ts) written to `dir`/nation.csv, or `file` as it is. */
export async function nationReference(dir: string, tps: number, file?: string): Promise<{ file: string; ref: ReferenceData }> {
  if (!file) {
    file = join(dir, 'nation.csv');
    const out = createWriteStream(file);
    for (const line of syntheticNationCsv(nationShapeFor(tps))) if (!out.write(line + '\n')) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
  }
  return { file, ref: parseReferenceCsv(readFileSync(file, 'utf8')) };
}

/** One GET with a bearer token, timed to the last byte of the body. */
export async function timedGet(base: string, path: string, token: string) {
  const t0 = performance.now();
  const r = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
  const body = Buffer.from(await r.arrayBuffer());
  return { ms: performance.now() - t0, status: r.status, bytes: body.byteLength, body };
}

/**
 * Waits until every projection has applied `total` events, reading their checkpoints every 5 s (not /api/health,
 * whose lag and visibility counts over the log would add their own load to what is measured).
 */
export async function projectionsCaughtUp(url: string, total: number, projections: number, log: (m: string) => void): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    for (let i = 0; ; i++) {
      const { rows } = await db.query<{ n: number; least: number }>(
        `SELECT count(*)::int AS n, coalesce(min(events_applied), 0)::int AS least FROM proj_checkpoint WHERE name NOT LIKE '%@%'`,
      );
      if (rows[0].n >= projections && rows[0].least >= total) return;
      if (i % 12 === 0) log(`catching up: the slowest projection has applied ${rows[0].least} of ${total} events`);
      await sleep(5000);
    }
  } finally {
    await db.end();
  }
}

/** `n` items spread evenly over `xs`, so warm samples read different rows. */
export const spread = <T>(xs: readonly T[], n = 10): T[] =>
  Array.from({ length: Math.min(n, xs.length) }, (_, i) => xs[Math.floor((i * xs.length) / n)]);

/** Ten areas of every level, spread over the reference. */
export function spreadAreas(ref: ReferenceData) {
  return {
    prov: spread(ref.provinsi).map((p) => p.code),
    kab: spread(ref.kabupaten).map((k) => k.code),
    kec: spread(ref.kecamatan).map((k) => k.code),
    kel: spread(ref.kelurahan).map((k) => k.code),
  };
}

/** The backend's environment on a bench's scratch database and reference, with a fresh signing secret. */
export function benchServerEnv(url: string, referenceFile: string): { jwtSecret: string; env: Record<string, string> } {
  const jwtSecret = randomBytes(32).toString('hex');
  return {
    jwtSecret,
    env: {
      DATABASE_URL: url,
      REFERENCE_FILE: referenceFile,
      JWT_SECRET: jwtSecret,
      SEED_DEMO: 'false',
      // The routes are measured, not the per-token read limit (the bench reads far faster than any screen).
      RATE_LIMIT_READS_PER_MIN: '0',
      RATE_LIMIT_READS_PER_IP_PER_MIN: '0',
    },
  };
}
