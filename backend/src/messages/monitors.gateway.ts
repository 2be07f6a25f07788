import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import type { Subscription } from 'rxjs';
import type { Principal } from '../auth/principal.js';
import { Public } from '../auth/roles.decorator.js';
import { TokenService } from '../auth/token.service.js';
import { DomainError } from '../http/domain-error.js';
import { LiveAuthError } from '../live/live.contract.js';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
import { UserDirectory } from '../auth/user-directory.js';
import { MONITORS_NAMESPACE, MonitorMessage, type MonitorsServerToClient } from './messages.contract.js';
import { MessagesQuery } from './messages.query.js';

type MonitorSocket = Socket<Record<string, never>, MonitorsServerToClient, Record<string, never>, { principal: Principal }>;
type MonitorsNamespace = Namespace<Record<string, never>, MonitorsServerToClient>;

const tpsRoom = (tpsId: string) => `tps:${tpsId}`;

/**
 * The monitors' own channel: officers only (the posko's /live refuses them), each in the room of its TPS. A message
 * is pushed once its projection batch has committed; every (re)connect gets the backlog after joining the room, so a
 * message is either in the backlog or pushed after it: none is missed (clients keep them by id).
 */
@WebSocketGateway({ namespace: MONITORS_NAMESPACE })
@Public()
export class MonitorsGateway implements OnGatewayInit<MonitorsNamespace>, OnGatewayConnection<MonitorSocket>, OnModuleDestroy {
  private readonly logger = new Logger('Monitors');
  private subscription: Subscription | null = null;
  /** Messages already pushed by this node (a read of one changes it again; monitors need it once). */
  private readonly pushed = new Set<string>();
  ns: MonitorsNamespace | null = null;

  constructor(
    private readonly tokens: TokenService,
    private readonly query: MessagesQuery,
    @Inject(READ_MODELS) private readonly rm: ReadModels,
    private readonly users: UserDirectory,
  ) {}

  afterInit(ns: MonitorsNamespace): void {
    this.ns = ns;
    ns.use((socket, next) => {
      this.authenticate(socket as MonitorSocket).then(
        () => next(),
        (e: unknown) => next(new Error(e instanceof DomainError ? e.code : LiveAuthError.InvalidToken)),
      );
    });
    this.subscription = this.rm.changes$.subscribe((c) => {
      const fresh = (c.messageIds ?? []).filter((id) => !this.pushed.has(id));
      if (fresh.length) this.push(fresh).catch((e: unknown) => this.logger.error(`message push failed: ${String(e)}`));
    });
  }

  async handleConnection(socket: MonitorSocket): Promise<void> {
    const tpsId = socket.data.principal.tpsId!;
    await socket.join(tpsRoom(tpsId));
    socket.emit(MonitorMessage.Backlog, await this.query.inbox(tpsId));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  private async push(ids: string[]): Promise<void> {
    const sent = await this.query.sent(ids);
    const recipients = await this.query.recipients(ids);
    for (const m of sent) {
      this.pushed.add(m.messageId);
      const rooms = (recipients.get(m.messageId) ?? []).map(tpsRoom);
      if (!rooms.length) continue;
      this.ns?.to(rooms).emit(MonitorMessage.New, {
        messageId: m.messageId,
        text: m.text,
        priority: m.priority,
        sentAt: m.sentAt,
        sentBy: m.sentBy,
        read: false,
        readAt: null,
      });
    }
  }

  private async authenticate(socket: MonitorSocket): Promise<void> {
    const token: unknown = socket.handshake.auth.token;
    if (typeof token !== 'string' || token === '') throw new DomainError(LiveAuthError.Unauthenticated, 401, 'no token');
    const principal = await this.tokens.verify(token);
    if (principal.role !== 'officer') throw new DomainError(LiveAuthError.Forbidden, 403, 'this channel is for monitors');
    await this.users.assertCurrent(principal);
    socket.data.principal = principal;
  }
}
