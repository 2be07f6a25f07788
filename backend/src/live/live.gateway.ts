import { countSocket } from '../metrics/metrics.js';
import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { HttpAdapterHost } from '@nestjs/core';
import type { Socket } from 'socket.io';
import type { Subscription } from 'rxjs';
import type { Principal } from '../auth/principal.js';
import { Public } from '../auth/roles.decorator.js';
import { TokenService } from '../auth/token.service.js';
import { UserDirectory } from '../auth/user-directory.js';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { DomainError } from '../http/domain-error.js';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
import { REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { ChangeCoalescer } from './change-coalescer.js';
import {
  LIVE_NAMESPACE,
  LIVE_RATE_LIMITED,
  LiveAuthError,
  LiveMessage,
  LiveRequest,
  type ClientToServer,
  type ResumeAnswer,
  type ServerToClient,
} from './live.contract.js';
import { LivePublisher, type LiveNamespace } from './live-publisher.js';
import { resume, ResumeError } from './resume.js';
import { audienceRoom, CITY_ROOM, parseScope, roomOf } from './rooms.js';
import { socketAddress } from './socket-address.js';
import { SocketLimits } from './socket-limits.js';
import { sessionKey, SocketSessions, TooManySockets } from './socket-sessions.js';

/** Short enough to feel live on a wall, long enough to fold a burst of writes to one TPS into one message. */
export const LIVE_TICK_MS = 150;
export const HEARTBEAT_MS = 5000;
/** How often open sockets are checked against their users (each check is served by UserDirectory's short cache). */
export const USER_RECHECK_MS = 5000;

type LiveSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, { principal: Principal }>;

/**
 * The posko's live channel. A token is checked in the namespace middleware, so a client without a valid one never
 * connects; officers (field phones) are refused, the channel serves the posko's screens. Pushes happen only after a
 * projection batch has committed (ReadModels.changes$), coalesced per tick.
 * A socket lives no longer than its token (closed at `exp` unless re-authenticated with a fresh one) and its user
 * (re-checked every few seconds); sockets are capped per sign-in and per address, messages per sign-in.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
// The global HTTP guard reads an Authorization header a socket message does not have; here the token was checked
// once, at the handshake, and no socket exists without it.
@Public()
export class LiveGateway implements OnGatewayInit<LiveNamespace>, OnGatewayConnection<LiveSocket>, OnModuleDestroy {
  private readonly logger = new Logger('Live');
  private subscription: Subscription | null = null;
  private coalescer: ChangeCoalescer | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private recheck: ReturnType<typeof setInterval> | null = null;
  readonly sessions: SocketSessions;
  private readonly limits: SocketLimits;
  /** The namespace, for tests and operators (e.g. disconnectSockets). */
  ns: LiveNamespace | null = null;

  constructor(
    private readonly tokens: TokenService,
    private readonly users: UserDirectory,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) config: RuntimeConfig,
    @Inject(READ_MODELS) private readonly rm: ReadModels,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
  ) {
    this.sessions = new SocketSessions(config);
    this.limits = new SocketLimits(config);
  }

  afterInit(ns: LiveNamespace): void {
    this.ns = ns;
    ns.use((socket, next) => {
      this.authenticate(socket as LiveSocket).then(
        () => next(),
        (e: unknown) =>
          next(
            new Error(
              e instanceof DomainError ? e.code : e instanceof TooManySockets ? LiveAuthError.TooManySockets : LiveAuthError.InvalidToken,
            ),
          ),
      );
    });
    const publisher = new LivePublisher(ns, this.rm, this.ref);
    this.coalescer = new ChangeCoalescer((take) => publisher.flush(take), {
      tickMs: LIVE_TICK_MS,
      retryMs: 2000,
      onError: (e) => this.logger.error(`live flush failed, retrying: ${e instanceof Error ? e.message : String(e)}`),
    });
    this.subscription = this.rm.changes$.subscribe((c) => this.coalescer?.add(c));
    this.heartbeat = setInterval(() => {
      publisher.heartbeat().catch((e: unknown) => this.logger.warn(`heartbeat failed: ${e instanceof Error ? e.message : String(e)}`));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    this.recheck = setInterval(() => void this.recheckUsers(), USER_RECHECK_MS);
    this.recheck.unref();
  }

  /** Everyone follows the city until they ask for less. */
  handleConnection(socket: LiveSocket): void {
    countSocket(socket);
    void socket.join(audienceRoom(CITY_ROOM, socket.data.principal?.role));
  }

  @SubscribeMessage(LiveRequest.Follow)
  async follow(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<{ ok: boolean; error?: string }> {
    if (await this.limits.message(sessionKey(socket.data.principal))) return { ok: false, error: LIVE_RATE_LIMITED };
    const scope = parseScope(this.ref, body);
    if (!scope) return { ok: false, error: 'FOLLOW.UNKNOWN_AREA' };
    for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
    void socket.join(audienceRoom(roomOf(scope), socket.data.principal?.role));
    return { ok: true };
  }

  /**
   * Every resume takes one message; a full one (no position, or one too far back or ahead) also takes one of the
   * few full resumes a minute, checked before the whole picture is read.
   */
  @SubscribeMessage(LiveRequest.Resume)
  async resume(
    @ConnectedSocket() socket: LiveSocket,
    @MessageBody() body: unknown,
  ): Promise<ResumeAnswer | { error: string; retryAfterMs?: number }> {
    const after = body && typeof body === 'object' && 'after' in body ? body.after : undefined;
    const key = sessionKey(socket.data.principal);
    const role = socket.data.principal?.role;
    try {
      const wait = await this.limits.message(key);
      if (wait) return { error: LIVE_RATE_LIMITED, retryAfterMs: wait };
      if (after === undefined || after === null) {
        const full = await this.limits.fullResume(key);
        return full ? { error: LIVE_RATE_LIMITED, retryAfterMs: full } : await resume(this.rm, null, role);
      }
      const answer = await resume(this.rm, after, role, { snapshotAllowed: await this.limits.fullResumeLeft(key) });
      if (answer.mode === 'snapshot') await this.limits.fullResume(key);
      return answer;
    } catch (e) {
      if (e instanceof ResumeError) return { error: e.message };
      this.logger.error(`resume failed: ${e instanceof Error ? e.message : String(e)}`);
      return { error: 'RESUME.FAILED' };
    }
  }

  /** A refreshed token for this socket: same user, not an officer, still current; the socket then lives to its `exp`. */
  @SubscribeMessage(LiveRequest.Reauthenticate)
  async reauthenticate(
    @ConnectedSocket() socket: LiveSocket,
    @MessageBody() body: unknown,
  ): Promise<{ ok: true; expiresAt: number } | { ok: false; error: string }> {
    if (await this.limits.message(sessionKey(socket.data.principal))) return { ok: false, error: LIVE_RATE_LIMITED };
    const token = body && typeof body === 'object' && 'token' in body ? body.token : undefined;
    try {
      if (typeof token !== 'string' || token === '') throw new DomainError(LiveAuthError.Unauthenticated, 401, 'no token');
      const principal = await this.verified(token);
      if (principal.sub !== socket.data.principal.sub) throw new DomainError(LiveAuthError.Forbidden, 403, 'another user');
      socket.data.principal = principal;
      this.sessions.reauthenticate(socket.id, principal);
      return { ok: true, expiresAt: principal.expiresAt ?? 0 };
    } catch (e) {
      return { ok: false, error: e instanceof DomainError ? e.code : LiveAuthError.InvalidToken };
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.recheck) clearInterval(this.recheck);
    this.sessions.close();
    await this.coalescer?.stop();
  }

  private async authenticate(socket: LiveSocket): Promise<void> {
    const token: unknown = socket.handshake.auth.token;
    if (typeof token !== 'string' || token === '') throw new DomainError(LiveAuthError.Unauthenticated, 401, 'no token');
    const principal = await this.verified(token);
    socket.data.principal = principal;
    this.sessions.admit({
      id: socket.id,
      principal,
      address: socketAddress(socket, this.adapterHost),
      connected: () => this.ns?.sockets.has(socket.id) ?? false,
      end: (code) => {
        socket.emit(LiveMessage.SessionEnded, { code });
        socket.disconnect(true);
      },
    });
    socket.on('disconnect', () => this.sessions.release(socket.id));
  }

  /** A genuine token, not an officer's, of a user that still matches it. */
  private async verified(token: string): Promise<Principal> {
    const principal = await this.tokens.verify(token);
    if (principal.role === 'officer') throw new DomainError(LiveAuthError.Forbidden, 403, 'officers do not use the live channel');
    await this.users.assertCurrent(principal);
    return principal;
  }

  /** Closes sockets whose user went or changed, and forgets admitted sockets that never connected. */
  private async recheckUsers(): Promise<void> {
    for (const s of this.sessions.sockets()) {
      if (!s.connected()) {
        this.sessions.releaseIfStale(s.id);
        continue;
      }
      try {
        await this.users.assertCurrent(s.principal);
      } catch (e) {
        s.end(e instanceof DomainError ? e.code : LiveAuthError.Revoked);
      }
    }
  }
}
