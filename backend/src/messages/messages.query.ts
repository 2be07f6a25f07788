import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { InboxMessage, SentMessage } from './messages.contract.js';
import type { MessageSent } from './messages.events.js';

type Doc = MessageSent['data'];

@Injectable()
export class MessagesQuery {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Messages to this TPS, newest first, with whether (and when) it read them; `ids` narrows to those. */
  async inbox(tpsId: string, ids?: string[]): Promise<InboxMessage[]> {
    const rows: { doc: Doc; read_at: Date | null }[] = await this.db.query(
      `SELECT m.doc, r.read_at FROM rm_message m
       LEFT JOIN rm_message_read r ON r.message_id = m.message_id AND r.tps_id = $1
       WHERE $1 = ANY(m.recipients) ${ids ? 'AND m.message_id = ANY($2)' : ''}
       ORDER BY m.sent_at DESC, m.message_id DESC LIMIT 500`,
      ids ? [tpsId, ids] : [tpsId],
    );
    return rows.map((r) => ({
      messageId: r.doc.messageId,
      text: r.doc.text,
      priority: r.doc.priority,
      sentAt: r.doc.at,
      sentBy: r.doc.sentBy,
      read: r.read_at !== null,
      readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
    }));
  }

  /** What the posko sent, newest first, with "n of m read". */
  async sent(ids?: string[]): Promise<SentMessage[]> {
    const rows: { doc: Doc; read: number }[] = await this.db.query(
      `SELECT m.doc, (SELECT count(*)::int FROM rm_message_read r WHERE r.message_id = m.message_id) AS read
       FROM rm_message m ${ids ? 'WHERE m.message_id = ANY($1)' : ''}
       ORDER BY m.sent_at DESC, m.message_id DESC LIMIT 500`,
      ids ? [ids] : [],
    );
    return rows.map((r) => ({
      messageId: r.doc.messageId,
      text: r.doc.text,
      priority: r.doc.priority,
      sentAt: r.doc.at,
      sentBy: r.doc.sentBy,
      to: r.doc.to,
      recipients: r.doc.recipients.length,
      read: r.read,
    }));
  }

  /** Recipients of these messages, by message id. */
  async recipients(ids: string[]): Promise<Map<string, string[]>> {
    const rows: { message_id: string; recipients: string[] }[] = await this.db.query(
      `SELECT message_id, recipients FROM rm_message WHERE message_id = ANY($1)`,
      [ids],
    );
    return new Map(rows.map((r) => [r.message_id, r.recipients]));
  }
}
