/**
 * What every report says about itself: when it was made, the log position its numbers reflect, the log-chain head at
 * that position (from the audit anchors, so it can be checked with GET /api/audit/verify?expectHead=&at=), and the
 * newest signed checkpoint. Read inside the report's own snapshot.
 */
import type { QueryRunner } from 'typeorm';
import { latestCheckpoint, type StoredCheckpoint } from '../audit/checkpoints/checkpoint-store.js';
import { positionFromString } from '../event-store/position.js';
import { rows } from '../projections/projection.js';

export interface ReportMeta {
  madeAt: Date;
  /** Read models' position (every projection has passed it); null before the first event. */
  position: string | null;
  /** Log-chain head after the last TPS event at or before `position`, and that event's position. */
  logHead: { position: string; head: string } | null;
  checkpoint: StoredCheckpoint | null;
}

export async function readReportMeta(tx: QueryRunner, position: string | null): Promise<ReportMeta> {
  let logHead: ReportMeta['logHead'] = null;
  if (position) {
    const p = positionFromString(position);
    const [a] = await rows<{ commit_pos: string; prepare_pos: string; log_head: string }>(
      tx,
      `SELECT commit_pos::text, prepare_pos::text, log_head FROM audit_anchor
       WHERE (commit_pos, prepare_pos) <= ($1::numeric, $2::numeric) ORDER BY audit_anchor.commit_pos DESC, audit_anchor.prepare_pos DESC LIMIT 1`,
      [p.commit.toString(), p.prepare.toString()],
    );
    if (a) logHead = { position: `${a.commit_pos}/${a.prepare_pos}`, head: a.log_head };
  }
  return { madeAt: new Date(), position, logHead, checkpoint: await latestCheckpoint(tx) };
}

/** WIB wall-clock time, e.g. `14 Februari 2024 pukul 19.05 WIB`. */
export function wib(d: Date): string {
  const s = new Intl.DateTimeFormat('id-ID', {
    timeZone: 'Asia/Jakarta',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
  return `${s} WIB`;
}

/** The lines a report carries about itself (key, value), in Bahasa Indonesia. */
export function metaLines(meta: ReportMeta, what: string): [string, string][] {
  const cp = meta.checkpoint;
  return [
    ['Laporan', what],
    ['Dibuat', `${wib(meta.madeAt)} (${meta.madeAt.toISOString()})`],
    ['Posisi log', meta.position ?? '-'],
    ['Kepala log (log head)', meta.logHead?.head ?? '-'],
    ['Posisi kepala log', meta.logHead?.position ?? '-'],
    ['Checkpoint bertanda tangan terakhir', cp ? `${cp.position} ${cp.logHead} (${cp.at}, kunci ${cp.keyId})` : '-'],
    ['Tanda tangan checkpoint', cp?.signature ?? '-'],
    ['Verifikasi', 'GET /api/audit/verify?expectHead=<kepala log>&at=<posisi kepala log>; docs/reports.md'],
  ];
}
