import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { createApp } from '../../src/app.factory.js';
import type { RuntimeConfig } from '../../src/config/config.module.js';
import { parseConfig } from '../../src/config/config.schema.js';
import { Writable } from 'node:stream';
import { createRootLogger } from '../../src/logging/logger.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';
import { callApi, type CallResult } from './http.js';

export interface TestApp {
  app: INestApplication;
  /** http://127.0.0.1:<port> */
  url: string;
  db: TestDatabase;
  config: RuntimeConfig;
  /** Signs in and returns the access token. */
  login(nip: string, pin: string): Promise<string>;
  /** Signs in the demo officers (label -> TPS id, PIN 123456) and staff accounts; the access tokens by label / account. */
  loginAll(officers: Record<string, string>, staff: StaffAccount[]): Promise<Record<string, string>>;
  /** fetch against the app with JSON body and optional bearer token. */
  call(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<CallResult>;
  close(): Promise<void>;
}

/** The demo seed's staff accounts and their PINs (officers sign in with their TPS id and OFFICER_PIN). */
export const STAFF_PIN = {
  operator: 'operator123',
  supervisor: 'supervisor123',
  auditor: 'auditor123',
  admin: 'admin123',
  display: 'display123',
} as const;
export type StaffAccount = keyof typeof STAFF_PIN;
export const OFFICER_PIN = '123456';

/**
 * Boots the whole application on its own fresh database, listening on port 0, with the demo users seeded
 * (officer NIP = TPS id, PIN 123456; operator/operator123, auditor/auditor123, admin/admin123, display/display123).
 */
export async function startTestApp(
  env: Record<string, string> = {},
  label = 'e2e',
  /** Receives every log line (JSON); by default they are dropped, or printed with TEST_LOGS=1. */
  onLogLine: (line: string) => void = (l) => {
    if (process.env.TEST_LOGS) console.log(l);
  },
  /** Boot on this database (a restart of an earlier app, closed with `app.close()`) instead of a fresh one. */
  reuse?: TestDatabase,
): Promise<TestApp> {
  const db = reuse ?? (await createTestDatabase(label));
  const base = parseConfig({ DATABASE_URL: db.url, SEED_DEMO: 'true', NODE_ENV: 'test', LOG_LEVEL: 'error', ...env });
  const config: RuntimeConfig = { ...base, databaseUrl: db.url, jwtSecret: randomBytes(32).toString('hex'), dataDir: '/nonexistent' };
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) onLogLine(line);
      done();
    },
  });
  const app = await createApp(config, createRootLogger({ LOG_FORMAT: 'json', LOG_LEVEL: config.LOG_LEVEL }, sink));
  await app.listen(0, '127.0.0.1');
  const addr = app.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const call: TestApp['call'] = (method, path, opts = {}) => callApi(url, method, path, opts);
  const login: TestApp['login'] = async (nip, pin) => {
    const r = await call('POST', '/api/auth/login', { body: { nip, pin } });
    if (r.status !== 200) throw new Error(`login ${nip} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.accessToken as string;
  };
  return {
    app,
    url,
    db,
    config,
    call,
    login,
    async loginAll(officers, staff) {
      const tokens: Record<string, string> = {};
      for (const [label, tpsId] of Object.entries(officers)) tokens[label] = await login(tpsId, OFFICER_PIN);
      for (const account of staff) tokens[account] = await login(account, STAFF_PIN[account]);
      return tokens;
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

/** A consistent C.Hasil body for a normal TPS (DPT 250): 180 voters, 175 valid + 5 invalid. */
export function goodTally(overrides: Record<string, unknown> = {}) {
  return {
    votes: { '01': 60, '02': 80, '03': 35 },
    invalid: 5,
    voters: { dpt: 250, fromDpt: 170, fromDptb: 6, fromDpk: 4 },
    ballots: { received: 255, used: 180, spoiled: 2, unused: 73 },
    disabledVoters: 3,
    ...overrides,
  };
}
