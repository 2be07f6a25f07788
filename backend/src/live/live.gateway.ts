import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import type { Subscription } from 'rxjs';
import type { Principal } from '../auth/principal.js';
import { Public } from '../auth/roles.decorator.js';
import { TokenService } from '../auth/token.service.js';
import { DomainError } from '../http/domain-error.js';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
import { REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { ChangeCoalescer } from './change-coalescer.js';
import {
  LIVE_NAMESPACE,
  LiveAuthError,
  LiveRequest,
  type ClientToServer,
  type ResumeAnswer,
  type ServerToClient,
} from './live.contract.js';
import { LivePublisher, type LiveNamespace } from './live-publisher.js';
import { resume, ResumeError } from './resume.js';
import { audienceRoom, CITY_ROOM, parseScope, roomOf } from './rooms.js';

/** Short enough to feel live on a wall, long enough to fold a burst of writes to one TPS into one message. */
export const LIVE_TICK_MS = 150;
export const HEARTBEAT_MS = 5000;

type LiveSocket = Socket<ClientToServer, ServerToClient, Record<string, never>, { principal: Principal }>;

/**
 * The posko's live channel. A token is checked in the namespace middleware, so a client without a valid one never
 * connects; officers (field phones) are refused, the channel serves the posko's screens. Pushes happen only after a
 * projection batch has committed (ReadModels.changes$), coalesced per tick.
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
  /** The namespace, for tests and operators (e.g. disconnectSockets). */
  ns: LiveNamespace | null = null;

  constructor(
    private readonly tokens: TokenService,
    @Inject(READ_MODELS) private readonly rm: ReadModels,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
  ) {}

  afterInit(ns: LiveNamespace): void {
    this.ns = ns;
    ns.use((socket, next) => {
      this.authenticate(socket as LiveSocket).then(
        () => next(),
        (e: unknown) => next(new Error(e instanceof DomainError ? e.code : LiveAuthError.InvalidToken)),
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
  }

  /** Everyone follows the city until they ask for less. */
  handleConnection(socket: LiveSocket): void {
    void socket.join(audienceRoom(CITY_ROOM, socket.data.principal?.role));
  }

  @SubscribeMessage(LiveRequest.Follow)
  follow(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): { ok: boolean; error?: string } {
    const scope = parseScope(this.ref, body);
    if (!scope) return { ok: false, error: 'FOLLOW.UNKNOWN_AREA' };
    for (const room of socket.rooms) if (room !== socket.id) void socket.leave(room);
    void socket.join(audienceRoom(roomOf(scope), socket.data.principal?.role));
    return { ok: true };
  }

  @SubscribeMessage(LiveRequest.Resume)
  async resume(@ConnectedSocket() socket: LiveSocket, @MessageBody() body: unknown): Promise<ResumeAnswer | { error: string }> {
    const after = body && typeof body === 'object' && 'after' in body ? body.after : undefined;
    try {
      return await resume(this.rm, after === undefined ? null : after, socket.data.principal?.role);
    } catch (e) {
      if (e instanceof ResumeError) return { error: e.message };
      this.logger.error(`resume failed: ${e instanceof Error ? e.message : String(e)}`);
      return { error: 'RESUME.FAILED' };
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.coalescer?.stop();
  }

  private async authenticate(socket: LiveSocket): Promise<void> {
    const token: unknown = socket.handshake.auth.token;
    if (typeof token !== 'string' || token === '') throw new DomainError(LiveAuthError.Unauthenticated, 401, 'no token');
    const principal = await this.tokens.verify(token);
    if (principal.role === 'officer') throw new DomainError(LiveAuthError.Forbidden, 403, 'officers do not use the live channel');
    socket.data.principal = principal;
  }
}
