import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TokenBuckets } from '../../src/http/rate-limit.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventCount } from './support/wait.js';

const A = '1673061002001';
const B = '1673061002002';
const incident = { category: 'other', severity: 'low', description: 'Uji batas laju' };

describe('rate limits (429 with Retry-After)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(
      {
        RATE_LIMIT_WRITES_PER_MIN: '5',
        RATE_LIMIT_WRITES_PER_IP_PER_MIN: '8',
        RATE_LIMIT_LOGIN_PER_MIN: '3',
        RATE_LIMIT_LOGIN_PER_IP_PER_MIN: '6',
      },
      'ratelimit',
    );
  });
  afterAll(() => t?.close());

  it('limits writes per officer, then per IP, refusing before anything is appended', async () => {
    const [a, b] = [await t.login(A, '123456'), await t.login(B, '123456')];
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
    // Two sign-ins above were from this address, 4 left: three for one NIP (its fourth refused, not counted), one more.
    const same = [];
    for (let i = 0; i < 4; i++) same.push((await login('1673061002003')).status);
    expect(same).toEqual([200, 200, 200, 429]);
    const other = await login('1673061002004');
    expect(other.status).toBe(200);
    const overIp = await login('1673061002005');
    expect([overIp.status, overIp.body.code, overIp.headers.get('retry-after') !== null]).toEqual([429, 'RATE.LIMITED', true]);
  });
});

describe('token buckets', () => {
  it('refill at the steady rate, say when the next token comes, and switch off at 0', () => {
    let now = 0;
    const b = new TokenBuckets(60, 100_000, () => now);
    for (let i = 0; i < 60; i++) expect(b.take('k')).toBe(0);
    expect(b.take('k')).toBe(1);
    now += 1000;
    expect(b.take('k')).toBe(0);
    expect(new TokenBuckets(0).take('k')).toBe(0);
  });

  it('stays bounded under a flood of distinct keys', () => {
    const b = new TokenBuckets(10, 1000);
    for (let i = 0; i < 10_000; i++) b.take(`ip-${i}`);
    expect(b.size).toBeLessThanOrEqual(1000);
  });
});
