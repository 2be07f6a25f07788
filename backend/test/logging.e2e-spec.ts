import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './support/app.js';
import { withDb } from './reliability/support/wait.js';

const TPS = '1673061002001';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('logs (pino): JSON lines with request ids, secrets redacted', () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'log' }, 'logging', (l) => lines.push(l));
  });
  afterAll(() => t?.close());

  it('logs each request as JSON with id, route, status and time, and never the token or the PIN', async () => {
    const wrong = await t.call('POST', '/api/auth/login', { body: { nip: TPS, pin: '987650' } });
    expect(wrong.status).toBe(401);
    const token = await t.login(TPS, '123456');
    const read = await t.call('GET', `/api/tps/${TPS}?token=${token}`, { token, headers: { 'x-request-id': 'phone-trace-0001' } });
    expect(read.status).toBe(200);
    const serverId = read.headers.get('x-request-id');
    // The server chooses the id; the client's is kept beside it.
    expect(serverId).toMatch(UUID);
    await new Promise((r) => setTimeout(r, 200)); // pino-http writes the line on the response's finish

    const parsed = lines.map((l) => JSON.parse(l) as Record<string, any>);
    expect(parsed.length).toBe(lines.length);
    const line = parsed.find((p) => p.reqId === serverId && p.res);
    expect(line).toMatchObject({
      level: 'info',
      route: '/api/tps/:tpsId',
      clientRequestId: 'phone-trace-0001',
      res: { statusCode: 200 },
      req: { method: 'GET', headers: { authorization: '[Redacted]' } },
    });
    expect(typeof line?.responseTime).toBe('number');
    // One `route` key per line (JSON.parse keeps the last of repeated keys, so count them in the raw line).
    const raw = lines.find((l) => l.includes(`"reqId":"${serverId}"`) && l.includes('"res":'))!;
    expect(raw.match(/"route":/g)).toHaveLength(1);
    expect(line?.req.url).toBe(`/api/tps/${TPS}?token=[Redacted]`);
    const failed = parsed.find((p) => p.route === '/api/auth/login' && p.res?.statusCode === 401);
    expect(failed).toMatchObject({ level: 'warn', reqId: expect.stringMatching(UUID) });

    const all = lines.join('\n');
    for (const secret of [token, token.split('.')[2], '987650', '123456']) expect(all).not.toContain(secret);
  });

  it('uses the server id as the correlationId of the events, the client id beside it', async () => {
    const token = await t.login(TPS, '123456');
    const r = await t.call('POST', `/api/tps/${TPS}/check-in`, {
      token,
      headers: { 'x-request-id': 'phone-trace-0002' },
      body: { location: { lat: -3.2967, lon: 102.8617, accuracyM: 15 } },
    });
    expect(r.status).toBe(201);
    const meta = await withDb(t.db.url, async (c) => {
      const rows = await c.query<{ metadata: Record<string, unknown> }>(
        "SELECT metadata FROM es.events WHERE type = 'OfficerCheckedIn' ORDER BY global_id DESC LIMIT 1",
      );
      return rows.rows[0].metadata;
    });
    expect(meta.correlationId).toBe(r.headers.get('x-request-id'));
    expect(meta.correlationId).not.toBe('phone-trace-0002');
    expect(meta.clientRequestId).toBe('phone-trace-0002');
  });
});
