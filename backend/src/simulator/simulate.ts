/**
 * `npm run simulate -- [--url http://localhost:3000] [--speed 60] [--tps 20 | --tps id,kelurahan,...] [--seed 1]
 *  [--shares 0.25,0.58,0.17] [--concurrency 32] [--date 2024-02-14]`
 * Plays an election day of Kota Lubuklinggau against a running server (demo credentials must be seeded), prints a
 * progress line every few seconds and a summary at the end; exits 1 when an answer was not the expected one or the
 * server's city totals differ from the scenario's.
 */
import { parseArgs } from 'node:util';
import { loadReferenceData } from '../reference/reference-data.js';
import { runScenario } from './driver.js';
import { generateScenario } from './scenario.js';

const USAGE =
  'usage: npm run simulate -- [--url URL] [--speed N] [--tps N|ids] [--seed N] [--shares a,b,c] [--concurrency N] [--date YYYY-MM-DD]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://localhost:3000' },
      speed: { type: 'string', default: '60' },
      tps: { type: 'string' },
      seed: { type: 'string', default: '1' },
      shares: { type: 'string', default: '0.25,0.58,0.17' },
      concurrency: { type: 'string', default: '32' },
      date: { type: 'string', default: '2024-02-14' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const num = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number (got ${v})\n${USAGE}`);
    return n;
  };
  const shares = values.shares.split(',').map((s) => num('shares', s));
  const tps =
    values.tps === undefined ? undefined : /^\d{1,4}$/.test(values.tps) ? Number(values.tps) : values.tps.split(',').map((s) => s.trim());
  const scenario = generateScenario(loadReferenceData(), { seed: num('seed', values.seed), shares, tps });
  const actions = scenario.plans.reduce((n, p) => n + p.actions.length, 0);
  const speed = num('speed', values.speed);
  console.log(
    `simulating ${scenario.plans.length} TPS, ${actions} actions, seed ${scenario.seed}, speed ${speed || 'unlimited'} against ${values.url}`,
  );

  const r = await runScenario(scenario, { url: values.url, speed, concurrency: num('concurrency', values.concurrency), date: values.date });
  console.log(`\nfinished in ${(r.wallMs / 1000).toFixed(1)} s: ${r.log.sent} requests\n${r.log.table()}`);
  for (const u of r.log.unexpected) console.log(`unexpected: ${u.action} ${u.tpsId}: expected ${u.expected}, got ${u.got}`);
  const e = r.expected;
  console.log(
    `expected: ${e.tpsReported} TPS reported, ${e.tpsCheckedIn} checked in, ${e.openIncidents} incidents open, votes ${JSON.stringify(e.votes)}, invalid ${e.invalidVotes}`,
  );
  if (r.mismatches === null) console.log(`server totals not compared: ${r.notCompared}`);
  else if (r.mismatches.length === 0) console.log('server summary matches the scenario exactly');
  else console.log(`server summary differs:\n  ${r.mismatches.join('\n  ')}`);
  return r.log.unexpectedCount > 0 || (r.mismatches?.length ?? 0) > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  },
);
