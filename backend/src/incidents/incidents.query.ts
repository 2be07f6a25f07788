/** GET /api/incidents: filters in SQL over the incidents read model; the deadline rule, order and paging in one place. */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { IncidentView } from '../live/live.contract.js';
import {
  deadlinesOf,
  SEVERITY_RANK,
  type DeadlinePolicy,
  type Deadlines,
  type IncidentState,
  type Severity,
} from './incidents.contract.js';

export interface IncidentFilter {
  status?: 'open' | 'resolved';
  state?: IncidentState[];
  severity?: Severity[];
  kelurahan?: string;
  kecamatan?: string;
  assignee?: string;
  overdue?: boolean;
  ids?: string[];
}

export type ListedIncident = IncidentView & { deadlines: Deadlines | null };

/** Overdue first, then open before resolved, then by severity, then the newest report (server time) first. */
export function orderIncidents(list: ListedIncident[]): ListedIncident[] {
  const key = (i: ListedIncident) => [
    i.deadlines?.overdue ? 0 : 1,
    i.status === 'open' ? 0 : 1,
    SEVERITY_RANK[i.severity],
    -Date.parse(i.lifecycle?.reportedServerAt ?? i.reportedAt),
  ];
  return [...list].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let n = 0; n < ka.length; n++) if (ka[n] !== kb[n]) return ka[n] - kb[n];
    return a.incidentId.localeCompare(b.incidentId);
  });
}

export function withDeadlines(view: IncidentView, policy: DeadlinePolicy, now: Date): ListedIncident {
  return { ...view, deadlines: view.lifecycle ? deadlinesOf(view.lifecycle, view.severity, policy, now) : null };
}

@Injectable()
export class IncidentsQuery {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * The matching incidents, ordered, one page of them and the total. The overdue filter and the order need the
   * clock, so they run here over the rows the SQL filters left (a city has hundreds of incidents, not millions).
   */
  async list(
    f: IncidentFilter,
    page: { page: number; pageSize: number },
    policy: DeadlinePolicy,
    now: Date,
  ): Promise<{ items: ListedIncident[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (n: number) => string, value: unknown) => where.push(sql(params.push(value)));
    if (f.status) add((n) => `status = $${n}`, f.status);
    if (f.state?.length) add((n) => `doc->'lifecycle'->>'state' = ANY($${n})`, f.state);
    if (f.severity?.length) add((n) => `doc->>'severity' = ANY($${n})`, f.severity);
    if (f.kelurahan) add((n) => `kelurahan_code = $${n}`, f.kelurahan);
    if (f.kecamatan) add((n) => `left(kelurahan_code, 6) = $${n}`, f.kecamatan);
    if (f.assignee) add((n) => `doc->'lifecycle'->>'assignee' = $${n}`, f.assignee);
    if (f.ids) add((n) => `incident_id = ANY($${n})`, f.ids);
    const found: { doc: IncidentView }[] = await this.ds.query(
      `SELECT doc FROM rm_incident ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
      params,
    );
    let all = found.map((r) => withDeadlines(r.doc, policy, now));
    if (f.overdue !== undefined) all = all.filter((i) => (i.deadlines?.overdue != null) === f.overdue);
    const ordered = orderIncidents(all);
    const start = (page.page - 1) * page.pageSize;
    return { items: ordered.slice(start, start + page.pageSize), total: ordered.length };
  }
}
