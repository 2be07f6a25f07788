/** Messages from the posko to monitors: send, list (inbox or sent), mark read (docs/posko.md). */
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiRoute } from '../http/api-doc.decorator.js';
import { DomainError, ValidationError } from '../http/domain-error.js';
import { parseBody } from '../http/parse-body.js';
import { CLOCK, type Clock } from '../incidents/clock.js';
import { REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { IDEMPOTENCY_KEY } from '../tps/tps.http.controller.js';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
import { awaitPosition } from '../read-api/read-position.js';
import { MessageStore } from './message-store.js';
import { messagesApiDocs } from './messages.api-docs.js';
import type { InboxMessage, SentMessage } from './messages.contract.js';
import { messageStream, type MessageEvent, type MessageSent } from './messages.events.js';
import { MessagesQuery } from './messages.query.js';
import { sendMessageSchema } from './messages.schema.js';
import { recipientsOf } from './recipients.js';

const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A retried send with the same Idempotency-Key maps to the same message (and stream). */
function messageIdFor(p: Principal, key: string | undefined): string {
  if (key === undefined) return randomUUID();
  if (!IDEMPOTENCY_KEY.test(key))
    throw new ValidationError([{ path: 'Idempotency-Key', problem: 'must be 8-128 characters of A-Z a-z 0-9 _ . : -' }]);
  const h = createHash('sha256').update(`${p.sub}\nPOST /api/messages\n${key}`).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

@ApiTags('posko')
@Controller()
export class MessagesController {
  constructor(
    private readonly store: MessageStore,
    private readonly query: MessagesQuery,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @Inject(READ_MODELS) private readonly rm: ReadModels,
  ) {}

  @Post('messages')
  @HttpCode(201)
  @Roles('operator', 'admin')
  @ApiRoute(messagesApiDocs.send)
  async send(@Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    const b = parseBody(sendMessageSchema, body);
    const { tps, problems } = recipientsOf(this.ref, b.to);
    if (problems.length) throw new ValidationError(problems);
    const messageId = messageIdFor(p, req.header('idempotency-key'));
    const data: MessageSent['data'] = {
      messageId,
      to: b.to,
      recipients: tps,
      text: b.text,
      priority: b.priority,
      sentBy: p.sub,
      at: this.clock.now().toISOString(),
    };
    let earlier: MessageSent['data'] | null = null;
    const written = await this.store.decideAndAppend(messageStream(messageId), p, (history) => {
      const first = history[0];
      if (!first) return { type: 'MessageSent', data };
      earlier = first.data as MessageSent['data'];
      const same = JSON.stringify([earlier.to, earlier.text, earlier.priority]) === JSON.stringify([b.to, b.text, b.priority]);
      if (!same) throw new DomainError('IDEMPOTENCY.KEY_REUSED', 422, 'This Idempotency-Key was used with a different request body');
      return null;
    });
    const sent: MessageSent['data'] = earlier ?? data;
    return {
      messageId,
      recipients: sent.recipients.length,
      sentAt: sent.at,
      ...(written ? { position: written.position } : { replayed: true }),
    };
  }

  /** A monitor: the messages to its TPS, newest first, with read state. The posko (and auditors): what was sent, with read counts. */
  @Get('messages')
  @Roles('officer', 'operator', 'admin', 'auditor')
  async list(
    @CurrentPrincipal() p: Principal,
    @Query('minPosition') min: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<InboxMessage[] | SentMessage[]> {
    await awaitPosition(this.rm, min, res);
    if (p.role === 'officer') return this.query.inbox(p.tpsId!);
    return this.query.sent();
  }

  @Post('messages/:messageId/read')
  @Roles('officer')
  @ApiRoute(messagesApiDocs.read)
  async read(@Param('messageId') messageId: string, @CurrentPrincipal() p: Principal, @Res({ passthrough: true }) res: Response) {
    if (!MESSAGE_ID.test(messageId)) throw notFound();
    const tpsId = p.tpsId!;
    let readAt: string | null = null;
    const written = await this.store.decideAndAppend(messageStream(messageId), p, (history): MessageEvent | null => {
      const sent = history[0]?.data as MessageSent['data'] | undefined;
      if (history[0]?.type !== 'MessageSent' || !sent?.recipients.includes(tpsId)) throw notFound();
      const before = history.find((e) => e.type === 'MessageRead' && (e.data as { tpsId: string }).tpsId === tpsId);
      if (before) {
        readAt = (before.data as { at: string }).at;
        return null;
      }
      readAt = this.clock.now().toISOString();
      return { type: 'MessageRead', data: { messageId, tpsId, officer: p.sub, at: readAt } };
    });
    res.status(written ? 201 : 200);
    return { messageId, tpsId, readAt, ...(written ? { position: written.position } : { alreadyRead: true }) };
  }
}

const notFound = () => new DomainError('MESSAGE.NOT_FOUND', 404, 'No such message for this TPS');
