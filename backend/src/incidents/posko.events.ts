/**
 * Events the posko (command post) writes into a TPS stream: the incident lifecycle after the report, the roll call's
 * contact attempts and a reserve monitor taking the TPS over. Added to the TPS event union (tps.events.ts); catalogue
 * in docs/events.md. Who did it is the event metadata's actor and role; `at` is the server time of the decision.
 */

export interface IncidentAcknowledged {
  type: 'IncidentAcknowledged';
  data: { incidentId: string; tpsId: string; by: string; at: string };
}

export interface IncidentAssigned {
  type: 'IncidentAssigned';
  data: { incidentId: string; tpsId: string; assignee: string; note: string | null; by: string; at: string };
}

export interface IncidentEscalated {
  type: 'IncidentEscalated';
  data: { incidentId: string; tpsId: string; to: string; note: string; by: string; at: string };
}

export interface IncidentReopened {
  type: 'IncidentReopened';
  data: { incidentId: string; tpsId: string; reason: string; by: string; at: string };
}

export type ContactOutcome = 'reached' | 'no_answer' | 'wrong_number' | 'unreachable';

/** The posko phoned the TPS's monitor (roll call). `officer` is the NIP assigned when the call was made. */
export interface ContactAttempted {
  type: 'ContactAttempted';
  data: { tpsId: string; officer: string | null; outcome: ContactOutcome; note: string | null; by: string; at: string };
}

/** A (reserve) monitor now holds the TPS; `previous` lost it, tokens included. */
export interface OfficerAssigned {
  type: 'OfficerAssigned';
  data: { tpsId: string; officer: string; previous: string | null; by: string; at: string };
}

export type IncidentLifecycleEvent = IncidentAcknowledged | IncidentAssigned | IncidentEscalated | IncidentReopened;
export type PoskoTpsEvent = IncidentLifecycleEvent | ContactAttempted | OfficerAssigned;

export const INCIDENT_LIFECYCLE_TYPES = ['IncidentAcknowledged', 'IncidentAssigned', 'IncidentEscalated', 'IncidentReopened'] as const;
export const POSKO_TPS_EVENT_TYPES: readonly PoskoTpsEvent['type'][] = [...INCIDENT_LIFECYCLE_TYPES, 'ContactAttempted', 'OfficerAssigned'];
