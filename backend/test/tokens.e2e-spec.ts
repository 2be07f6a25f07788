/** A token is only as good as its user is now, and no session outlives its sign-in by more than 36 h. */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { TokenService } from '../src/auth/token.service.js';
import { createApp } from '../src/app.factory.js';
import type { RuntimeConfig } from '../src/config/config.module.js';
import { parseConfig } from '../src/config/config.schema.js';
import { Writable } from 'node:stream';
import { createRootLogger } from '../src/logging/logger.js';
import { eventually, withDb } from './reliability/support/wait.js';
import { callApi } from './support/http.js';
import { createTestDatabase } from './support/test-db.js';
import { startTestApp, type TestApp } from './support/app.js';

// 635 TPS officers, 5 posko accounts (operator, supervisor, auditor, admin, display), 10 reserve monitors (cadangan01-10).
const DEMO_USERS = 635 + 5 + 10;

describe('tokens follow the current user (e2e)', () => {
  let t: TestApp;
  const sql = (q: string, params: unknown[] = []) => withDb(t.db.url, (c) => c.query(q, params));
  /** Within the user cache's few seconds the old answer may still stand; then the token must be refused. */
  const refusedSoon = (path: string, token: string, method = 'GET', body?: unknown) =>
    eventually(`${method} ${path} refused`, async () => {
      const r = await t.call(method, path, { token, body });
      return r.status === 401 ? r : undefined;
    });

  beforeAll(async () => {
    t = await startTestApp({}, 'tokens');
  });
  afterAll(() => t?.close());

  it('a refresh never moves exp past sign-in + 36 h', async () => {
    const tokens = t.app.get(TokenService);
    const signedInAt = Math.floor(Date.now() / 1000) - 35 * 3600;
    const old = await tokens.sign({ sub: 'display', role: 'display', signedInAt });
    const r = await t.call('POST', '/api/auth/refresh', { token: old });
    expect(r.status).toBe(200);
    const fresh = await tokens.verify(r.body.accessToken as string);
    expect(fresh.expiresAt).toBeLessThanOrEqual(signedInAt + 36 * 3600);
    expect(r.body.expiresIn).toBeLessThanOrEqual(3600);
  });

  it('a deleted user loses power', async () => {
    const token = await t.login('auditor', 'auditor123');
    expect((await t.call('GET', '/api/audit/meta', { token })).status).toBe(200);
    await sql(`DELETE FROM users WHERE nip = 'auditor'`);
    const r = await refusedSoon('/api/audit/meta', token);
    expect(r.body.code).toBe('AUTH.REVOKED');
  });

  it('a re-imported officer moved to another TPS loses the old TPS; a PIN reset ends old tokens', async () => {
    const [oldTps, newTps] = ['1673061003001', '1673061003002'];
    const token = await t.login(oldTps, '123456');
    // The import's own statement shape: the officer row keeps its NIP and gets a new TPS and PIN hash.
    await sql(`DELETE FROM users WHERE nip = $1`, [newTps]);
    await sql(`UPDATE users SET tps_id = $2 WHERE nip = $1`, [oldTps, newTps]);
    const r = await refusedSoon(`/api/tps/${oldTps}/check-in`, token, 'POST', {});
    expect(r.body.code).toBe('AUTH.REVOKED');
    const moved = await t.login(oldTps, '123456');
    expect((await t.call('POST', `/api/tps/${newTps}/check-in`, { token: moved, body: {} })).status).toBe(201);
    await sql(`UPDATE users SET pin_hash = pin_hash || '' WHERE nip = $1`, [oldTps]); // unchanged hash: same version
    expect((await t.call('GET', '/api/summary', { token: moved })).status).toBe(200);
    await sql(`UPDATE users SET pin_hash = (SELECT pin_hash FROM users WHERE nip = 'display') WHERE nip = $1`, [oldTps]);
    expect((await refusedSoon('/api/summary', moved)).body.code).toBe('AUTH.REVOKED');
  });
});

describe('SEED_DEMO=false restart (e2e)', () => {
  it('removes the demo accounts, says how many, and their tokens stop working', async () => {
    const db = await createTestDatabase('demooff');
    const jwtSecret = randomBytes(32).toString('hex');
    const boot = async (seed: 'true' | 'false') => {
      const base = parseConfig({ DATABASE_URL: db.url, SEED_DEMO: seed, NODE_ENV: 'test', LOG_LEVEL: 'error' });
      const config: RuntimeConfig = { ...base, databaseUrl: db.url, jwtSecret, dataDir: '/nonexistent' };
      const app = await createApp(
        config,
        createRootLogger({ LOG_FORMAT: 'json', LOG_LEVEL: 'error' }, new Writable({ write: (_c, _e, done) => done() })),
      );
      await app.listen(0, '127.0.0.1');
      const addr = app.getHttpServer().address() as { port: number };
      return { app, url: `http://127.0.0.1:${addr.port}` };
    };
    const warned = jest.spyOn(Logger.prototype, 'warn');
    try {
      const first = await boot('true');
      const login = await callApi(first.url, 'POST', '/api/auth/login', { body: { nip: 'admin', pin: 'admin123' } });
      const admin = login.body.accessToken as string;
      expect((await callApi(first.url, 'GET', '/api/audit/export', { token: admin })).status).toBe(200);
      await first.app.close();
      warned.mockClear();
      const second = await boot('false');
      try {
        const lines = warned.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('SEED_DEMO is off'));
        expect(lines).toEqual([`SEED_DEMO is off: removed ${DEMO_USERS} demo accounts`]);
        const r = await callApi(second.url, 'GET', '/api/audit/export', { token: admin });
        expect([r.status, r.body.code]).toEqual([401, 'AUTH.REVOKED']);
      } finally {
        await second.app.close();
      }
    } finally {
      warned.mockRestore();
      await db.drop();
    }
  });
});
