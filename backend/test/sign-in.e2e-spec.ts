/** Sign-in hardening (docs/security.md, "Sign-in"): who can lock whom out, and what a guess costs. */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { AuthService } from '../src/auth/auth.service.js';
import { SIGN_IN_POLICY } from '../src/auth/login-policy.js';
import { kdf } from '../src/auth/pin-hash.js';
import { AddressedClient } from './reliability/support/from-address.js';
import { withDb } from './reliability/support/wait.js';
import { startTestApp, type TestApp } from './support/app.js';

const PIN = '123456';

describe('sign-in: lockout that an attacker elsewhere cannot turn against the officer', () => {
  let t: TestApp;
  let attacker: AddressedClient;
  let officerPhone: AddressedClient;
  const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) =>
    withDb(t.db.url, async (c) => (await c.query(q, params)).rows as T[]);

  beforeAll(async () => {
    t = await startTestApp({}, 'signin');
    attacker = new AddressedClient(t.url, '127.0.0.1');
    officerPhone = new AddressedClient(t.url, '127.0.0.2');
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    attacker?.close();
    officerPhone?.close();
    await t?.close();
  });

  it('five wrong PINs from one address hold that address only: the officer, and operator, sign in from another', async () => {
    for (const [nip, right] of [
      ['1673011001001', PIN],
      ['operator', 'operator123'],
    ]) {
      const wrong = [];
      for (let i = 0; i < 7; i++) wrong.push(await attacker.signIn(nip, '000000'));
      expect(wrong.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
      expect(wrong[5].body).toMatchObject({ code: 'AUTH.LOCKED', reason: 'client' });
      expect(Number(wrong[5].retryAfter)).toBeGreaterThan(800);
      // The attacker's address stays held even with the right PIN...
      expect((await attacker.signIn(nip, right)).body.code).toBe('AUTH.LOCKED');
      // ...but the real user elsewhere is not.
      const real = await officerPhone.signIn(nip, right);
      expect({ nip, status: real.status }).toEqual({ nip, status: 200 });
    }
  });

  it('parallel guesses from one address are serialised: exactly five PINs get checked', async () => {
    const burst = await Promise.all(Array.from({ length: 12 }, () => attacker.signIn('1673011001002', '000000')));
    expect(burst.map((r) => r.status).sort()).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
  });

  it('a NIP guessed at from many clients slows each guessing client down, never a client that has not failed', async () => {
    const auth = t.app.get(AuthService);
    const nip = '1673011001003';
    for (let c = 1; c <= 7; c++) await expect(auth.login(nip, '000000', `10.0.0.${c}`)).rejects.toMatchObject({ status: 401 });
    // 7 failures on the NIP, 2 past the threshold: a client that failed waits 2^2 s after its own last failure.
    const again = auth.login(nip, '000000', '10.0.0.7');
    await expect(again).rejects.toMatchObject({ code: 'AUTH.LOCKED', details: { reason: 'nip' } });
    const retry = ((await again.catch((e: { details: { retryAfterSeconds: number } }) => e)) as { details: { retryAfterSeconds: number } })
      .details.retryAfterSeconds;
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(4);
    await expect(auth.login(nip, PIN, '10.0.0.99')).resolves.toMatchObject({ role: 'officer', tpsId: nip });
  });

  it('slow guessing from many clients ends in a hold that only the posko lifts; the operator route lifts it', async () => {
    const auth = t.app.get(AuthService);
    const nip = '1673011001004';
    // Nine clients that each failed five times an hour ago (outside the short window, inside the long one)...
    await sql(
      `INSERT INTO login_failures (nip, client, failed_at)
       SELECT $1, '10.1.0.' || c, now() - interval '1 hour' FROM generate_series(1, 9) c, generate_series(1, 5) i`,
      [nip],
    );
    // ...one more client that fails five times now reaches 50: one client's extra failures do not count past 5.
    await sql(
      `INSERT INTO login_failures (nip, client, failed_at) SELECT $1, '10.1.0.1', now() - interval '2 hours' FROM generate_series(1, 20)`,
      [nip],
    );
    for (let i = 0; i < 4; i++) await expect(auth.login(nip, '000000', '10.1.0.10')).rejects.toMatchObject({ status: 401 });
    expect(await sql(`SELECT nip FROM login_locks`)).toEqual([]);
    await expect(auth.login(nip, '000000', '10.1.0.10')).rejects.toMatchObject({ status: 401 });
    const held = await officerPhone.signIn(nip, PIN);
    expect([held.status, held.body.code]).toEqual([423, 'AUTH.POSKO_LOCKED']);
    // The first test held operator at 127.0.0.1 (t.call's address); the posko signs in from its own.
    const operator = (await officerPhone.signIn('operator', 'operator123')).body.accessToken as string;
    const list = await t.call('GET', '/api/auth/locks', { token: operator });
    expect(list.body.held).toEqual([expect.objectContaining({ nip, failures: SIGN_IN_POLICY.longLockAt, clients: 10 })]);
    const officer = await t.login('1673011001005', PIN);
    expect((await t.call('POST', '/api/auth/unlock', { token: officer, body: { nip } })).status).toBe(403);
    const unlock = await t.call('POST', '/api/auth/unlock', { token: operator, body: { nip } });
    expect([unlock.status, unlock.body]).toEqual([200, { nip, wasHeld: true, failuresForgotten: 70 }]);
    expect((await officerPhone.signIn(nip, PIN)).status).toBe(200);
  });

  it('a client that failed on many NIPs gets one attempt a minute, on any NIP; other clients are untouched', async () => {
    const auth = t.app.get(AuthService);
    const sprayer = '10.2.0.1';
    await sql(
      `INSERT INTO login_failures (nip, client, failed_at) SELECT 'sprayed-' || n, $1, now() - interval '30 minutes' FROM generate_series(1, $2::int) n`,
      [sprayer, SIGN_IN_POLICY.sprayNips - 1],
    );
    await expect(auth.login('1673011001006', '000000', sprayer)).rejects.toMatchObject({ status: 401 });
    await expect(auth.login('1673011001007', PIN, sprayer)).rejects.toMatchObject({ code: 'AUTH.LOCKED', details: { reason: 'spray' } });
    await expect(auth.login('1673011001007', PIN, '10.2.0.2')).resolves.toMatchObject({ role: 'officer' });
  });

  it('an unknown NIP costs one scrypt, as a known NIP with a wrong PIN does', async () => {
    const spy = jest.spyOn(kdf, 'scrypt');
    const unknown = await attacker.signIn('9999999999999', '000000');
    const unknownCalls = spy.mock.calls.length;
    const known = await attacker.signIn('1673011002001', '000000');
    expect([unknown.status, known.status]).toEqual([401, 401]);
    expect({ unknownCalls, knownCalls: spy.mock.calls.length - unknownCalls }).toEqual({ unknownCalls: 1, knownCalls: 1 });
  });

  it('forgets failures for unknown NIPs after the short window and every failure after the long one', async () => {
    await sql(`DELETE FROM login_failures`);
    await sql(
      `INSERT INTO login_failures (nip, client, failed_at) VALUES
         ('no-such-user', '10.3.0.1', now() - interval '20 minutes'),
         ('no-such-user', '10.3.0.1', now() - interval '1 minute'),
         ('1673011002002', '10.3.0.1', now() - interval '20 minutes'),
         ('1673011002002', '10.3.0.1', now() - interval '25 hours')`,
    );
    await sql(`INSERT INTO login_locks (nip, failures, clients, locked_at) VALUES ('no-such-user', 50, 10, now() - interval '1 hour')`);
    expect(await t.app.get(AuthService).purge()).toEqual({ failures: 2, locks: 1 });
    const left = await sql<{ nip: string; age: string }>(
      `SELECT nip, CASE WHEN failed_at > now() - interval '5 minutes' THEN 'recent' ELSE 'older' END AS age FROM login_failures ORDER BY nip`,
    );
    expect(left).toEqual([
      { nip: '1673011002002', age: 'older' },
      { nip: 'no-such-user', age: 'recent' },
    ]);
  });
});

describe('sign-in: the per-NIP request limit counts the NIP as the lockout does (trimmed)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_LOGIN_PER_MIN: '2' }, 'signintrim');
  });
  afterAll(() => t?.close());

  it('" NIP" and "NIP " share one bucket', async () => {
    const nip = '1673061002001';
    const statuses = [];
    for (const v of [nip, ` ${nip}`, `${nip} `]) {
      statuses.push((await t.call('POST', '/api/auth/login', { body: { nip: v, pin: PIN } })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});
