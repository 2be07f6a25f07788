/**
 * The incidents report: one row per incident with each step of its lifecycle as it exists today (reported, by the
 * server's time, with the time the reporter gave; resolved, with its note), read from the `incidents` read model a page at a time inside the report's snapshot.
 */
import type { QueryRunner } from 'typeorm';
import { QueryParams } from '../audit/query-params.js';
import type { IncidentView } from '../live/live.contract.js';
import { rows } from '../projections/projection.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { INCIDENT_CATEGORIES } from '../tps/tally-form.schema.js';
import { wib } from './report-meta.js';
import type { TableColumn } from './table-writers.js';

export interface IncidentsQuery {
  format: 'csv' | 'xlsx';
  status?: 'open' | 'resolved';
  kelurahan?: string;
  kecamatan?: string;
  severity?: IncidentView['severity'];
  category?: string;
}

export function parseIncidentsQuery(query: Record<string, unknown>): IncidentsQuery {
  const p = new QueryParams(query);
  const q: IncidentsQuery = {
    format: (p.word('format', /^(csv|xlsx)$/, 'must be csv or xlsx') ?? 'csv') as 'csv' | 'xlsx',
    status: p.word('status', /^(open|resolved)$/, 'must be open or resolved') as IncidentsQuery['status'],
    kelurahan: p.code('kelurahan', 10, 'kelurahan'),
    kecamatan: p.code('kecamatan', 6, 'kecamatan'),
    severity: p.word('severity', /^(low|medium|high|critical)$/, 'must be low, medium, high or critical') as IncidentsQuery['severity'],
    category: p.word('category', new RegExp(`^(${INCIDENT_CATEGORIES.join('|')})$`), `must be one of ${INCIDENT_CATEGORIES.join(', ')}`),
  };
  p.done();
  return q;
}

export interface IncidentRow extends IncidentView {
  kelurahanName: string;
  kecamatanName: string;
}

const PAGE = 1000;

/** Incidents matching the filters, oldest report first, a page at a time by (reported_at, incident_id). */
export async function* incidentRows(tx: QueryRunner, ref: ReferenceData, q: IncidentsQuery): AsyncGenerator<IncidentRow> {
  const kecName = new Map(ref.kecamatan.map((k) => [k.code, k.name]));
  const inKecamatan = q.kecamatan ? ref.kelurahan.filter((k) => k.kecamatanCode === q.kecamatan).map((k) => k.code) : null;
  let after: [string, string] | null = null;
  for (;;) {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (n: number) => string, v: unknown) => where.push(sql(params.push(v)));
    if (q.status) add((n) => `status = $${n}`, q.status);
    if (q.kelurahan) add((n) => `kelurahan_code = $${n}`, q.kelurahan);
    if (inKecamatan) add((n) => `kelurahan_code = ANY($${n})`, inKecamatan);
    if (q.severity) add((n) => `doc->>'severity' = $${n}`, q.severity);
    if (q.category) add((n) => `doc->>'category' = $${n}`, q.category);
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
      const kel = ref.kelurahanByCode.get(r.doc.kelurahanCode);
      yield { ...r.doc, kelurahanName: kel?.name ?? '', kecamatanName: kel ? (kecName.get(kel.kecamatanCode) ?? '') : '' };
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
  { key: 'reportedAtWib', header: 'Dilaporkan (WIB)', width: 30, value: (r) => time(r.reportedAt) },
  { key: 'reportedAt', header: 'Dilaporkan (ISO)', width: 26, value: (r) => r.reportedAt },
  { key: 'occurredAt', header: 'Terjadi menurut pelapor (ISO)', width: 26, value: (r) => r.occurredAt },
  { key: 'resolvedAtWib', header: 'Diselesaikan (WIB)', width: 30, value: (r) => time(r.resolvedAt) },
  { key: 'resolvedAt', header: 'Diselesaikan (ISO)', width: 26, value: (r) => r.resolvedAt ?? '' },
  { key: 'resolutionNote', header: 'Catatan penyelesaian', width: 40, value: (r) => r.resolutionNote ?? '' },
];
