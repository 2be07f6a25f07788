import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { comparePositionStrings } from '../../src/live/live.contract.js';
import { eventsByKey, eventually } from './support/wait.js';
import { startFaultRig, type FaultRig } from './support/fault-rig.js';

const TIMEOUT_MS = 4000;
/** A request must have its answer by the stated deadline plus this much slack (a busy 2-core machine), or it hung. */
const SLACK_MS = 4000;
const TPS = ['1673061002001', '1673061002002', '1673061002003', '1673061002004', '1673061002005', '1673061002006'];

const incident = (n: number) => ({ category: 'logistics', severity: 'low', description: `Kotak suara terlambat ${n}` });

describe('database outage and slow database (child process behind a TCP proxy)', () => {
  let rig: FaultRig;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    // Rate limits off: this test resends hundreds of writes per officer after the cut, which the limits would refuse.
    rig = await startFaultRig('outage', { REQUEST_TIMEOUT_MS: String(TIMEOUT_MS), RATE_LIMIT_WRITES_PER_MIN: '0' });
    for (const tps of TPS) tokens.set(tps, await rig.backend.login(tps, '123456'));
  }, 120_000);
  afterAll(() => rig?.close(), 60_000);

  /** One write with the client's own deadline: a hang past the stated timeout fails the test instead of blocking it. */
  const write = (tps: string, key: string, n: number) =>
    rig.backend.call('POST', `/api/tps/${tps}/incidents`, {
      token: tokens.get(tps),
      body: incident(n),
      headers: { 'idempotency-key': key },
      timeoutMs: TIMEOUT_MS + SLACK_MS,
    });

  it('answers writes 503 STORE.UNAVAILABLE with Retry-After while the database is cut, turns health 503, and recovers by itself', async () => {
    const before = await write(TPS[0], 'outage-before-0001', 0);
    expect(before.status).toBe(201);

    rig.proxy.cut();
    const during: { status: number; code: unknown; retryAfter: string | null; key: string; tps: string }[] = [];
    const cutUntil = Date.now() + 4000;
    let n = 0;
    // Steady writes from every officer for the whole cut, one at a time each.
    await Promise.all(
      TPS.map(async (tps) => {
        while (Date.now() < cutUntil) {
          const key = `outage-${tps}-${++n}`;
          const r = await write(tps, key, n);
          during.push({ status: r.status, code: r.body?.code, retryAfter: r.headers.get('retry-after'), key, tps });
        }
      }),
    );
    const health = await rig.backend.call('GET', '/api/health', { timeoutMs: TIMEOUT_MS + SLACK_MS });
    // Sign-in and reads go to the read-model database: the same outage, the same answer.
    const login = await rig.backend.call('POST', '/api/auth/login', {
      body: { nip: TPS[0], pin: '123456' },
      timeoutMs: TIMEOUT_MS + SLACK_MS,
    });
    const summary = await rig.backend.call('GET', '/api/summary', { token: tokens.get(TPS[0]), timeoutMs: TIMEOUT_MS + SLACK_MS });
    rig.proxy.restore();

    expect(during.length).toBeGreaterThan(TPS.length);
    const shapes = new Set(during.map((d) => `${d.status} ${String(d.code)} retry-after:${d.retryAfter !== null}`));
    expect([...shapes]).toEqual(['503 STORE.UNAVAILABLE retry-after:true']);
    expect(health.status).toBe(503);
    expect([login.status, login.body.code, summary.status, summary.body.code]).toEqual([
      503,
      'STORE.UNAVAILABLE',
      503,
      'STORE.UNAVAILABLE',
    ]);
    expect(health.body.failing).toEqual(expect.arrayContaining(['eventStore']));

    await eventually('health back to 200', async () => ((await rig.backend.call('GET', '/api/health')).status === 200 ? true : undefined));
    // The same keys now succeed (each phone resends its own, one at a time): nothing was written during the cut.
    const retried = (
      await Promise.all(
        TPS.map(async (tps) => {
          const mine = [];
          for (const d of during.filter((x) => x.tps === tps)) mine.push(await write(d.tps, d.key, 0));
          return mine;
        }),
      )
    ).flat();
    expect([during.length, retried.filter((r) => r.status !== 201).map((r) => [r.status, r.body])]).toEqual([during.length, []]);
    expect(retried.filter((r) => r.body.replayed)).toEqual([]);
    const byKey = await eventsByKey(rig.db.url);
    expect(during.filter((d) => byKey.get(d.key) !== 1)).toEqual([]);

    // The projections catch up without help: the last write becomes readable.
    const last = retried
      .map((r) => r.body.position as string)
      .sort(comparePositionStrings)
      .at(-1)!;
    const display = await rig.backend.login('display', 'display123');
    const read = await eventually('projections caught up', async () => {
      const r = await rig.backend.call('GET', `/api/incidents?minPosition=${last}`, { token: display });
      return r.status === 200 ? r : undefined;
    });
    // The list is paged (500 a page): follow the cursor to count them all.
    let count = (read.body as unknown[]).length;
    for (let cursor = read.headers.get('x-next-cursor'); cursor;) {
      const page = await rig.backend.call('GET', `/api/incidents?cursor=${cursor}`, { token: display });
      count += (page.body as unknown[]).length;
      cursor = page.headers.get('x-next-cursor');
    }
    expect(count).toBe(retried.length + 1);
  }, 120_000);

  it('times a slow database out at the stated deadline and writes nothing by halves', async () => {
    // The proxy delays each direction, so one round trip costs twice this: 1.5 times the deadline. No write can be
    // acknowledged without at least one round trip (its append; a 2xx means durably stored), so every write must be
    // answered 503 at the deadline, whatever the number of round trips the write path needs (with the per-TPS state
    // cache and group commit a warm TPS needs just one: 1,500 ms each way used to be enough and no longer is).
    rig.proxy.setLatency((TIMEOUT_MS * 3) / 4);
    const started = Date.now();
    const slow = await Promise.all(TPS.map((tps, i) => write(tps, `slow-${tps}`, 100 + i)));
    const took = Date.now() - started;
    rig.proxy.setLatency(0);

    expect(took).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    for (const r of slow) {
      expect([r.status, ['REQUEST.TIMEOUT', 'STORE.UNAVAILABLE'].includes(r.body.code)]).toEqual([503, true]);
      expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
    }

    // A retry with the same key settles each one: exactly one event per key, and an intact hash chain.
    await eventually('store answers again', async () => ((await rig.backend.call('GET', '/api/health')).status === 200 ? true : undefined));
    const settled = await Promise.all(TPS.map((tps, i) => write(tps, `slow-${tps}`, 100 + i)));
    expect(settled.map((r) => r.status)).toEqual(TPS.map(() => 201));
    const byKey = await eventsByKey(rig.db.url);
    expect(TPS.map((tps) => byKey.get(`slow-${tps}`))).toEqual(TPS.map(() => 1));
    const auditor = await rig.backend.login('auditor', 'auditor123');
    const verify = await rig.backend.call('GET', '/api/audit/verify', { token: auditor });
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true });
  }, 120_000);

  it('never logs a PIN or a token, even for failed sign-ins and failed writes', async () => {
    const wrong = await rig.backend.call('POST', '/api/auth/login', { body: { nip: TPS[0], pin: 'Pin-Rahasia-987' } });
    expect(wrong.status).toBe(401);
    // The child's log line reaches this process through its stdout, which may come after the HTTP answer.
    await eventually('the failed sign-in is logged', async () =>
      rig.backend.logs.some((l) => l.includes('failed sign-in')) ? true : undefined,
    );
    const logs = rig.backend.logs.join('\n');
    expect(logs).toContain('failed sign-in');
    const secrets = ['Pin-Rahasia-987', '123456', 'display123', 'auditor123', rig.env.JWT_SECRET, ...tokens.values()];
    expect(secrets.filter((s) => logs.includes(s))).toEqual([]);
  });
});
