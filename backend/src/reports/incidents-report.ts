/**
 * The incidents report: one row per incident with each step of its lifecycle as it stands (reported, by the server's
 * time, with the time the reporter gave; acknowledged, assigned, escalated, reopened, resolved, with who and notes) and
 * whether it is overdue, read from the `incidents` read model a page at a time inside the report's snapshot. The
 * filters are the posko queue's (incidents.query-params.ts), so the file holds what the screen listed.
 */
import type { QueryRunner } from 'typeorm';
import { QueryParams } from '../audit/query-params.js';
import type { IncidentView } from '../live/live.contract.js';
import { rows } from '../projections/projection.js';
import type { ReferenceData } from '../reference/reference-data.js';
import type { DeadlinePolicy } from '../incidents/incidents.contract.js';
import { incidentConditions, isOverdue, withDeadlines, type IncidentFilter, type ListedIncident } from '../incidents/incidents.query.js';
import { readIncidentFilter } from '../incidents/incidents.query-params.js';
import { wib } from './report-meta.js';
import type { TableColumn } from './table-writers.js';

export interface IncidentsQuery {
  format: 'csv' | 'xlsx';
  /** The posko queue's own filters (GET /api/incidents), read by the same function. */
  filter: IncidentFilter;
}

export function parseIncidentsQuery(query: Record<string, unknown>, ref: ReferenceData): IncidentsQuery {
  const p = new QueryParams(query);
  const format = (p.word('format', /^(csv|xlsx)$/, 'must be csv or xlsx') ?? 'csv') as 'csv' | 'xlsx';
  const filter = readIncidentFilter(p, ref);
  p.done();
  return { format, filter };
}

export type IncidentRow = ListedIncident & { kelurahanName: string; kecamatanName: string };

const PAGE = 1000;

/**
 * Incidents matching the filters, oldest report first, a page at a time by (reported_at, incident_id); the deadlines
 * (and the overdue filter) as of `now` by the server's policy.
 */
export async function* incidentRows(
  tx: QueryRunner,
  ref: ReferenceData,
  q: IncidentsQuery,
  policy: DeadlinePolicy,
  now: Date,
): AsyncGenerator<IncidentRow> {
  const kecName = new Map(ref.kecamatan.map((k) => [k.code, k.name]));
  let after: [string, string] | null = null;
  for (;;) {
    const params: unknown[] = [];
    const where = incidentConditions(q.filter, params);
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(reported_at, incident_id) > ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    const page = await rows<{ doc: IncidentView; at: string; incident_id: string }>(
      tx,
      `SELECT doc, reported_at::text AS at, incident_id FROM rm_incident ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY reported_at, incident_id LIMIT ${PAGE}`,
      params,
    );
    for (const r of page) {
      const listed = withDeadlines(r.doc, policy, now);
      if (q.filter.overdue !== undefined && isOverdue(listed) !== q.filter.overdue) continue;
      const kel = ref.kelurahanByCode.get(r.doc.kelurahanCode);
      yield { ...listed, kelurahanName: kel?.name ?? '', kecamatanName: kel ? (kecName.get(kel.kecamatanCode) ?? '') : '' };
    }
    if (page.length < PAGE) return;
    after = [page[page.length - 1].at, page[page.length - 1].incident_id];
  }
}

const time = (iso: string | null) => (iso ? wib(new Date(iso)) : '');

export const INCIDENT_COLUMNS: TableColumn<IncidentRow>[] = [
  { key: 'incidentId', header: 'ID insiden', width: 20, value: (r) => r.incidentId },
  { key: 'tpsId', header: 'TPS', width: 16, value: (r) => r.tpsId },
  { key: 'kelurahan', header: 'Kelurahan', width: 20, value: (r) => r.kelurahanName },
  { key: 'kecamatan', header: 'Kecamatan', width: 20, value: (r) => r.kecamatanName },
  { key: 'category', header: 'Kategori', width: 14, value: (r) => r.category },
  { key: 'severity', header: 'Tingkat', width: 10, value: (r) => r.severity },
  { key: 'description', header: 'Keterangan', width: 40, value: (r) => r.description },
  { key: 'status', header: 'Status', width: 10, value: (r) => r.status },
  { key: 'state', header: 'Tahap', width: 12, value: (r) => r.lifecycle?.state ?? '' },
  { key: 'overdue', header: 'Terlambat', width: 12, value: (r) => r.deadlines?.overdue ?? '' },
  { key: 'reportedAtWib', header: 'Dilaporkan (WIB)', width: 30, value: (r) => time(r.reportedAt) },
  { key: 'reportedAt', header: 'Dilaporkan (ISO)', width: 26, value: (r) => r.reportedAt },
  { key: 'occurredAt', header: 'Terjadi menurut pelapor (ISO)', width: 26, value: (r) => r.occurredAt },
  { key: 'acknowledgedBy', header: 'Diterima oleh', width: 14, value: (r) => r.lifecycle?.acknowledgedBy ?? '' },
  { key: 'acknowledgedAt', header: 'Diterima (ISO)', width: 26, value: (r) => r.lifecycle?.acknowledgedAt ?? '' },
  { key: 'assignee', header: 'Ditangani', width: 14, value: (r) => r.lifecycle?.assignee ?? '' },
  { key: 'assignedAt', header: 'Ditugaskan (ISO)', width: 26, value: (r) => r.lifecycle?.assignedAt ?? '' },
  { key: 'assignNote', header: 'Catatan penugasan', width: 30, value: (r) => r.lifecycle?.assignNote ?? '' },
  {
    key: 'escalations',
    header: 'Eskalasi',
    width: 40,
    value: (r) => (r.lifecycle?.escalations ?? []).map((e) => `${e.to} ${e.at} ${e.by}${e.note ? `: ${e.note}` : ''}`).join('; '),
  },
  { key: 'reopenCount', header: 'Dibuka kembali', width: 10, value: (r) => r.lifecycle?.reopenCount ?? 0 },
  { key: 'reopenReason', header: 'Alasan dibuka kembali', width: 30, value: (r) => r.lifecycle?.reopenReason ?? '' },
  { key: 'resolvedAtWib', header: 'Diselesaikan (WIB)', width: 30, value: (r) => time(r.resolvedAt) },
  { key: 'resolvedAt', header: 'Diselesaikan (ISO)', width: 26, value: (r) => r.resolvedAt ?? '' },
  { key: 'resolutionNote', header: 'Catatan penyelesaian', width: 40, value: (r) => r.resolutionNote ?? '' },
];
