/**
 * A projection leader that freezes (SIGSTOP: the process stops, its kernel still answers TCP, so keepalives never
 * notice) must not keep the lease: the server ends its idle lease session (idle_session_timeout) and the other node
 * takes over within the bound docs/scaling.md gives, then projects what is written meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { goodTally } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';
import { LEASE_IDLE_TIMEOUT_MS, LEASE_INTERVAL_MS } from '../../src/projections/leader-lease.js';
import { buildBackend } from './support/build-backend.js';
import { ChildBackend } from './support/child-backend.js';

/** docs/scaling.md: idle_session_timeout, then one follower interval, then the follower's connect and lock round trips. */
const FAILOVER_BOUND_MS = LEASE_IDLE_TIMEOUT_MS + LEASE_INTERVAL_MS + 3000;

async function until<T>(fn: () => Promise<T | false | undefined>, what: string, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const leads = async (n: ChildBackend) => (await n.call('GET', '/api/health')).body?.projectionLeader === true;

describe('projection leader frozen with SIGSTOP', () => {
  let db: TestDatabase;
  let build: Awaited<ReturnType<typeof buildBackend>>;
  let nodes: ChildBackend[] = [];
  let frozen: ChildBackend | undefined;

  beforeAll(async () => {
    build = await buildBackend();
    db = await createTestDatabase('freeze');
    const env = { DATABASE_URL: db.url, JWT_SECRET: randomBytes(32).toString('hex'), SEED_DEMO: 'true', DB_POOL_SIZE: '6' };
    // One after the other: the first to boot runs the migrations and the seed alone.
    nodes = [await ChildBackend.start(build.main, env)];
    nodes.push(await ChildBackend.start(build.main, env));
  }, 120_000);

  afterAll(async () => {
    if (frozen) process.kill(frozen.pid, 'SIGCONT');
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await db?.drop();
    build?.remove();
  });

  it(`the other node takes the lease within ${FAILOVER_BOUND_MS} ms and projects new writes`, async () => {
    const leader = await until(
      async () => {
        const [a, b] = await Promise.all(nodes.map(leads));
        return a !== b ? nodes[a ? 0 : 1] : undefined;
      },
      'exactly one leader',
      30_000,
    );
    const follower = nodes.find((n) => n !== leader)!;
    frozen = leader;
    process.kill(leader.pid, 'SIGSTOP');
    const stoppedAt = Date.now();

    await until(() => leads(follower), 'the follower to take the lease', FAILOVER_BOUND_MS);
    console.log(`failover after SIGSTOP of the leader: ${Date.now() - stoppedAt} ms (bound ${FAILOVER_BOUND_MS} ms)`);

    // Leading means projecting: a tally written now shows in the follower's summary.
    const token = await follower.login('1673061002001', '123456');
    const w = await follower.call('POST', '/api/tps/1673061002001/tally', { token, body: goodTally() });
    expect(w.status).toBe(201);
    const display = await follower.login('display', 'display123');
    const summary = await until(
      async () => {
        const r = await follower.call('GET', `/api/summary?minPosition=${w.body.position as string}`, { token: display });
        return r.status === 200 ? r.body : undefined;
      },
      'the new leader to project the tally',
      30_000,
    );
    expect(summary).toMatchObject({ tpsReported: 1 });
  }, 120_000);
});
