import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { earlyRefusals } from '../../src/http/rate-limit.early.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { eventually, withDb } from './support/wait.js';

const A = '1673061002001';
const B = '1673061002002';
const refusals = async (limit: string) => (await earlyRefusals.get()).values.find((v) => v.labels.limit === limit)?.value ?? 0;

describe('reads refused before the logger and Nest (issue 13)', () => {
  let t: TestApp;
  const lines: Record<string, any>[] = [];
  beforeAll(async () => {
    t = await startTestApp(
      { LOG_LEVEL: 'log', RATE_LIMIT_READS_PER_MIN: '3', RATE_LIMIT_READS_WINDOW_SECONDS: '60', RATE_LIMIT_READS_PER_IP_PER_MIN: '1000' },
      'earlyread',
      (l) => lines.push(JSON.parse(l) as Record<string, any>),
    );
  });
  afterAll(() => t?.close());

  it('counts a forged token by address only, refuses the user over its limit with the same 429, and logs no line per refusal', async () => {
    const token = await t.login(A, '123456');
    // Claims naming officer A, signed with another key: refused by the guard, and it uses up none of A's reads.
    const forged = await new SignJWT({ role: 'officer', tps: A })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(A)
      .setIssuer('sipantaumilu')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(randomBytes(32));
    const fake = [];
    for (let i = 0; i < 5; i++) fake.push((await t.call('GET', `/api/tps/${A}`, { token: forged })).status);
    expect(fake).toEqual([401, 401, 401, 401, 401]);

    const before = await refusals('read-user');
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await t.call('GET', `/api/tps/${A}`, { token }));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    const refused = answers[3];
    expect(Object.keys(refused.body).sort()).toEqual(['code', 'limit', 'message', 'requestId', 'retryAfterSeconds']);
    expect([refused.body.code, refused.body.limit, refused.body.requestId]).toEqual([
      'RATE.LIMITED',
      'read-user',
      refused.headers.get('x-request-id'),
    ]);
    expect(Number(refused.headers.get('retry-after'))).toBe(refused.body.retryAfterSeconds);
    expect(await refusals('read-user')).toBe(before + 7);

    // pino-http writes each answered request's line on its finish: the three answered reads, none of the seven refusals.
    const reqLines = () => lines.filter((l) => l.req?.url === `/api/tps/${A}` && l.res);
    await eventually('the three answered reads logged', async () =>
      reqLines().filter((l) => l.res.statusCode === 200).length >= 3 ? true : undefined,
    );
    const ids = new Set(answers.slice(3).map((r) => r.headers.get('x-request-id')));
    expect(reqLines().map((l) => l.res.statusCode)).toEqual([401, 401, 401, 401, 401, 200, 200, 200]);
    expect(lines.filter((l) => ids.has(l.reqId))).toEqual([]);
    // One summary line for the interval instead.
    const summary = await eventually('the refusal summary line', async () => lines.find((l) => l.refusals), 30_000);
    expect(summary).toMatchObject({ level: 'warn', refusals: { 'read-user': 7 } });
    expect(lines.filter((l) => l.refusals)).toHaveLength(1);
  }, 60_000);
});

describe('in-flight reads per user (RATE_LIMIT_READS_CONCURRENT)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(
      {
        RATE_LIMIT_READS_CONCURRENT: '2',
        RATE_LIMIT_READS_QUEUE: '1',
        RATE_LIMIT_READS_QUEUE_WAIT_MS: '60000',
        REQUEST_TIMEOUT_MS: '60000',
      },
      'readcap',
    );
  });
  afterAll(() => t?.close());

  it("runs two of a user's reads at once, queues one, refuses the rest, and leaves other users their own turns", async () => {
    const a = await t.login(A, '123456');
    const b = await t.login(B, '123456');
    // Warm A's and B's token and user caches, so that only the read itself waits on the table below.
    expect((await t.call('GET', `/api/tps/${A}`, { token: a })).status).toBe(200);
    expect((await t.call('GET', `/api/tps/${B}`, { token: b })).status).toBe(200);
    const before = await refusals('read-concurrent');
    await withDb(t.db.url, async (c) => {
      // Every read of a TPS waits on this lock while it is held: A's turns stay taken.
      await c.query('BEGIN');
      await c.query('LOCK TABLE rm_tps IN ACCESS EXCLUSIVE MODE');
      // pg_stat_activity is read once per transaction unless its snapshot is cleared.
      const waitingReads = async () =>
        (
          await c.query<{ n: number }>(
            `SELECT pg_stat_clear_snapshot(), count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%rm_tps%'`,
          )
        ).rows[0].n;
      const fromA = Array.from({ length: 6 }, () => t.call('GET', `/api/tps/${A}`, { token: a }));
      // Two run (and wait on the lock), one waits for a turn, three are refused at once.
      const settled = new Map<number, Awaited<(typeof fromA)[number]>>();
      fromA.forEach((p, i) => void p.then((r) => settled.set(i, r)));
      await eventually('three refusals', async () => (settled.size === 3 ? true : undefined));
      expect([...settled.values()].map((r) => [r.status, r.body.code, r.body.limit, r.headers.get('retry-after')])).toEqual(
        Array(3).fill([429, 'RATE.LIMITED', 'read-concurrent', '1']),
      );
      await eventually('A holding its two turns in the database', async () => ((await waitingReads()) === 2 ? true : undefined));
      // B is another user: with A's turns and queue full, B's read is not refused; it waits on the table like A's.
      let bDone = false;
      const fromB = t.call('GET', `/api/tps/${B}`, { token: b }).finally(() => (bDone = true));
      await eventually("B's read in the database too", async () => ((await waitingReads()) === 3 || bDone ? true : undefined));
      expect([bDone, settled.size]).toEqual([false, 3]);
      await c.query('COMMIT');
      const all = await Promise.all(fromA);
      expect(all.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
      expect((await fromB).status).toBe(200);
    });
    expect(await refusals('read-concurrent')).toBe(before + 3);
  }, 60_000);
});
