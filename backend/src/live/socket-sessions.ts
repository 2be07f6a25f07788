import type { Principal } from '../auth/principal.js';

export interface SocketCapConfig {
  LIVE_MAX_SOCKETS_PER_TOKEN: number;
  LIVE_MAX_SOCKETS_PER_ADDRESS: number;
}

/** What a tracked socket needs: an id, a way to end it, and who it is. */
export interface SessionSocket {
  id: string;
  principal: Principal;
  /** Client address (IPv4, or IPv6 /64: auth/client-key.ts). */
  address: string;
  /** False until the handshake completes (and after the socket closed). */
  connected(): boolean;
  end(code: string): void;
}

/** A sign-in: a token and its refreshes (which keep the sign-in time). */
export const sessionKey = (p: Principal) => `${p.sub}|${p.signedInAt ?? 0}`;

export class TooManySockets extends Error {}

/**
 * The open sockets of this node: at most LIVE_MAX_SOCKETS_PER_TOKEN per sign-in and LIVE_MAX_SOCKETS_PER_ADDRESS per
 * client address, and each one closed when its token's `exp` passes (a re-authentication moves the deadline).
 */
export class SocketSessions {
  private readonly byId = new Map<
    string,
    { socket: SessionSocket; session: string; admittedAt: number; timer: ReturnType<typeof setTimeout> | null }
  >();
  private readonly perSession = new Map<string, number>();
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly caps: SocketCapConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Registers a socket; throws TooManySockets over a cap (then nothing is registered). */
  admit(socket: SessionSocket): void {
    const session = sessionKey(socket.principal);
    if ((this.perSession.get(session) ?? 0) >= this.caps.LIVE_MAX_SOCKETS_PER_TOKEN) throw new TooManySockets('per sign-in');
    if ((this.perAddress.get(socket.address) ?? 0) >= this.caps.LIVE_MAX_SOCKETS_PER_ADDRESS) throw new TooManySockets('per address');
    bump(this.perSession, session, 1);
    bump(this.perAddress, socket.address, 1);
    this.byId.set(socket.id, { socket, session, admittedAt: this.now(), timer: null });
    this.schedule(socket.id);
  }

  /** A fresh token for an open socket: the new principal and its later deadline. */
  reauthenticate(id: string, principal: Principal): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    entry.socket.principal = principal;
    this.schedule(id);
  }

  release(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    this.byId.delete(id);
    bump(this.perSession, entry.session, -1);
    bump(this.perAddress, entry.socket.address, -1);
  }

  /** A socket admitted by the middleware that never connected (the client left mid-handshake) stops counting. */
  releaseIfStale(id: string, graceMs = 10_000): void {
    const entry = this.byId.get(id);
    if (entry && this.now() - entry.admittedAt > graceMs) this.release(id);
  }

  principalOf(id: string): Principal | undefined {
    return this.byId.get(id)?.socket.principal;
  }

  sockets(): SessionSocket[] {
    return [...this.byId.values()].map((e) => e.socket);
  }

  get size(): number {
    return this.byId.size;
  }

  close(): void {
    for (const e of this.byId.values()) if (e.timer) clearTimeout(e.timer);
    this.byId.clear();
    this.perSession.clear();
    this.perAddress.clear();
  }

  private schedule(id: string): void {
    const entry = this.byId.get(id)!;
    if (entry.timer) clearTimeout(entry.timer);
    const exp = entry.socket.principal.expiresAt;
    entry.timer = null;
    if (exp === undefined) return;
    // jose's rule: expired once the current second reaches `exp`.
    const ms = Math.max(0, exp * 1000 - this.now());
    entry.timer = setTimeout(() => entry.socket.end('AUTH.TOKEN_EXPIRED'), Math.min(ms, 2 ** 31 - 1));
    entry.timer.unref();
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
