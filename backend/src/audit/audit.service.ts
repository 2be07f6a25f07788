import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../event-store/event-store.port.js';
import type { Position } from '../event-store/position.js';
import { positionToString } from '../event-store/position.js';
import { TPS_STREAM_PREFIX, tpsStream } from '../tps/tps.events.js';
import { ChainVerifier, nextLogHead, type VerifyReport } from './chain-verifier.js';
import { GENESIS_HASH } from './event-hash.js';
import { tpsHistory, type HistoryEntry } from './tps-history.js';

const PAGE = 2000;

/** Pages through the whole global log, forwards, TPS streams only. */
export async function* readWholeLog(store: EventStore): AsyncGenerator<RecordedEvent> {
  let after: Position | 'start' = 'start';
  for (;;) {
    const page = await store.readAll({ after, direction: 'forwards', maxCount: PAGE });
    for (const e of page) if (e.stream.startsWith(TPS_STREAM_PREFIX)) yield e;
    if (page.length < PAGE) return;
    after = page[page.length - 1].position;
  }
}

@Injectable()
export class AuditService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async history(tpsId: string): Promise<HistoryEntry[]> {
    return tpsHistory(await this.store.readStream(tpsStream(tpsId)));
  }

  /** Re-reads the store and checks every link of every chain. */
  async verify(): Promise<VerifyReport> {
    const v = new ChainVerifier();
    for await (const e of readWholeLog(this.store)) v.add(e);
    return v.report();
  }

  /** Every event as one JSON line with its hash and the log-chain head after it, for outside recomputation. */
  async *exportLines(): AsyncGenerator<string> {
    let head = GENESIS_HASH;
    for await (const e of readWholeLog(this.store)) {
      head = nextLogHead(head, e);
      yield JSON.stringify({
        position: positionToString(e.position),
        stream: e.stream,
        revision: Number(e.revision),
        eventId: e.id,
        type: e.type,
        data: e.data,
        metadata: e.metadata,
        recordedAt: e.recordedAt.toISOString(),
        hash: e.metadata.hash ?? null,
        logHead: head,
      });
    }
  }
}
