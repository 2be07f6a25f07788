/**
 * Figures 3, 4 and 5: tallies through the real HTTP API of a backend child process with projections and the live
 * gateway running; submit-to-screen on a socket.io client at a fixed offered rate and at saturation; projection lag.
 * Every TPS sends one valid first tally (the generator's forms), with its officer's token and an Idempotency-Key.
 */
import { randomBytes } from 'node:crypto';
import type { RuntimeConfig } from '../config/config.module.js';
import { TokenService } from '../auth/token.service.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { createRng } from '../simulator/prng.js';
import { generateForm } from '../simulator/tally-form.generator.js';
import { LagSampler, Poster, ScreenWatcher } from './load-client.js';
import { latency, sleep, type Latency } from './stats.js';
import { perTally, type CostSample } from './tally-cost.js';

/** Requests the open-loop phase lets wait for an answer at once (the rate times a 0.5 s answer). */
const MAX_BACKLOG = 250;

export interface HttpBenchOptions {
  fixedRate: number;
  fixedMs: number;
  saturationMs: number;
  concurrency: number;
  /** Officers who sign in over HTTP with the demo PIN; the rest get tokens minted with the server's secret. */
  signIns: number;
}

export interface PhaseResult {
  tallies: number;
  ms: number;
  perSec: number;
  httpMs: Latency;
  submitToScreenMs: Latency;
  notOnScreen: number;
  answers: Record<string, number>;
  lagMs: { max: number; p99: number };
}

export async function runHttpBench(
  url: string,
  dbUrl: string,
  ref: ReferenceData,
  jwtSecret: string,
  o: HttpBenchOptions,
  log: (m: string) => void,
  cost?: { sample(): Promise<CostSample> },
) {
  const poster = new Poster(url, o.concurrency + 8);
  const tps = [...ref.tpsById.values()];
  let next = 0;
  // 1. Tokens and bodies before the clock starts, so the generator spends its CPU on sending.
  const tokens = new TokenService({ jwtSecret, TOKEN_TTL_SECONDS: 43_200 } as RuntimeConfig);
  const signIn = async (nip: string, pin: string) =>
    JSON.parse((await poster.post('/api/auth/login', JSON.stringify({ nip, pin }), {})).body).accessToken as string;
  const tokenOf = new Map<string, string>();
  for (const t of tps.slice(0, o.signIns)) tokenOf.set(t.id, await signIn(t.id, '123456'));
  for (const t of tps) if (!tokenOf.has(t.id)) tokenOf.set(t.id, await tokens.sign({ sub: t.id, role: 'officer', tpsId: t.id }));
  const rng = createRng(11);
  const bodies = tps.map((t) => JSON.stringify(generateForm(rng, { special: t.special })));
  log(`${o.signIns} officers signed in over HTTP, ${tps.length - o.signIns} tokens minted; ${tps.length} bodies ready`);

  const watcher = new ScreenWatcher(url, await signIn('display', 'display123'));
  await watcher.connected();
  const lag = await LagSampler.open(dbUrl);

  const send = async (answers: Record<string, number>, httpMs: number[]) => {
    const i = next++;
    if (i >= tps.length) return false;
    const id = tps[i].id;
    const t0 = performance.now();
    watcher.sentAt.set(id, t0);
    const r = await poster.post(`/api/tps/${id}/tally`, bodies[i], {
      authorization: `Bearer ${tokenOf.get(id)}`,
      'idempotency-key': `bench-${id}-${randomBytes(2).toString('hex')}`,
    });
    httpMs.push(performance.now() - t0);
    const key = r.status === 201 ? '201' : `${r.status} ${(/"code":"([^"]+)"/.exec(r.body) ?? [])[1] ?? ''}`.trim();
    answers[key] = (answers[key] ?? 0) + 1;
    if (r.status !== 201) watcher.sentAt.delete(id);
    return true;
  };

  const phase = async (name: string, drive: (answers: Record<string, number>, httpMs: number[]) => Promise<void>): Promise<PhaseResult> => {
    const answers: Record<string, number> = {};
    const httpMs: number[] = [];
    watcher.take();
    lag.start();
    const t0 = performance.now();
    await drive(answers, httpMs);
    const ms = performance.now() - t0;
    // Give the last ones time to reach the screen; what never arrives is counted, not hidden.
    for (let waited = 0; watcher.sentAt.size > 0 && waited < 10_000; waited += 100) await sleep(100);
    const lagSamples = lag.stop().sort((a, b) => a - b);
    const tallies = answers['201'] ?? 0;
    const result = {
      tallies,
      ms: Math.round(ms),
      perSec: Math.round((tallies / ms) * 1000),
      httpMs: latency(httpMs),
      submitToScreenMs: latency(watcher.take()),
      notOnScreen: watcher.sentAt.size,
      answers,
      lagMs: { max: Math.round(lagSamples.at(-1) ?? 0), p99: Math.round(lagSamples[Math.ceil(lagSamples.length * 0.99) - 1] ?? 0) },
    };
    watcher.sentAt.clear();
    log(
      `${name}: ${result.tallies} tallies in ${result.ms} ms = ${result.perSec}/s; screen p99 ${result.submitToScreenMs.p99} ms; lag p99 ${result.lagMs.p99} ms`,
    );
    return result;
  };

  const closedLoop = (ms: number, concurrency: number) => async (answers: Record<string, number>, httpMs: number[]) => {
    const end = performance.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end && (await send(answers, httpMs)));
      }),
    );
  };

  try {
    // 2. Warm-up (JIT, pools, caches): not counted.
    await phase('warm-up', closedLoop(Math.min(3000, o.fixedMs / 2), 16));
    await sleep(1000);
    // 3. A fixed offered load: open loop, one send every 1/rate s, whatever the answers take.
    const fixed = await phase(`fixed ${o.fixedRate}/s`, async (answers, httpMs) => {
      const start = performance.now();
      const total = Math.round((o.fixedRate * o.fixedMs) / 1000);
      const inFlight = new Set<Promise<unknown>>();
      for (let i = 0; i < total; i++) {
        const due = start + (i * 1000) / o.fixedRate;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
        // A server that falls behind would otherwise pile up unbounded work: sends past the cap are counted, not made.
        if (inFlight.size >= MAX_BACKLOG) {
          answers['not sent (backlog)'] = (answers['not sent (backlog)'] ?? 0) + 1;
          continue;
        }
        const p = send(answers, httpMs).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await Promise.all(inFlight);
    });
    await sleep(1000);
    // 4. Saturation: as many as the server takes from `concurrency` officers sending back to back.
    const before = await cost?.sample();
    const saturation = await phase('saturation', closedLoop(o.saturationMs, o.concurrency));
    const after = await cost?.sample();
    const perTallyCost = before && after ? perTally(before, after, saturation.tallies) : null;
    if (perTallyCost) log(`saturation cost per tally: ${JSON.stringify(perTallyCost)}`);
    return { fixed, saturation: { ...saturation, perTally: perTallyCost }, tpsUsed: next };
  } finally {
    await lag.close();
    watcher.close();
    poster.close();
  }
}
