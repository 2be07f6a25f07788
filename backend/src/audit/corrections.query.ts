/** `GET /api/audit/corrections`: the corrections read model, newest first, a page at a time by log position. */
import type { DataSource } from 'typeorm';
import { positionFromString } from '../event-store/position.js';
import type { CorrectionRow } from './corrections.projection.js';
import { QueryParams } from './query-params.js';
import type { CorrectionItem, CorrectionsPage } from './audit.contract.js';

export interface CorrectionsFilter {
  since?: Date;
  until?: Date;
  kelurahan?: string;
  kecamatan?: string;
  actor?: string;
  /** Exclusive: corrections strictly older (lower position) than this; the `next` of the previous page. */
  before?: string;
  limit: number;
}

export type { CorrectionItem, CorrectionsPage };

export const MAX_PAGE = 500;

export function parseCorrectionsQuery(query: Record<string, unknown>): CorrectionsFilter {
  const p = new QueryParams(query);
  const f: CorrectionsFilter = {
    since: p.time('since'),
    until: p.time('until'),
    kelurahan: p.code('kelurahan', 10, 'kelurahan'),
    kecamatan: p.code('kecamatan', 6, 'kecamatan'),
    actor: p.word('actor', /^[A-Za-z0-9._-]{1,64}$/, 'must be a NIP or user name'),
    before: p.position('before'),
    limit: p.int('limit', 1, MAX_PAGE, 50),
  };
  if (f.since && f.until && f.since > f.until) p.problems.push({ path: 'until', problem: 'must not be before since' });
  p.done();
  return f;
}

export async function listCorrections(ds: DataSource, f: CorrectionsFilter): Promise<CorrectionsPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (n: number) => string, v: unknown) => where.push(sql(params.push(v)));
  if (f.since) add((n) => `server_time >= $${n}`, f.since.toISOString());
  if (f.until) add((n) => `server_time <= $${n}`, f.until.toISOString());
  if (f.kelurahan) add((n) => `kelurahan_code = $${n}`, f.kelurahan);
  if (f.kecamatan) add((n) => `kecamatan_code = $${n}`, f.kecamatan);
  if (f.actor) add((n) => `actor = $${n}`, f.actor);
  if (f.before) {
    const b = positionFromString(f.before);
    params.push(b.commit.toString(), b.prepare.toString());
    where.push(`(commit_pos, prepare_pos) < ($${params.length - 1}::numeric, $${params.length}::numeric)`);
  }
  // One more than asked tells whether an older page exists.
  const found: (CorrectionRow & { server_time: Date })[] = await ds.query(
    `SELECT commit_pos::text, prepare_pos::text, event_id, tps_id, kelurahan_code, kecamatan_code, contest, revision::int,
       corrects_revision::int, actor, role, server_time, reason, diff
     FROM audit_correction ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY audit_correction.commit_pos DESC, audit_correction.prepare_pos DESC LIMIT ${f.limit + 1}`,
    params,
  );
  const page = found.slice(0, f.limit).map(toItem);
  return { corrections: page, next: found.length > f.limit ? page[page.length - 1].position : null };
}

function toItem(r: CorrectionRow & { server_time: Date }): CorrectionItem {
  return {
    position: `${r.commit_pos}/${r.prepare_pos}`,
    eventId: r.event_id,
    tpsId: r.tps_id,
    kelurahanCode: r.kelurahan_code,
    kecamatanCode: r.kecamatan_code,
    contest: r.contest,
    revision: r.revision,
    correctsRevision: r.corrects_revision,
    actor: r.actor,
    role: r.role,
    serverTime: new Date(r.server_time).toISOString(),
    reason: r.reason,
    diff: r.diff,
  };
}
