/** The messages read model: one row per message (with its recipients) and one per TPS that read it. */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { NO_EFFECT, posParams, table, type BatchContext, type BatchEffect, type Projection } from '../projections/projection.js';
import { MESSAGE_EVENT_TYPES, MESSAGE_STREAM_PREFIX, type MessageEvent } from './messages.events.js';

export class MessagesProjection implements Projection {
  readonly name = 'messages';
  readonly handles: ReadonlySet<string> = new Set(MESSAGE_EVENT_TYPES);
  readonly tables = ['rm_message', 'rm_message_read'] as const;
  readonly streamPrefix = MESSAGE_STREAM_PREFIX;

  async apply({ tx, schema }: BatchContext, events: RecordedEvent[]): Promise<BatchEffect> {
    const sent = [];
    const reads = [];
    for (const e of events) {
      const ev = { type: e.type, data: e.data } as MessageEvent;
      const [c, p] = posParams(e.position);
      if (ev.type === 'MessageSent')
        sent.push({
          message_id: ev.data.messageId,
          sent_at: ev.data.at,
          recipients: ev.data.recipients,
          doc: ev.data,
          last_commit: c,
          last_prepare: p,
        });
      else reads.push({ message_id: ev.data.messageId, tps_id: ev.data.tpsId, officer: ev.data.officer, read_at: ev.data.at });
    }
    if (sent.length === 0 && reads.length === 0) return NO_EFFECT;
    // Upserts: re-applying a batch after a checkpoint reset writes the same rows again.
    if (sent.length)
      await tx.query(
        `INSERT INTO ${table(schema, 'rm_message')} (message_id, sent_at, recipients, doc, last_commit, last_prepare)
         SELECT message_id, sent_at, ARRAY(SELECT jsonb_array_elements_text(recipients)), doc, last_commit, last_prepare
         FROM jsonb_to_recordset($1::jsonb) AS x(message_id text, sent_at timestamptz, recipients jsonb, doc jsonb, last_commit numeric, last_prepare numeric)
         ON CONFLICT (message_id) DO NOTHING`,
        [JSON.stringify(sent)],
      );
    if (reads.length)
      await tx.query(
        `INSERT INTO ${table(schema, 'rm_message_read')} (message_id, tps_id, officer, read_at)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(message_id text, tps_id text, officer text, read_at timestamptz)
         ON CONFLICT (message_id, tps_id) DO NOTHING`,
        [JSON.stringify(reads)],
      );
    return { ...NO_EFFECT, messageIds: [...new Set([...sent, ...reads].map((r) => r.message_id))] };
  }
}
