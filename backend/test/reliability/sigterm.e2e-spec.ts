import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io } from 'socket.io-client';
import { LIVE_NAMESPACE } from '../../src/live/live.contract.js';
import { startFaultRig, type FaultRig } from './support/fault-rig.js';
import { eventsByKey, eventually } from './support/wait.js';

const TPS = ['1673061002001', '1673061002002', '1673061002003', '1673061002004'];

describe('graceful shutdown on SIGTERM', () => {
  let rig: FaultRig;

  beforeAll(async () => {
    // Without the background as-of fold: with every query 400 ms slower, a fold's page in flight (one transaction of
    // several statements) can still outlast the 15-second grace after its 2-second wait (a known limit, docs/audit.md).
    rig = await startFaultRig('sigterm', { REQUEST_TIMEOUT_MS: '30000', AS_OF_BUILD_INTERVAL_SECONDS: '0' });
  }, 120_000);
  afterAll(() => rig?.close(), 60_000);

  it('finishes the writes in flight, closes sockets, stops taking requests and exits 0', async () => {
    const tokens = await Promise.all(TPS.map((t) => rig.backend.login(t, '123456')));
    const socket = io(rig.backend.url + LIVE_NAMESPACE, {
      auth: { token: await rig.backend.login('display', 'display123') },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((ok, fail) => (socket.once('connect', ok), socket.once('connect_error', fail)));
    const disconnected = new Promise<string>((ok) => socket.once('disconnect', ok));

    // A slow database keeps the writes in flight long enough for the signal to land in the middle of them.
    rig.proxy.setLatency(400);
    const sentBefore = rig.proxy.chunksUp;
    const inFlight = TPS.map((tps, i) =>
      rig.backend.call('POST', `/api/tps/${tps}/check-in`, {
        token: tokens[i],
        body: {},
        headers: { 'idempotency-key': `sigterm-${tps}` },
        timeoutMs: 45_000,
      }),
    );
    // Every write has sent its first query: it is being handled, not waiting in a socket backlog.
    await eventually('writes under way', async () => (rig.proxy.chunksUp - sentBefore >= TPS.length ? true : undefined), 20_000, 10);
    const url = rig.backend.url;
    const exit = rig.backend.stop('SIGTERM', 30_000);

    const answers = await Promise.all(inFlight);
    expect(answers.map((r) => r.status)).toEqual(TPS.map(() => 201));
    expect(await exit).toBe(0);
    expect(await disconnected).toMatch(/server disconnect|transport close/);
    await expect(fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) })).rejects.toThrow();

    const byKey = await eventsByKey(rig.db.url);
    expect(TPS.map((t) => byKey.get(`sigterm-${t}`))).toEqual(TPS.map(() => 1));
    const errors = rig.backend.logs.filter((l) => /"level":"(error|fatal)"/.test(l));
    expect(errors).toEqual([]);
    expect(rig.backend.logs.some((l) => l.includes('SIGTERM received'))).toBe(true);
    socket.close();
    rig.proxy.setLatency(0);
  }, 120_000);
});
