/** The incident lifecycle as a pure fold over an incident's events, shared by the decider and the incidents projection. */
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { TpsEvent } from '../tps/tps.events.js';
import type { IncidentLifecycle } from './incidents.contract.js';

const serverTimeOf = (e: RecordedEvent): string =>
  typeof e.metadata.serverTime === 'string' ? e.metadata.serverTime : e.recordedAt.toISOString();

/** Null until the incident is reported; events of other incidents or types leave it as it is. */
export function evolveLifecycle(lc: IncidentLifecycle | null, recorded: RecordedEvent): IncidentLifecycle | null {
  const event = { type: recorded.type, data: recorded.data } as TpsEvent;
  if (event.type === 'IncidentReported') {
    if (lc) return lc;
    const at = serverTimeOf(recorded);
    return {
      state: 'reported',
      reportedServerAt: at,
      clockStartAt: at,
      acknowledgedAt: null,
      acknowledgedBy: null,
      assignee: null,
      assignedAt: null,
      assignNote: null,
      escalations: [],
      reopenCount: 0,
      reopenReason: null,
    };
  }
  if (!lc) return null;
  switch (event.type) {
    case 'IncidentAcknowledged':
      return { ...lc, state: 'acknowledged', acknowledgedAt: event.data.at, acknowledgedBy: event.data.by };
    case 'IncidentAssigned':
      return { ...lc, state: 'assigned', assignee: event.data.assignee, assignedAt: event.data.at, assignNote: event.data.note };
    case 'IncidentEscalated': {
      const { to, note, by, at } = event.data;
      return { ...lc, state: 'escalated', escalations: [...lc.escalations, { to, note, by, at }] };
    }
    case 'IncidentResolved':
      return { ...lc, state: 'resolved' };
    case 'IncidentReopened':
      return {
        ...lc,
        state: 'reopened',
        clockStartAt: event.data.at,
        acknowledgedAt: null,
        acknowledgedBy: null,
        reopenCount: lc.reopenCount + 1,
        reopenReason: event.data.reason,
      };
    default:
      return lc;
  }
}

/** Every incident of one TPS stream, by id. */
export function lifecyclesOf(history: readonly RecordedEvent[]): Map<string, IncidentLifecycle> {
  const out = new Map<string, IncidentLifecycle>();
  for (const e of history) {
    const id = (e.data as { incidentId?: unknown }).incidentId;
    if (typeof id !== 'string') continue;
    const next = evolveLifecycle(out.get(id) ?? null, e);
    if (next) out.set(id, next);
  }
  return out;
}
