import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, LiveMessage, type Positioned, type TpsView } from '../src/live/live.contract.js';
import { goodTally } from './support/app.js';
import { redisAnswers, TEST_REDIS_URL } from './support/redis.js';
import { createTestDatabase, type TestDatabase } from './support/test-db.js';
import { buildBackend } from './reliability/support/build-backend.js';
import { ChildBackend } from './reliability/support/child-backend.js';

const REDIS_URL = TEST_REDIS_URL;

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const leads = async (n: ChildBackend) => n.running && (await n.call('GET', '/api/health')).body?.projectionLeader === true;

describe('scale-out: two backend nodes, one PostgreSQL, one Redis', () => {
  let redisUp = false;
  let db: TestDatabase;
  let build: Awaited<ReturnType<typeof buildBackend>>;
  let nodes: ChildBackend[] = [];
  let socket: Socket | undefined;

  beforeAll(async () => {
    redisUp = await redisAnswers();
    if (!redisUp) return;
    build = await buildBackend();
    db = await createTestDatabase('scaleout');
    const env = {
      DATABASE_URL: db.url,
      JWT_SECRET: randomBytes(32).toString('hex'),
      SEED_DEMO: 'true',
      DB_POOL_SIZE: '6',
      REDIS_URL,
      // Its own channels: other runs may share this Redis server.
      REDIS_CHANNEL_PREFIX: `sp-test-${randomBytes(4).toString('hex')}`,
    };
    nodes = await Promise.all([ChildBackend.start(build.main, env), ChildBackend.start(build.main, env)]);
  }, 120_000);

  afterAll(async () => {
    socket?.close();
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    if (redisUp) {
      await db.drop();
      build.remove();
    }
  });

  it('exactly one node projects; a tally sent to one node reaches a socket on the other; the survivor takes over', async () => {
    if (!redisUp) {
      console.log(`scale-out test skipped: no Redis answers at ${REDIS_URL} (set TEST_REDIS_URL or start redis-server)`);
      expect(redisUp).toBe(false);
      return;
    }
    // 1. One leader among the two.
    const leader = await until(async () => {
      const l = await Promise.all(nodes.map(leads));
      return l.filter(Boolean).length === 1 ? nodes[l.indexOf(true)] : undefined;
    }, 'exactly one projection leader');
    const follower = nodes.find((n) => n !== leader)!;

    // 2. A wall socket on the follower; the tally is sent to the leader, projected there, fanned out through Redis.
    const display = await follower.login('display', 'display123');
    const seen: Positioned<TpsView>[] = [];
    socket = io(follower.url + LIVE_NAMESPACE, { auth: { token: display }, transports: ['websocket'], reconnection: true });
    socket.on(LiveMessage.TpsUpdated, (m: Positioned<TpsView>) => seen.push(m));
    await until(() => socket!.connected || undefined, 'socket connected to the follower');
    const tpsA = '1673061002001';
    const officerA = await leader.login(tpsA, '123456');
    const a = await leader.call('POST', `/api/tps/${tpsA}/tally`, { token: officerA, body: goodTally() });
    expect(a.status).toBe(201);
    const pushed = await until(() => seen.find((m) => m.data.id === tpsA && m.data.tallies.length > 0), 'tps:updated on the follower');
    expect(pushed.data.tallies[0]).toMatchObject({ votes: { '01': 60, '02': 80, '03': 35 } });

    // 3. The leader dies; the follower takes the lease from the committed checkpoints; writes go on.
    await leader.stop('SIGKILL');
    await until(async () => (await leads(follower)) || undefined, 'the follower to take over the projections', 20_000);
    const tpsB = '1673061002002';
    const officerB = await follower.login(tpsB, '123456');
    const b = await follower.call('POST', `/api/tps/${tpsB}/tally`, { token: officerB, body: goodTally({ invalid: 5 }) });
    expect(b.status).toBe(201);
    const summary = await follower.call('GET', `/api/summary?minPosition=${encodeURIComponent(b.body.position)}`, { token: display });
    expect(summary.status).toBe(200);
    expect(summary.body.tpsReported).toBe(2);
    await until(() => seen.find((m) => m.data.id === tpsB), 'tps:updated from the new leader');

    // 4. Read models equal a rebuild from zero.
    const before = await follower.call('GET', '/api/kelurahan', { token: display });
    const admin = await follower.login('admin', 'admin123');
    expect((await follower.call('POST', '/api/admin/projections/rebuild', { token: admin, body: {} })).status).toBe(200);
    const after = await follower.call('GET', '/api/kelurahan', { token: display });
    expect(after.body).toEqual(before.body);
  }, 180_000);
});
