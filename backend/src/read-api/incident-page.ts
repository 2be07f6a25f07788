/** Pages of incidents in compareIncidents order, with an opaque cursor naming the last item of a page. */
import { incidentRank, type IncidentView } from '../live/live.contract.js';
import type { IncidentCursor, ReadModels } from '../projections/read-models.port.js';

export const INCIDENT_PAGE_MAX = 500;

export function incidentCursor(i: IncidentView): string {
  return Buffer.from(JSON.stringify([incidentRank(i), i.reportedAt, i.incidentId])).toString('base64url');
}

/** The cursor a page ended with, or null when it is not one this server gave out. */
export function parseIncidentCursor(raw: string): IncidentCursor | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 3) return null;
    const [rank, reportedAt, incidentId] = v as unknown[];
    if ((rank !== 0 && rank !== 1) || typeof reportedAt !== 'string' || typeof incidentId !== 'string') return null;
    if (Number.isNaN(Date.parse(reportedAt)) || !/^[\w.-]{1,64}$/.test(incidentId)) return null;
    return { rank, reportedAt, incidentId };
  } catch {
    return null;
  }
}

/** One page: `limit` items after `after`, and the cursor of the next page (null on the last). */
export async function incidentPage(
  rm: ReadModels,
  filter: { status?: 'open' | 'resolved'; after?: IncidentCursor; limit: number },
): Promise<{ items: IncidentView[]; nextCursor: string | null }> {
  const found = await rm.incidents({ ...filter, limit: filter.limit + 1 });
  const items = found.slice(0, filter.limit);
  return { items, nextCursor: found.length > filter.limit ? incidentCursor(items[items.length - 1]) : null };
}
