/**
 * GET /api/incidents: the posko's filters in SQL over the incidents read model. The default order (compareIncidents)
 * and its cursor paging are SQL's too; the overdue filter and `sort=overdue` need the clock, so with them the deadline
 * rule, the order and the paging run here over what the filters left.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { compareIncidents, incidentRank, type IncidentView } from '../live/live.contract.js';
import type { IncidentCursor } from '../projections/read-models.port.js';
import { deadlinesOf, type DeadlinePolicy, type Deadlines, type IncidentState, type Severity } from './incidents.contract.js';

export interface IncidentFilter {
  status?: 'open' | 'resolved';
  state?: IncidentState[];
  severity?: Severity[];
  category?: string;
  kelurahan?: string;
  kecamatan?: string;
  assignee?: string;
  overdue?: boolean;
  ids?: string[];
}

export type ListedIncident = IncidentView & { deadlines: Deadlines | null };

/** A page's last item: the read-api's cursor (rank, reportedAt, id), with the overdue flag when sorted overdue first. */
export type PageCursor = IncidentCursor & { overdue?: boolean };

export function withDeadlines(view: IncidentView, policy: DeadlinePolicy, now: Date): ListedIncident {
  return { ...view, deadlines: view.lifecycle ? deadlinesOf(view.lifecycle, view.severity, policy, now) : null };
}

export const isOverdue = (i: ListedIncident) => i.deadlines?.overdue != null;

/**
 * The SQL part of a filter over rm_incident (everything but `overdue`, which needs the clock): conditions to AND,
 * their values pushed onto `params`. Shared by the queue and the incidents report.
 */
export function incidentConditions(f: IncidentFilter, params: unknown[]): string[] {
  const where: string[] = [];
  const add = (sql: (n: number) => string, value: unknown) => where.push(sql(params.push(value)));
  if (f.status) add((n) => `status = $${n}`, f.status);
  if (f.state?.length) add((n) => `doc->'lifecycle'->>'state' = ANY($${n})`, f.state);
  if (f.severity?.length) add((n) => `doc->>'severity' = ANY($${n})`, f.severity);
  if (f.category) add((n) => `doc->>'category' = $${n}`, f.category);
  if (f.kelurahan) add((n) => `kelurahan_code = $${n}`, f.kelurahan);
  if (f.kecamatan) add((n) => `left(kelurahan_code, 6) = $${n}`, f.kecamatan);
  if (f.assignee) add((n) => `doc->'lifecycle'->>'assignee' = $${n}`, f.assignee);
  if (f.ids) add((n) => `incident_id = ANY($${n})`, f.ids);
  return where;
}

/** compareIncidents, with overdue incidents first when asked. */
export function incidentOrder(overdueFirst: boolean) {
  return (a: ListedIncident, b: ListedIncident): number =>
    (overdueFirst ? Number(isOverdue(b)) - Number(isOverdue(a)) : 0) || compareIncidents(a, b);
}

/** A stand-in with the cursor's sort keys, so the cursor is compared by the same rule as the items. */
function cursorItem(c: PageCursor): ListedIncident {
  const view = {
    incidentId: c.incidentId,
    reportedAt: c.reportedAt,
    status: c.rank === 1 ? 'open' : 'resolved',
    severity: c.rank === 1 ? 'critical' : 'low',
  } as IncidentView;
  return { ...view, deadlines: c.overdue ? { ackDueAt: null, resolveDueAt: null, overdue: 'resolve' } : null };
}

export function cursorOf(i: ListedIncident, overdueFirst: boolean): PageCursor {
  return { rank: incidentRank(i), reportedAt: i.reportedAt, incidentId: i.incidentId, ...(overdueFirst ? { overdue: isOverdue(i) } : {}) };
}

@Injectable()
export class IncidentsQuery {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * The matching incidents in order, `limit` of them after `after`, the cursor of the next page and the total. The
   * overdue filter and order need the clock, so they run here over the rows the SQL filters left (a city has hundreds
   * of incidents; a national queue is narrowed by area or state first); otherwise SQL orders and pages.
   */
  async list(
    f: IncidentFilter,
    page: { limit: number; after?: PageCursor; overdueFirst: boolean },
    policy: DeadlinePolicy,
    now: Date,
  ): Promise<{ items: ListedIncident[]; next: PageCursor | null; total: number }> {
    if (f.overdue === undefined && !page.overdueFirst) return this.listInSql(f, page, policy, now);
    const params: unknown[] = [];
    const where = incidentConditions(f, params);
    const found: { doc: IncidentView }[] = await this.ds.query(
      `SELECT doc FROM rm_incident ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
      params,
    );
    let all = found.map((r) => withDeadlines(r.doc, policy, now));
    if (f.overdue !== undefined) all = all.filter((i) => isOverdue(i) === f.overdue);
    const order = incidentOrder(page.overdueFirst);
    all.sort(order);
    const from = page.after ? all.filter((i) => order(i, cursorItem(page.after!)) > 0) : all;
    const items = from.slice(0, page.limit);
    const next = from.length > page.limit ? cursorOf(items[items.length - 1], page.overdueFirst) : null;
    return { items, next, total: all.length };
  }

  /**
   * Without the clock in the filter or the order, the order and the page are SQL's: compareIncidents as ORDER BY
   * (rank, server time, id in byte order, all descending) and the cursor as a row comparison, so a page costs its own
   * rows and a count, not every incident (20,000 on a national night).
   */
  private async listInSql(
    f: IncidentFilter,
    page: { limit: number; after?: PageCursor },
    policy: DeadlinePolicy,
    now: Date,
  ): Promise<{ items: ListedIncident[]; next: PageCursor | null; total: number }> {
    const params: unknown[] = [];
    const where = incidentConditions(f, params);
    const filtered = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }]: { total: number }[] = await this.ds.query(`SELECT count(*)::int AS total FROM rm_incident ${filtered}`, params);
    const paged = [...where];
    if (page.after) {
      const a = page.after;
      const at = (v: unknown) => `$${params.push(v)}`;
      paged.push(
        `(${RANK_SQL}, reported_at, incident_id COLLATE "C") < (${at(a.rank)}::int, ${at(a.reportedAt)}::timestamptz, ${at(a.incidentId)} COLLATE "C")`,
      );
    }
    const found: { doc: IncidentView }[] = await this.ds.query(
      `SELECT doc FROM rm_incident ${paged.length ? `WHERE ${paged.join(' AND ')}` : ''}
       ORDER BY ${RANK_SQL} DESC, reported_at DESC, incident_id COLLATE "C" DESC LIMIT ${page.limit + 1}`,
      params,
    );
    const all = found.map((r) => withDeadlines(r.doc, policy, now));
    const items = all.slice(0, page.limit);
    const next = all.length > page.limit ? cursorOf(items[items.length - 1], false) : null;
    return { items, next, total };
  }
}

/** incidentRank in SQL: open critical and high incidents first. */
const RANK_SQL = `(CASE WHEN status = 'open' AND doc->>'severity' IN ('critical', 'high') THEN 1 ELSE 0 END)`;
