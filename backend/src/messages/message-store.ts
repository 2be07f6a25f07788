/** Appends to message streams with the same metadata and per-stream hash chain as the TPS streams (docs/events.md). */
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { eventHash, GENESIS_HASH } from '../audit/event-hash.js';
import type { Principal } from '../auth/principal.js';
import { WrongExpectedRevisionError } from '../event-store/event-store.errors.js';
import { EVENT_STORE, type EventMetadata, type EventStore, type RecordedEvent } from '../event-store/event-store.port.js';
import { positionToString } from '../event-store/position.js';
import { DomainError } from '../http/domain-error.js';
import { currentRequestId } from '../logging/request-context.js';
import type { MessageEvent } from './messages.events.js';

const MAX_ATTEMPTS = 5;

@Injectable()
export class MessageStore {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  read(stream: string): Promise<RecordedEvent[]> {
    return this.store.readStream(stream);
  }

  /**
   * Decides over the stream and appends what `decide` returns (nothing: no write), retrying on a concurrent append
   * so two monitors reading one message at once both land. Answers the position of the write, or null.
   */
  async decideAndAppend(
    stream: string,
    p: Principal,
    decide: (history: RecordedEvent[]) => MessageEvent | null,
  ): Promise<{ position: string; revision: number } | null> {
    for (let attempt = 1; ; attempt++) {
      const history = await this.store.readStream(stream);
      const decided = decide(history);
      if (!decided) return null;
      const last = history.at(-1);
      const revision = last ? Number(last.revision) + 1 : 0;
      const eventId = randomUUID();
      const metadata: EventMetadata = {
        actor: p.sub,
        role: p.role,
        correlationId: currentRequestId() ?? 'none',
        causationId: null,
        clientTime: null,
        serverTime: new Date().toISOString(),
        prevHash: typeof last?.metadata.hash === 'string' ? last.metadata.hash : GENESIS_HASH,
      };
      metadata.hash = eventHash({ stream, revision, eventId, type: decided.type, data: decided.data, metadata });
      try {
        const r = await this.store.appendToStream(stream, [{ id: eventId, type: decided.type, data: { ...decided.data }, metadata }], {
          expectedRevision: last ? last.revision : 'no_stream',
        });
        return { position: positionToString(r.position), revision };
      } catch (e) {
        if (e instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
        if (e instanceof WrongExpectedRevisionError)
          throw new DomainError('STORE.CONFLICT', 409, 'The message is being changed right now; retry');
        throw e;
      }
    }
  }
}
