/** Incidents, open and resolved: a pure fold per incident (`evolveIncident`) and the SQL that keeps one row each. */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { IncidentView } from '../live/live.contract.js';
import type { TpsEvent, TpsEventType } from '../tps/tps.events.js';
import { evolveLifecycle } from '../incidents/lifecycle.fold.js';
import { INCIDENT_LIFECYCLE_TYPES } from '../incidents/posko.events.js';
import { posParams, rows, table, type BatchContext, type BatchEffect, type Projection } from './projection.js';

export const INCIDENT_EVENTS: readonly TpsEventType[] = ['IncidentReported', 'IncidentResolved', ...INCIDENT_LIFECYCLE_TYPES];

export function incidentIdOf(e: RecordedEvent): string {
  return String((e.data as { incidentId?: unknown }).incidentId);
}

/** Null stays null for a resolution of an incident never reported (nothing to show); a repeated report changes nothing. */
export function evolveIncident(view: IncidentView | null, recorded: RecordedEvent): IncidentView | null {
  const next = evolveIncidentCore(view, recorded);
  // The posko's lifecycle (incidents/lifecycle.fold.ts) rides along on the view.
  return next && next !== view ? { ...next, lifecycle: evolveLifecycle(next.lifecycle ?? null, recorded)! } : next;
}

function evolveIncidentCore(view: IncidentView | null, recorded: RecordedEvent): IncidentView | null {
  const event = { type: recorded.type, data: recorded.data } as TpsEvent;
  switch (event.type) {
    case 'IncidentReported': {
      if (view) return view;
      const d = event.data;
      return {
        incidentId: d.incidentId,
        tpsId: d.tpsId,
        kelurahanCode: d.tpsId.slice(0, 10),
        category: d.category,
        severity: d.severity,
        description: d.description,
        status: 'open',
        // Server time orders feeds: a client's clock (or a client lying about it) cannot move a report up or down.
        reportedAt: recorded.recordedAt.toISOString(),
        occurredAt: d.at,
        resolvedAt: null,
        resolutionNote: null,
        location: d.location ? { lat: d.location.lat, lon: d.location.lon } : null,
      };
    }
    case 'IncidentResolved':
      if (!view) return null;
      return { ...view, status: 'resolved', resolvedAt: event.data.resolvedAt, resolutionNote: event.data.note };
    case 'IncidentReopened':
      if (!view) return null;
      return { ...view, status: 'open', resolvedAt: null, resolutionNote: null };
    case 'IncidentAcknowledged':
    case 'IncidentAssigned':
    case 'IncidentEscalated':
      return view ? { ...view } : null;
    default:
      return view;
  }
}

export class IncidentsProjection implements Projection {
  readonly name = 'incidents';
  readonly handles: ReadonlySet<string> = new Set(INCIDENT_EVENTS);
  readonly tables = ['rm_incident'] as const;

  async apply({ tx, schema }: BatchContext, events: RecordedEvent[]): Promise<BatchEffect> {
    const t = table(schema, 'rm_incident');
    const ids = [...new Set(events.map(incidentIdOf))];
    const loaded = await rows<{ incident_id: string; doc: IncidentView }>(
      tx,
      `SELECT incident_id, doc FROM ${t} WHERE incident_id = ANY($1)`,
      [ids],
    );
    const views = new Map<string, { view: IncidentView | null; last: RecordedEvent | null }>(
      loaded.map((r) => [r.incident_id, { view: r.doc, last: null }]),
    );
    for (const e of events) {
      const id = incidentIdOf(e);
      const next = evolveIncident(views.get(id)?.view ?? null, e);
      if (next !== (views.get(id)?.view ?? null)) views.set(id, { view: next, last: e });
    }
    const changed = [...views.values()].filter((v): v is { view: IncidentView; last: RecordedEvent } => v.view !== null && v.last !== null);
    if (changed.length === 0) return { tpsIds: [], kelurahanCodes: [], incidentIds: [], coverageChanged: false };
    const out = changed.map(({ view, last }) => {
      const [c, p] = posParams(last.position);
      return {
        incident_id: view.incidentId,
        tps_id: view.tpsId,
        kelurahan_code: view.kelurahanCode,
        status: view.status,
        reported_at: view.reportedAt,
        doc: view,
        last_commit: c,
        last_prepare: p,
      };
    });
    await tx.query(
      `INSERT INTO ${t} (incident_id, tps_id, kelurahan_code, status, reported_at, doc, last_commit, last_prepare)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(incident_id text, tps_id text, kelurahan_code text, status text,
         reported_at timestamptz, doc jsonb, last_commit numeric, last_prepare numeric)
       ON CONFLICT (incident_id) DO UPDATE SET status = EXCLUDED.status, doc = EXCLUDED.doc,
         last_commit = EXCLUDED.last_commit, last_prepare = EXCLUDED.last_prepare`,
      [JSON.stringify(out)],
    );
    return { tpsIds: [], kelurahanCodes: [], incidentIds: changed.map((c) => c.view.incidentId), coverageChanged: false };
  }
}
