import { timedAppend } from '../metrics/metrics.js';
import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson, eventHash, GENESIS_HASH } from '../audit/event-hash.js';
import { WrongExpectedRevisionError } from '../event-store/event-store.errors.js';
import { EVENT_STORE, type EventMetadata, type EventStore, type RecordedEvent } from '../event-store/event-store.port.js';
import { DomainError } from '../http/domain-error.js';
import type { Principal } from '../auth/principal.js';
import { decide, evolve, initialState, type TpsCommand, type TpsState } from './tps.decider.js';
import { tpsStream, type TpsEvent } from './tps.events.js';
import { TpsStateCache, type CachedTps } from './tps-state-cache.js';

export interface CommandContext {
  principal: Principal;
  requestId: string;
  /** The client's own X-Request-Id, kept beside the server's correlationId. */
  clientRequestId?: string;
  /** Time the client says it happened, if it says. */
  clientTime: string | null;
  /** The Idempotency-Key header, scoped to actor and route. */
  idempotencyKey?: string;
  /** Route the key is scoped to, e.g. `POST /api/tps/:id/tally`. */
  route: string;
  body: unknown;
  /** Aborted once the request has been answered 503 REQUEST.TIMEOUT: nothing is appended after that. */
  signal?: AbortSignal;
}

export interface CommandResult {
  event: RecordedEvent<TpsEvent['type'], TpsEvent['data']>;
  /** True when this answers a retry: the first request's event, nothing appended now. */
  replayed: boolean;
}

const MAX_ATTEMPTS = 5;

/** A decider of another module (e.g. the incident lifecycle) over the stream's recorded history and folded state. */
export interface OwnDecision {
  decideOver(history: readonly RecordedEvent[], state: TpsState): TpsEvent[];
}

/** The request's deadline passed before its append: it was answered 503 and is dropped without an answer or a log. */
export class RequestAbandonedError extends Error {
  constructor() {
    super('request abandoned after its deadline');
    this.name = 'RequestAbandonedError';
  }
}

