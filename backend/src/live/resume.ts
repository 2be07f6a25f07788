import type { Role } from '../auth/principal.js';
import type { ReadModels } from '../projections/read-models.port.js';
import { incidentPage } from '../read-api/incident-page.js';
import { tpsViewFor } from '../read-api/visibility.js';
import { comparePositionStrings, RESUME_INCIDENTS, type ResumeAnswer } from './live.contract.js';

const POSITION = /^\d{1,20}\/\d{1,20}$/;

/** Past this many changed TPS the client is better served by the whole picture (635 TPS is one small answer). */
const MAX_CHANGED_TPS = 300;

export class ResumeError extends Error {}
export const SNAPSHOT_REFUSED = 'LIVE.RATE_LIMITED';

/**
 * What a (re)connecting client needs to be current: the changes after the last position it applied, or a snapshot when
 * it has none, when that position is too far back, or when it lies ahead of this server (a reset database).
 * 1. Read the position first: the items read after it reflect at least that much, and anything committed later reaches
 *    the client as a broadcast (it already sits in its rooms).
 * 2. Ask the read models what changed since `after`.
 * 3. Load those items, or everything: a snapshot carries the first RESUME_INCIDENTS incidents (compareIncidents order)
 *    and the cursor of the rest (GET /api/incidents); the changes mode is bounded by changedSince.
 * TPS views are shown as `role` may see them (read-api/visibility.ts).
 */
export async function resume(rm: ReadModels, after: unknown, role?: Role, opts: { snapshotAllowed?: boolean } = {}): Promise<ResumeAnswer> {
  if (after !== null && (typeof after !== 'string' || !POSITION.test(after))) throw new ResumeError('RESUME.BAD_POSITION');
  const position = await rm.position();
  const ahead = after !== null && comparePositionStrings(after, position) > 0;
  const changed = after === null || ahead ? null : await rm.changedSince(after);
  if (changed && changed.tpsIds.length <= MAX_CHANGED_TPS) {
    // The kelurahan of the changed TPS only (an incident's open count moves with its TPS's row): never every kelurahan.
    const kelurahanCodes = [...new Set(changed.tpsIds.map((id) => id.slice(0, 10)))];
    const [summary, kelurahan, tps, incidents] = await Promise.all([
      rm.summary(),
      kelurahanCodes.length ? rm.kelurahanSummaries(kelurahanCodes) : [],
      changed.tpsIds.length ? rm.tpsMany(changed.tpsIds) : [],
      changed.incidentIds.length ? rm.incidents({ ids: changed.incidentIds }) : [],
    ]);
    return { mode: 'changes', position, summary, kelurahan, tps: tps.map((t) => tpsViewFor(role, t)), incidents };
  }
  // Over its allowance of full resumes (socket-limits.ts), a client gets a refusal, not the whole picture again.
  if (opts.snapshotAllowed === false) throw new ResumeError(SNAPSHOT_REFUSED);
  // Bounded like the city lists (UNPAGED_LIST_LIMIT: the whole city); past that the cursors say where the paged routes
  // (/api/kelurahan, /api/tps) continue, so a national reference never builds one huge answer.
  const [summary, kelurahan, tps, incidents] = await Promise.all([
    rm.summary(),
    rm.kelurahanPage(),
    rm.tpsPage(),
    incidentPage(rm, { limit: RESUME_INCIDENTS }),
  ]);
  return {
    mode: 'snapshot',
    position,
    summary,
    kelurahan: kelurahan.items,
    tps: tps.items.map((t) => tpsViewFor(role, t)),
    incidents: incidents.items,
    incidentsNextCursor: incidents.nextCursor,
    ...(kelurahan.nextCursor ? { kelurahanNextCursor: kelurahan.nextCursor } : {}),
    ...(tps.nextCursor ? { tpsNextCursor: tps.nextCursor } : {}),
  };
}
