/**
 * The election-morning lockout attack (issue 13, "Done when"): many wrong sign-ins from one address spread over every
 * officer NIP, then every officer signs in with the right PIN from another address. Prints what each side got.
 * Run by lockout-attack.e2e-spec.ts (`npm run reliability:lockout -w backend`) against a server it boots; the function
 * takes any base URL with the demo officers seeded.
 */
import { AddressedClient, type AddressedAnswer } from './support/from-address.js';

export interface LockoutAttackOptions {
  url: string;
  nips: string[];
  rightPin: string;
  attempts: number;
  attackerAddress?: string;
  officerAddress?: string;
  concurrency?: number;
  log?: (line: string) => void;
}

export interface LockoutAttackFigures {
  attack: { attempts: number; seconds: number; answers: Record<string, number> };
  officers: {
    total: number;
    signedIn: number;
    seconds: number;
    answers: Record<string, number>;
    p50Ms: number;
    p95Ms: number;
    maxMs: number;
  };
  refused: { nip: string; status: number; code: unknown; retryAfter?: string }[];
}

/** "401 AUTH.INVALID_CREDENTIALS", "429 AUTH.LOCKED (spray)", "429 RATE.LIMITED", ... */
const label = (a: AddressedAnswer) =>
  `${a.status} ${typeof a.body.code === 'string' ? a.body.code : 'OK'}${typeof a.body.reason === 'string' ? ` (${a.body.reason})` : ''}`;

async function pool<T>(items: T[], concurrency: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i], i);
      }
    }),
  );
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export async function runLockoutAttack(o: LockoutAttackOptions): Promise<LockoutAttackFigures> {
  const log = o.log ?? ((l: string) => console.log(l));
  const concurrency = o.concurrency ?? 16;
  const attacker = new AddressedClient(o.url, o.attackerAddress ?? '127.0.0.1', concurrency);
  const officer = new AddressedClient(o.url, o.officerAddress ?? '127.0.0.2', concurrency);
  try {
    // 1. The attack: attempt i goes to NIP i mod n with a wrong PIN, so every NIP gets its share early.
    const attackAnswers: Record<string, number> = {};
    const wrongPin = (i: number) => {
      const p = String((i * 7919) % 1_000_000).padStart(6, '0');
      return p === o.rightPin ? '000001' : p;
    };
    const t0 = Date.now();
    await pool(
      Array.from({ length: o.attempts }, (_, i) => i),
      concurrency,
      async (i) => {
        const a = await attacker.signIn(o.nips[i % o.nips.length], wrongPin(i));
        attackAnswers[label(a)] = (attackAnswers[label(a)] ?? 0) + 1;
      },
    );
    const attackSeconds = (Date.now() - t0) / 1000;
    log(`attack: ${o.attempts} wrong sign-ins over ${o.nips.length} NIPs from ${attacker.localAddress} in ${attackSeconds.toFixed(1)} s`);
    for (const [k, n] of Object.entries(attackAnswers).sort()) log(`  ${k}: ${n}`);

    // 2. Every officer, right PIN, from another address.
    const officerAnswers: Record<string, number> = {};
    const latencies: number[] = [];
    const refused: LockoutAttackFigures['refused'] = [];
    const t1 = Date.now();
    await pool(o.nips, concurrency, async (nip) => {
      const started = Date.now();
      const a = await officer.signIn(nip, o.rightPin);
      latencies.push(Date.now() - started);
      officerAnswers[label(a)] = (officerAnswers[label(a)] ?? 0) + 1;
      if (a.status !== 200) refused.push({ nip, status: a.status, code: a.body.code, retryAfter: a.retryAfter });
    });
    const officerSeconds = (Date.now() - t1) / 1000;
    latencies.sort((a, b) => a - b);
    const figures: LockoutAttackFigures = {
      attack: { attempts: o.attempts, seconds: attackSeconds, answers: attackAnswers },
      officers: {
        total: o.nips.length,
        signedIn: officerAnswers['200 OK'] ?? 0,
        seconds: officerSeconds,
        answers: officerAnswers,
        p50Ms: pct(latencies, 50),
        p95Ms: pct(latencies, 95),
        maxMs: latencies[latencies.length - 1] ?? 0,
      },
      refused,
    };
    log(
      `officers: ${figures.officers.signedIn}/${o.nips.length} signed in from ${officer.localAddress} in ${officerSeconds.toFixed(1)} s ` +
        `(per sign-in p50 ${figures.officers.p50Ms} ms, p95 ${figures.officers.p95Ms} ms, max ${figures.officers.maxMs} ms)`,
    );
    for (const [k, n] of Object.entries(officerAnswers).sort()) log(`  ${k}: ${n}`);
    for (const r of refused.slice(0, 10))
      log(`  refused ${r.nip}: ${r.status} ${JSON.stringify(r.code)} retry-after ${r.retryAfter ?? '-'}`);
    return figures;
  } finally {
    attacker.close();
    officer.close();
  }
}
