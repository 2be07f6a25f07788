/** The live channel's sessions and limits (docs/security.md, "Live channel"), with a real socket.io-client. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import { TokenService } from '../src/auth/token.service.js';
import { LIVE_NAMESPACE, LiveMessage, LiveRequest, type ClientToServer, type ServerToClient } from '../src/live/live.contract.js';
import { LiveGateway } from '../src/live/live.gateway.js';
import { eventually, withDb } from './reliability/support/wait.js';
import { startTestApp, type TestApp } from './support/app.js';

type LiveClient = Socket<ServerToClient, ClientToServer>;

describe('live channel: sessions end with their token and user; sockets and messages are capped', () => {
  let t: TestApp;
  let tokens: TokenService;
  const open: LiveClient[] = [];
  const now = () => Math.floor(Date.now() / 1000);

  const connect = (token: string, localAddress?: string): LiveClient => {
    const s: LiveClient = io(t.url + LIVE_NAMESPACE, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...(localAddress ? { localAddress } : {}),
    } as never);
    open.push(s);
    return s;
  };
  /** 'connected' or the connect_error message. */
  const handshake = (s: LiveClient) =>
    new Promise<string>((resolve) => {
      s.once('connect', () => resolve('connected'));
      s.once('connect_error', (e) => resolve(e.message));
    });
  /** The session-ended code and the disconnect reason, once the server closed the socket. */
  const closedByServer = (s: LiveClient) =>
    new Promise<{ code: string | null; reason: string }>((resolve) => {
      let code: string | null = null;
      s.on(LiveMessage.SessionEnded, (m) => (code = m.code));
      s.once('disconnect', (reason) => resolve({ code, reason }));
    });
  /** A display token that expires in `seconds`: signed so that sign-in + 36 h falls then (the cap in TokenService). */
  const expiringIn = (seconds: number, sub = 'display', role: 'display' | 'admin' = 'display') =>
    tokens.sign({ sub, role, signedInAt: now() - 36 * 3600 + seconds });

  beforeAll(async () => {
    t = await startTestApp(
      { LIVE_MAX_SOCKETS_PER_TOKEN: '3', LIVE_MAX_SOCKETS_PER_ADDRESS: '6', LIVE_MESSAGES_PER_MIN: '10', LIVE_FULL_RESUMES_PER_MIN: '2' },
      'livesessions',
    );
    tokens = t.app.get(TokenService);
  });
  afterEach(async () => {
    for (const s of open.splice(0)) s.disconnect();
    const gateway = t.app.get(LiveGateway);
    await eventually('server released every socket', async () => (gateway.sessions.size === 0 ? true : undefined), 10_000);
  });
  afterAll(() => t?.close());

  it('closes a socket when its token expires, saying why', async () => {
    // Long enough for a handshake on a loaded machine, short enough to wait for.
    const s = connect(await expiringIn(8));
    expect(await handshake(s)).toBe('connected');
    expect(await closedByServer(s)).toEqual({ code: 'AUTH.TOKEN_EXPIRED', reason: 'io server disconnect' });
  });

  it('a socket re-authenticated with a fresh token outlives the old one; another user or an officer token is refused', async () => {
    // Sign-ins first: on a loaded machine each can take seconds.
    const [officer, operator, fresh] = [
      await t.login('1673061002001', '123456'),
      await t.login('operator', 'operator123'),
      await t.login('display', 'display123'),
    ];
    const short = await expiringIn(8);
    const exp = (await tokens.verify(short)).expiresAt!;
    const s = connect(short);
    expect(await handshake(s)).toBe('connected');
    const reauth = (token: string) => s.timeout(10_000).emitWithAck(LiveRequest.Reauthenticate, { token });
    expect(await reauth(officer)).toEqual({ ok: false, error: 'AUTH.FORBIDDEN' });
    expect(await reauth(operator)).toEqual({ ok: false, error: 'AUTH.FORBIDDEN' });
    expect(await reauth(fresh)).toEqual({ ok: true, expiresAt: (await tokens.verify(fresh)).expiresAt });
    const ended = closedByServer(s);
    await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 2000)); // past the first token's exp
    expect(s.connected).toBe(true);
    s.disconnect();
    expect(await ended).toEqual({ code: null, reason: 'io client disconnect' });
  });

  it('closes the sockets of a user that was removed', async () => {
    const admin = await t.login('admin', 'admin123');
    const s = connect(admin);
    expect(await handshake(s)).toBe('connected');
    const ended = closedByServer(s);
    await withDb(t.db.url, (c) => c.query(`DELETE FROM users WHERE nip = 'admin'`));
    expect(await ended).toEqual({ code: 'AUTH.REVOKED', reason: 'io server disconnect' });
    expect(await handshake(connect(admin))).toBe('AUTH.REVOKED');
  });

  it('caps sockets per sign-in and per address; a closed socket frees its place', async () => {
    const display = await t.login('display', 'display123');
    const first = [connect(display), connect(display), connect(display)];
    expect(await Promise.all(first.map(handshake))).toEqual(['connected', 'connected', 'connected']);
    expect(await handshake(connect(display))).toBe('LIVE.TOO_MANY_SOCKETS');
    first[0].disconnect();
    await eventually('the closed socket released', async () => (t.app.get(LiveGateway).sessions.size === 2 ? true : undefined));
    expect(await handshake(connect(display))).toBe('connected');
    // Other sign-ins from the same address: 3 more reach the address cap of 6, the next is refused...
    const others = await Promise.all(
      [1, 2, 3, 4].map((i) => tokens.sign({ sub: 'display', role: 'display', signedInAt: now() - 100 * i })),
    );
    expect(await Promise.all(others.slice(0, 3).map((tk) => handshake(connect(tk))))).toEqual(['connected', 'connected', 'connected']);
    expect(await handshake(connect(others[3]))).toBe('LIVE.TOO_MANY_SOCKETS');
    // ...and the same sign-in from another address is welcome.
    expect(await handshake(connect(others[3], '127.0.0.2'))).toBe('connected');
  });

  it('limits messages per sign-in, full resumes more strictly, across reconnects', async () => {
    const display = await t.login('display', 'display123');
    const s = connect(display);
    expect(await handshake(s)).toBe('connected');
    const resume = (sock: LiveClient, after: string | null) => sock.emitWithAck(LiveRequest.Resume, { after });
    const full = [await resume(s, null), await resume(s, null), await resume(s, null)];
    expect(full.map((a) => ('mode' in a ? a.mode : a.error))).toEqual(['snapshot', 'snapshot', 'LIVE.RATE_LIMITED']);
    // A position ahead of the server would be answered with the whole picture: refused too, before it is read.
    expect(await resume(s, '99999999999/1')).toEqual({ error: 'LIVE.RATE_LIMITED' });
    const again = connect(display);
    expect(await handshake(again)).toBe('connected');
    expect(await resume(again, null)).toMatchObject({ error: 'LIVE.RATE_LIMITED' });
    // 5 messages so far; 5 follows are left of the 10, then refusals.
    const follows = [];
    for (let i = 0; i < 6; i++) follows.push(await again.emitWithAck(LiveRequest.Follow, { level: 'city' }));
    expect(follows.map((f) => f.ok)).toEqual([true, true, true, true, true, false]);
    expect(follows[5]).toEqual({ ok: false, error: 'LIVE.RATE_LIMITED' });
  });
});
