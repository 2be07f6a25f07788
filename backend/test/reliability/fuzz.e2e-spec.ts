import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { io } from 'socket.io-client';
import { LIVE_NAMESPACE, LiveAuthError } from '../../src/live/live.contract.js';
import { goodTally, startTestApp, type TestApp } from '../support/app.js';
import { hostileBodies, type RawBody } from './support/hostile-input.js';
import { eventCount } from './support/wait.js';

const TPS = '1673061002001';
const RUNS = 30;
const STABLE_CODE = /^[A-Z]+(\.[A-Z_]+)+$/;
// What must never leak into an answer: stack frames, SQL, file paths.
const INTERNALS = /\bat [\w.<>]+ \(|node_modules|\/src\/|\bSELECT\b|\bINSERT\b|\bUPDATE\b|es\.events|QueryFailedError/;

describe('hostile input: property-based fuzzing of every write route and of the live channel', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    // Limits off: the fuzzer sends far more than any officer would.
    t = await startTestApp({ RATE_LIMIT_WRITES_PER_MIN: '0', RATE_LIMIT_LOGIN_PER_MIN: '0' }, 'fuzz');
    tokens.officer = await t.login(TPS, '123456');
    tokens.operator = await t.login('operator', 'operator123');
    tokens.display = await t.login('display', 'display123');
  });
  afterAll(() => t?.close());

  const send = async (path: string, token: string | undefined, raw: RawBody) => {
    const res = await fetch(t.url + path, {
      method: 'POST',
      headers: { 'content-type': raw.contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: new Uint8Array(raw.bytes),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, text: await res.text() };
  };

  const routes: [string, string, string | undefined, Record<string, unknown>][] = [
    ['sign-in', '/api/auth/login', undefined, { nip: TPS, pin: '123456' }],
    ['check-in', `/api/tps/${TPS}/check-in`, 'officer', { location: { lat: -3.29, lon: 102.86, accuracyM: 10 } }],
    ['tally', `/api/tps/${TPS}/tally`, 'officer', goodTally()],
    [
      'correction',
      `/api/tps/${TPS}/tally/corrections`,
      'officer',
      { ...goodTally(), expectedRevision: 0, reason: 'Salah baca angka paslon' },
    ],
    ['paper form', `/api/tps/${TPS}/paper-forms`, 'operator', goodTally()],
    ['incident', `/api/tps/${TPS}/incidents`, 'officer', { category: 'other', severity: 'low', description: 'Uji masukan acak' }],
    ['resolve', `/api/incidents/${TPS}-1/resolve`, 'operator', { note: 'Sudah ditangani' }],
  ];

  it.each(routes)(
    '%s: every hostile body is a 4xx with a stable code, appends nothing, leaks nothing',
    async (_name, path, who, valid) => {
      const before = await eventCount(t.db.url);
      const seen = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(hostileBodies(valid), async (raw) => {
          const r = await send(path, who ? tokens[who] : undefined, raw);
          const body = JSON.parse(r.text) as { code?: string };
          seen.set(`${r.status} ${body.code}`, (seen.get(`${r.status} ${body.code}`) ?? 0) + 1);
          expect({ label: raw.label, status: r.status >= 400 && r.status < 500, code: STABLE_CODE.test(body.code ?? '') }).toEqual({
            label: raw.label,
            status: true,
            code: true,
          });
          expect(r.text).not.toMatch(INTERNALS);
        }),
        { numRuns: RUNS },
      );
      expect([...seen.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
      expect(await eventCount(t.db.url)).toBe(before);
      expect((await t.call('GET', '/api/health')).status).toBe(200);
    },
    60_000,
  );

  it('refuses every malformed handshake with a stable code', async () => {
    const codes = new Set<string>(Object.values(LiveAuthError));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 3000 }), fc.constant(tokens.display + 'x')),
        async (token) => {
          const s = io(t.url + LIVE_NAMESPACE, {
            auth: { token } as object,
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
          });
          try {
            const outcome = await new Promise<string>((ok) => {
              s.once('connect', () => ok('connected'));
              s.once('connect_error', (e) => ok(e.message));
            });
            expect(codes.has(outcome)).toBe(true);
          } finally {
            s.disconnect();
          }
        },
      ),
      { numRuns: RUNS },
    );
  }, 60_000);

  it('answers hostile follow and resume messages with errors and stays connected and healthy', async () => {
    const s = io(t.url + LIVE_NAMESPACE, {
      auth: { token: tokens.display },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((ok, fail) => (s.once('connect', ok), s.once('connect_error', fail)));
    try {
      const payload = fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        fc.constant(JSON.parse('{"__proto__":{"level":"city"},"after":{"toString":1}}')),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('follow', 'resume'), payload, fc.string({ maxLength: 20 }), async (name, body, junkEvent) => {
          s.emit(junkEvent as never, body as never); // an unknown message is ignored
          const ack = (await s.timeout(10_000).emitWithAck(name as 'follow', body as never)) as Record<string, unknown>;
          if (name === 'follow') expect(ack.ok === true || (ack.ok === false && typeof ack.error === 'string')).toBe(true);
          else expect(typeof ack.error === 'string' || ack.mode === 'snapshot' || ack.mode === 'changes').toBe(true);
          expect(s.connected).toBe(true);
        }),
        { numRuns: RUNS },
      );
    } finally {
      s.disconnect();
    }
    expect((await t.call('GET', '/api/health')).status).toBe(200);
  }, 60_000);
});
