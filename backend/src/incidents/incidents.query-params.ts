import { QueryParams } from '../audit/query-params.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { INCIDENT_STATES, SEVERITIES, type IncidentState, type Severity } from './incidents.contract.js';
import type { IncidentFilter } from './incidents.query.js';

/** Comma lists of known words (`state=reported,reopened`). */
function list<T extends string>(p: QueryParams, name: string, known: readonly T[]): T[] | undefined {
  const v = p.word(
    name,
    new RegExp(`^(${known.join('|')})(,(${known.join('|')}))*$`),
    `must be one or more of ${known.join(', ')} (comma-separated)`,
  );
  return v === undefined ? undefined : (v.split(',') as T[]);
}

/** GET /api/incidents' query: every bad parameter named at once (400 REQUEST.INVALID). */
export function parseIncidentQuery(q: Record<string, unknown>, ref: ReferenceData) {
  const p = new QueryParams(q);
  const status = p.word('status', /^(open|resolved)$/, 'must be open or resolved') as 'open' | 'resolved' | undefined;
  const state = list<IncidentState>(p, 'state', INCIDENT_STATES);
  const severity = list<Severity>(p, 'severity', SEVERITIES);
  const kelurahan = p.code('kelurahan', 10, 'kelurahan');
  const kecamatan = p.code('kecamatan', 6, 'kecamatan');
  const assignee = p.word('assignee', /^[A-Za-z0-9_.-]{1,64}$/, 'must be a user name');
  const overdue = p.word('overdue', /^(true|false)$/, 'must be true or false');
  const page = p.int('page', 1, 100_000, 1);
  const pageSize = p.int('pageSize', 1, 200, 50);
  const minPosition = p.position('minPosition');
  if (kelurahan && /^\d{10}$/.test(kelurahan) && !ref.kelurahanByCode.has(kelurahan))
    p.problems.push({ path: 'kelurahan', problem: 'no such kelurahan in this city' });
  if (kecamatan && /^\d{6}$/.test(kecamatan) && !ref.kecamatan.some((k) => k.code === kecamatan))
    p.problems.push({ path: 'kecamatan', problem: 'no such kecamatan in this city' });
  p.done();
  const filter: IncidentFilter = {
    status,
    state,
    severity,
    kelurahan,
    kecamatan,
    assignee,
    overdue: overdue === undefined ? undefined : overdue === 'true',
  };
  return { filter, page: { page, pageSize }, minPosition };
}