/** A UUID (v8 layout) derived from a hash, so a retried request maps to the same event id. */
function uuidFromHash(input: string): string {
  const h = createHash('sha256').update(input).digest();
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function foldHistory(history: RecordedEvent<TpsEvent['type'], TpsEvent['data']>[]): CachedTps {
  let state = initialState();
  for (const e of history) state = evolve(state, { type: e.type, data: e.data } as TpsEvent, Number(e.revision));
  const last = history.at(-1);
  return {
    state,
    revision: last ? last.revision : null,
    lastHash: typeof last?.metadata.hash === 'string' ? last.metadata.hash : null,
    ids: new Set(history.map((e) => e.id)),
  };
}

/** The cache entry after this process appended `event`: folded as a reader of the stored (JSON) event would fold it. */
function afterAppend(view: CachedTps, event: TpsEvent, revision: bigint, eventId: string, metadata: EventMetadata): CachedTps {
  const stored = { type: event.type, data: JSON.parse(JSON.stringify(event.data)) as unknown } as TpsEvent;
  return {
    state: evolve(view.state, stored, Number(revision)),
    revision,
    lastHash: metadata.hash as string,
    ids: new Set([...view.ids, eventId]),
  };
}

/**
 * Runs a command against a TPS stream: 1. read the stream (or take the state cached by this process, tps-state-cache.ts); 2. answer a retried Idempotency-Key from the stored event;
 * 3. fold the state and decide; 4. chain the hash; 5. append with the revision read, and on a concurrent append go
 * back to 1 so the decision is taken again on the newer state (which is how racing corrections get 409).
 */
@Injectable()
export class TpsCommandHandler {
  private readonly cache = new TpsStateCache();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async handle(
    tpsId: string,
    command: TpsCommand | ((state: TpsState) => TpsCommand) | OwnDecision,
    ctx: CommandContext,
  ): Promise<CommandResult> {
    const stream = tpsStream(tpsId);
    const requestHash = createHash('sha256')
      .update(canonicalJson(ctx.body ?? null))
      .digest('hex');
    const eventId = ctx.idempotencyKey ? uuidFromHash(`${ctx.principal.sub}\n${ctx.route}\n${ctx.idempotencyKey}`) : randomUUID();

    let conflicts = 0;
    let useCache = true;
    for (;;) {
      // The cache only for the first look: after a conflict or a doubtful decision, the stream itself.
      const cached = useCache ? this.cache.get(stream) : undefined;
      useCache = false;
      let view: CachedTps;
      // Another module's decider reads the recorded history itself: it always gets the stream, not the cache.
      const own = typeof command === 'object' && 'decideOver' in command ? command : undefined;
      let history: readonly RecordedEvent[] | undefined;
      if (cached && !own && !(ctx.idempotencyKey && cached.ids.has(eventId))) {
        view = cached;
      } else {
        const read = (await this.store.readStream(stream)) as RecordedEvent<TpsEvent['type'], TpsEvent['data']>[];
        history = read;
        const earlier = ctx.idempotencyKey ? read.find((e) => e.id === eventId) : undefined;
        if (earlier) {
          if (earlier.metadata.requestHash !== requestHash) {
            throw new DomainError('IDEMPOTENCY.KEY_REUSED', 422, 'This Idempotency-Key was used with a different request body');
          }
          return { event: earlier, replayed: true };
        }
        view = foldHistory(read);
        this.cache.set(stream, view);
      }
      let decided: TpsEvent;
      try {
        [decided] = own
          ? own.decideOver(history ?? [], view.state)
          : decide(typeof command === 'function' ? command(view.state) : (command as TpsCommand), view.state);
      } catch (e) {
        // A refusal on a cached state may be a stale one (another node wrote): decide again on the stream.
        if (view === cached) continue;
        throw e;
      }

      const revision = view.revision === null ? 0 : Number(view.revision) + 1;
      const metadata: EventMetadata = {
        actor: ctx.principal.sub,
        role: ctx.principal.role,
        correlationId: ctx.requestId,
        ...(ctx.clientRequestId ? { clientRequestId: ctx.clientRequestId } : {}),
        causationId: null,
        clientTime: ctx.clientTime,
        serverTime: new Date().toISOString(),
        ...(ctx.idempotencyKey ? { idempotencyKey: ctx.idempotencyKey, requestHash } : {}),
        prevHash: view.lastHash ?? GENESIS_HASH,
      };
      metadata.hash = eventHash({ stream, revision, eventId, type: decided.type, data: decided.data, metadata });
      // The client already has its 503 and will retry with the same key: appending now would only make a commit it
      // cannot see. (An append already sent to the store is not called back; the retry then answers `replayed`.)
      if (ctx.signal?.aborted) throw new RequestAbandonedError();
      try {
        const result = await timedAppend(decided.type, () =>
          this.store.appendToStream(stream, [{ id: eventId, type: decided.type, data: { ...decided.data }, metadata }], {
            expectedRevision: view.revision ?? 'no_stream',
          }),
        );
        if (result.written === true) this.cache.set(stream, afterAppend(view, decided, result.nextExpectedRevision, eventId, metadata));
        else this.cache.drop(stream);
        if (ctx.idempotencyKey && result.written !== true) {
          // Two requests with one key can both decide before either appends; the store then answers the loser with
          // the winner's result (same event id). Only the stored event tells which body won. A store that says it
          // wrote the event itself (the PostgreSQL one does) spares this read.
          const [stored] = await this.store.readStream(stream, { fromRevision: result.nextExpectedRevision, maxCount: 1 });
          if (stored && stored.id === eventId && stored.metadata.hash !== metadata.hash) {
            if (stored.metadata.requestHash !== requestHash) {
              throw new DomainError('IDEMPOTENCY.KEY_REUSED', 422, 'This Idempotency-Key was used with a different request body');
            }
            return { event: stored as CommandResult['event'], replayed: true };
          }
        }
        return {
          replayed: false,
          event: {
            id: eventId,
            stream,
            revision: result.nextExpectedRevision,
            position: result.position,
            type: decided.type,
            data: decided.data,
            metadata,
            recordedAt: new Date(metadata.serverTime),
          },
        };
      } catch (e) {
        this.cache.drop(stream);
        if (e instanceof WrongExpectedRevisionError && ++conflicts < MAX_ATTEMPTS) continue;
        if (e instanceof WrongExpectedRevisionError) {
          throw new DomainError('STORE.CONFLICT', 409, 'This TPS is being changed by others right now; retry', {
            currentRevision: e.actual === 'no_stream' ? null : Number(e.actual),
          });
        }
        throw e;
      }
    }
  }
}
