import { QueryParams } from '../audit/query-params.js';
import { INCIDENT_PAGE_MAX } from '../read-api/incident-page.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { INCIDENT_CATEGORIES } from '../tps/tally-form.schema.js';
import { INCIDENT_STATES, SEVERITIES, type IncidentState, type Severity } from './incidents.contract.js';
import type { IncidentFilter, PageCursor } from './incidents.query.js';

/** Comma lists of known words (`state=reported,reopened`). */
function list<T extends string>(p: QueryParams, name: string, known: readonly T[]): T[] | undefined {
  const v = p.word(
    name,
    new RegExp(`^(${known.join('|')})(,(${known.join('|')}))*$`),
    `must be one or more of ${known.join(', ')} (comma-separated)`,
  );
  return v === undefined ? undefined : (v.split(',') as T[]);
}

export function encodeCursor(c: PageCursor): string {
  const tuple = c.overdue === undefined ? [c.rank, c.reportedAt, c.incidentId] : [c.rank, c.reportedAt, c.incidentId, c.overdue];
  return Buffer.from(JSON.stringify(tuple)).toString('base64url');
}

/** The read-api's cursor (rank, reportedAt, id), or ours with the overdue flag; null when it is neither. */
export function decodeCursor(raw: string): PageCursor | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || (v.length !== 3 && v.length !== 4)) return null;
    const [rank, reportedAt, incidentId, overdue] = v as unknown[];
    if ((rank !== 0 && rank !== 1) || typeof reportedAt !== 'string' || typeof incidentId !== 'string') return null;
    if (Number.isNaN(Date.parse(reportedAt)) || !/^[\w.-]{1,64}$/.test(incidentId)) return null;
    if (overdue !== undefined && typeof overdue !== 'boolean') return null;
    return { rank, reportedAt, incidentId, ...(overdue === undefined ? {} : { overdue }) };
  } catch {
    return null;
  }
}

/**
 * The incident filters, read the same way for the posko's queue (GET /api/incidents) and the incidents report
 * (GET /api/reports/incidents), so a report holds exactly what the screen listed. Problems go to `p`.
 */
export function readIncidentFilter(p: QueryParams, ref: ReferenceData): IncidentFilter {
  const status = p.word('status', /^(open|resolved)$/, 'must be open or resolved') as 'open' | 'resolved' | undefined;
  const state = list<IncidentState>(p, 'state', INCIDENT_STATES);
  const severity = list<Severity>(p, 'severity', SEVERITIES);
  const category = p.word(
    'category',
    new RegExp(`^(${INCIDENT_CATEGORIES.join('|')})$`),
    `must be one of ${INCIDENT_CATEGORIES.join(', ')}`,
  );
  const kelurahan = p.code('kelurahan', 10, 'kelurahan');
  const kecamatan = p.code('kecamatan', 6, 'kecamatan');
  const assignee = p.word('assignee', /^[A-Za-z0-9_.-]{1,64}$/, 'must be a user name');
  const overdue = p.word('overdue', /^(true|false)$/, 'must be true or false');
  if (kelurahan && /^\d{10}$/.test(kelurahan) && !ref.kelurahanByCode.has(kelurahan))
    p.problems.push({ path: 'kelurahan', problem: 'no such kelurahan in this city' });
  if (kecamatan && /^\d{6}$/.test(kecamatan) && !ref.kecamatan.some((k) => k.code === kecamatan))
    p.problems.push({ path: 'kecamatan', problem: 'no such kecamatan in this city' });
  return {
    status,
    state,
    severity,
    category,
    kelurahan,
    kecamatan,
    assignee,
    overdue: overdue === undefined ? undefined : overdue === 'true',
  };
}

/** GET /api/incidents' query: every bad parameter named at once (400 REQUEST.INVALID). */
export function parseIncidentQuery(q: Record<string, unknown>, ref: ReferenceData) {
  const p = new QueryParams(q);
  const filter = readIncidentFilter(p, ref);
  const sort = p.word('sort', /^overdue$/, 'must be overdue (overdue incidents first), or absent');
  const limit = p.int('limit', 1, INCIDENT_PAGE_MAX, INCIDENT_PAGE_MAX);
  const cursorRaw = p.word('cursor', /^[A-Za-z0-9_-]{1,400}$/, 'must be the X-Next-Cursor of an earlier page');
  const minPosition = p.position('minPosition');
  const after = cursorRaw === undefined ? undefined : decodeCursor(cursorRaw);
  if (after === null) p.problems.push({ path: 'cursor', problem: 'must be the X-Next-Cursor of an earlier page' });
  p.done();
  const query = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'cursor'));
  return { filter, page: { limit, after: after ?? undefined, overdueFirst: sort === 'overdue' }, minPosition, query };
}
