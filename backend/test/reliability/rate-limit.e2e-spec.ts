import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/app.js';
import { redisAnswers, TEST_REDIS_URL } from '../support/redis.js';
import { eventCount } from './support/wait.js';

const A = '1673061002001';
const B = '1673061002002';
const incident = { category: 'other', severity: 'low', description: 'Uji batas laju' };

describe('rate limits (429 with Retry-After)', () => {
  let t: TestApp;
  const tokens: string[] = [];
  beforeAll(async () => {
    t = await startTestApp(
      {
        RATE_LIMIT_WRITES_PER_MIN: '5',
        RATE_LIMIT_WRITES_PER_IP_PER_MIN: '8',
        RATE_LIMIT_LOGIN_PER_MIN: '3',
        RATE_LIMIT_LOGIN_PER_IP_PER_MIN: '9',
        RATE_LIMIT_READS_PER_MIN: '4',
        RATE_LIMIT_READS_PER_IP_PER_MIN: '6',
        // A minute's window, so the counts below do not depend on how fast this machine is.
        RATE_LIMIT_READS_WINDOW_SECONDS: '60',
      },
      'ratelimit',
    );
    // Four sign-ins from this address: two writers, two readers.
    for (const nip of [A, B, '1673061002007', '1673061002008']) tokens.push(await t.login(nip, '123456'));
  });
  afterAll(() => t?.close());

  it('limits writes per officer, then per IP, refusing before anything is appended', async () => {
    const [a, b] = tokens;
    const post = (tps: string, token: string) => t.call('POST', `/api/tps/${tps}/incidents`, { token, body: incident });
    const fromA = [];
    for (let i = 0; i < 6; i++) fromA.push(await post(A, a));
    expect(fromA.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 429]);
    const limited = fromA[5];
    expect(limited.body.code).toBe('RATE.LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // B has its own allowance, but the address has 8 writes a minute: 5 of A's + 3 of B's.
    const before = await eventCount(t.db.url);
    const fromB = [];
    for (let i = 0; i < 4; i++) fromB.push(await post(B, b));
    expect(fromB.map((r) => r.status)).toEqual([201, 201, 201, 429]);
    expect(await eventCount(t.db.url)).toBe(before + 3);
  });

  it('limits sign-in per NIP and per IP, before the PIN is checked', async () => {
    const login = (nip: string, pin = '123456') => t.call('POST', '/api/auth/login', { body: { nip, pin } });
    // Four sign-ins above were from this address, 5 left: three for one NIP (its fourth refused, not counted; the NIP
    // is counted trimmed, as the lockout trims it), one more.
    const same = [];
    for (const nip of ['1673061002003', ' 1673061002003', '1673061002003 ', '\t1673061002003']) same.push((await login(nip)).status);
    expect(same).toEqual([200, 200, 200, 429]);
    expect((await login('1673061002004')).status).toBe(200);
    expect((await login('1673061002006')).status).toBe(200);
    const overIp = await login('1673061002005');
    expect([overIp.status, overIp.body.code, overIp.headers.get('retry-after') !== null]).toEqual([429, 'RATE.LIMITED', true]);
  });

  it('limits reads per user, then per address, with the same answer', async () => {
    const [, , a, b] = tokens;
    const read = (token: string) => t.call('GET', '/api/tps/1673061002007', { token });
    const fromA = [];
    for (let i = 0; i < 5; i++) fromA.push(await read(a));
    expect(fromA.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
    expect([fromA[4].body.code, Number(fromA[4].headers.get('retry-after')) >= 1]).toEqual(['RATE.LIMITED', true]);
    // The address has 6 reads a minute: 4 of A's and 2 of B's.
    const fromB = [];
    for (let i = 0; i < 3; i++) fromB.push((await read(b)).status);
    expect(fromB).toEqual([200, 200, 429]);
  });
});

describe('rate limits shared by two nodes on one Redis', () => {
  let up = false;
  const nodes: TestApp[] = [];
  beforeAll(async () => {
    up = await redisAnswers();
    if (!up) return;
    // Its own key prefix: other runs may share this Redis server.
    const env = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_CHANNEL_PREFIX: `sp-rl-${randomBytes(4).toString('hex')}`,
      RATE_LIMIT_LOGIN_PER_MIN: '4',
    };
    nodes.push(await startTestApp(env, 'rlshared-a'), await startTestApp(env, 'rlshared-b'));
  });
  afterAll(() => Promise.all(nodes.map((n) => n.close())));

  it('counts sign-ins for one NIP on both nodes against one limit', async () => {
    if (!up) {
      console.log(`shared rate-limit test skipped: no Redis answers at ${TEST_REDIS_URL} (set TEST_REDIS_URL or start redis-server)`);
      expect(up).toBe(false);
      return;
    }
    const [a, b] = nodes;
    const login = (n: TestApp) => n.call('POST', '/api/auth/login', { body: { nip: '1673061002009', pin: '123456' } });
    const statuses = [];
    for (const n of [a, b, a, b, a, b]) statuses.push((await login(n)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });
});
