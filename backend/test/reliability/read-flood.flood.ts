/**
 * Read flood (issue 13): one officer token sends 400 parallel GET /api/tps in waves (from its own process) while the wall's display token
 * reads /api/summary; prints p50/p95 of /api/summary idle and under the flood, and how the flood was answered.
 * The server runs in a child process with the default limits. Figures only, no timed assertion. With FLOOD_VIA=nginx
 * both clients go through a real nginx running the shipped limits of infra/nginx/ (as production does). Run (from backend/):
 *   DATABASE_URL=... npm run reliability:read-flood
 *   DATABASE_URL=... FLOOD_VIA=nginx npm run reliability:read-flood
 * or
 *   DATABASE_URL=... NODE_OPTIONS=--experimental-vm-modules npx jest --testMatch '**\/read-flood.flood.ts' --testTimeout 300000
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { callApi } from '../support/http.js';
import { nginxMissing, startNginx, type RunningNginx } from '../support/nginx.js';
import { buildBackend } from './support/build-backend.js';
import { ChildBackend } from './support/child-backend.js';

/** The server's own view: its /api/summary duration buckets (cumulative) and the event-loop lag p99, from /api/metrics. */
async function serverView(url: string) {
  const text = await (await fetch(`${url}/api/metrics`)).text();
  const buckets = new Map<string, number>();
  for (const m of text.matchAll(/^sipantaumilu_http_request_duration_seconds_bucket\{([^}]*)\} (\S+)$/gm)) {
    if (!m[1].includes('route="/api/summary"')) continue;
    const le = /le="([^"]+)"/.exec(m[1])?.[1] ?? '';
    buckets.set(le, (buckets.get(le) ?? 0) + Number(m[2]));
  }
  const lag = Number(/^nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(text)?.[1] ?? NaN);
  const refusals = [...text.matchAll(/^sipantaumilu_http_read_refusals_total\{[^}]*\} (\S+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);
  return { buckets, lag, refusals };
}
/** The bucket bound under which 95 % of the /api/summary answers between two snapshots fell (server side). */
function serverP95(before: Map<string, number>, after: Map<string, number>): string {
  const les = [...after.keys()].sort((a, b) => (a === '+Inf' ? 1 : b === '+Inf' ? -1 : Number(a) - Number(b)));
  const total = (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0);
  const le = les.find((l) => (after.get(l) ?? 0) - (before.get(l) ?? 0) >= 0.95 * total);
  return le === undefined || total === 0 ? 'n/a' : `<= ${le === '+Inf' ? '+Inf' : `${Number(le) * 1000} ms`} (${total} answers)`;
}

/** The flooding client: waves of 400 parallel GETs with one token until stdin closes; prints the answers by status. */
const FLOODER = `
const counts = {};
let flooding = true;
process.stdin.on('end', () => (flooding = false));
process.stdin.resume();
const get = () => fetch(process.env.FLOOD_URL, { headers: { authorization: 'Bearer ' + process.env.FLOOD_TOKEN } })
  .then(async (r) => { await r.arrayBuffer(); return r.status; }, () => 0);
while (flooding) {
  for (const s of await Promise.all(Array.from({ length: 400 }, get))) counts[s] = (counts[s] ?? 0) + 1;
}
process.stdout.write(JSON.stringify(counts));
`;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

// The server runs in its own process with the default limits, so the flooding client does not share its event loop.
let t: ChildBackend;
let db: TestDatabase;
let build: Awaited<ReturnType<typeof buildBackend>>;
let nginx: RunningNginx | null = null;
const VIA_NGINX = process.env.FLOOD_VIA === 'nginx';
/** Where the clients send: the backend itself, or the nginx in front of it. */
let front = '';
beforeAll(async () => {
  if (VIA_NGINX && nginxMissing()) throw new Error(`FLOOD_VIA=nginx: ${nginxMissing()}`);
  build = await buildBackend();
  db = await createTestDatabase('readflood');
  t = await ChildBackend.start(build.main, { DATABASE_URL: db.url, JWT_SECRET: randomBytes(32).toString('hex'), SEED_DEMO: 'true' });
  nginx = VIA_NGINX ? await startNginx(t.url) : null;
  front = nginx?.url ?? t.url;
}, 180_000);
afterAll(async () => {
  await nginx?.stop();
  await t?.stop('SIGKILL');
  await db?.drop();
  build?.remove();
});

it('prints /api/summary latency idle and under a read flood from one token', async () => {
  const officer = await t.login('1673061002001', '123456');
  const display = await t.login('display', 'display123');
  const summaries = async (n: number) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      const r = await callApi(front, 'GET', '/api/summary', { token: display });
      ms.push(performance.now() - s);
      expect(r.status).toBe(200);
      // Paced like a busy wall (well under its own 100 reads per 10 s), so the display token is never the one limited.
      await new Promise((res) => setTimeout(res, 150));
    }
    return ms;
  };
  await summaries(10); // warm-up
  const idle = await summaries(60);
  const afterIdle = await serverView(t.url);
  // The attacker is its own process (as it would be its own phone or machine): its event loop, busy sending and
  // reading refusals, never delays the wall's measured requests in this one. It floods until its stdin closes.
  const flooder = spawn(process.execPath, ['--input-type=module', '-e', FLOODER], {
    env: { ...process.env, NODE_OPTIONS: '', FLOOD_URL: `${front}/api/tps`, FLOOD_TOKEN: officer },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  flooder.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const done = new Promise((r) => flooder.once('exit', r));
  await new Promise((r) => setTimeout(r, 500));
  const loaded = await summaries(60);
  const afterFlood = await serverView(t.url);
  flooder.stdin.end();
  await done;
  const statuses = new Map<number, number>(
    Object.entries(JSON.parse(out || '{}') as Record<string, number>).map(([k, v]) => [Number(k), v]),
  );
  const f = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms`;
  console.log(
    [
      `clients -> ${VIA_NGINX ? 'nginx (infra/nginx limits) -> backend' : 'backend directly'}`,
      `load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
      `/api/summary idle:        ${f(idle)}`,
      `/api/summary under flood: ${f(loaded)}  (p95 ratio ${(pct(loaded, 95) / pct(idle, 95)).toFixed(2)}x, target < 3x)`,
      `server side, /api/summary p95 under flood: ${serverP95(afterIdle.buckets, afterFlood.buckets)}; event-loop lag p99 ${(afterFlood.lag * 1000).toFixed(1)} ms; refused before Nest: ${afterFlood.refusals - afterIdle.refusals}`,
      `flood answers: ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(', ')}`,
    ].join('\n'),
  );
  expect(statuses.get(429) ?? 0).toBeGreaterThan(0);
});
