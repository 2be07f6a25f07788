/**
 * The incident lifecycle as the API and the screens see it, and the deadline rule, declared once and imported by the
 * backend and the dashboard (`$incidents-contract`). Plain types and pure functions only: no imports, no Node APIs.
 */

export const INCIDENT_STATES = ['reported', 'acknowledged', 'assigned', 'escalated', 'resolved', 'reopened'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type IncidentAction = 'acknowledge' | 'assign' | 'escalate' | 'resolve' | 'reopen';

/** Which actions each state allows: the one table the decider and the console's buttons both read. */
export const ALLOWED_ACTIONS: Record<IncidentState, readonly IncidentAction[]> = {
  reported: ['acknowledge', 'resolve'],
  acknowledged: ['assign', 'escalate', 'resolve'],
  assigned: ['assign', 'escalate', 'resolve'],
  escalated: ['assign', 'escalate', 'resolve'],
  resolved: ['reopen'],
  reopened: ['acknowledge', 'assign', 'escalate', 'resolve'],
};

export interface Escalation {
  to: string;
  note: string;
  by: string;
  at: string;
}

/** What the posko did with an incident, folded from its events (incidents/lifecycle.fold.ts). */
export interface IncidentLifecycle {
  state: IncidentState;
  /** Server time of the report: the deadlines count from here, or from the latest reopen. */
  reportedServerAt: string;
  clockStartAt: string;
  /** Acknowledged since the clock started (a reopen asks for a new acknowledgement). */
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  assignee: string | null;
  assignedAt: string | null;
  assignNote: string | null;
  escalations: Escalation[];
  reopenCount: number;
  reopenReason: string | null;
}

/** Minutes to acknowledge and to resolve, per severity (INCIDENT_DEADLINES). */
export type DeadlinePolicy = Record<Severity, { ackMinutes: number; resolveMinutes: number }>;

export interface Deadlines {
  ackDueAt: string | null;
  resolveDueAt: string | null;
  /** Which deadline has passed (the acknowledgement one first), or null. */
  overdue: 'acknowledge' | 'resolve' | null;
}

const plusMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/** The deadline rule: open incidents past their time to acknowledge or to resolve are overdue; resolved ones never. */
export function deadlinesOf(lc: IncidentLifecycle, severity: Severity, policy: DeadlinePolicy, now: Date): Deadlines {
  if (lc.state === 'resolved') return { ackDueAt: null, resolveDueAt: null, overdue: null };
  const p = policy[severity];
  const ackDueAt = lc.acknowledgedAt ? null : plusMinutes(lc.clockStartAt, p.ackMinutes);
  const resolveDueAt = plusMinutes(lc.clockStartAt, p.resolveMinutes);
  const t = now.getTime();
  const overdue = ackDueAt && t > Date.parse(ackDueAt) ? 'acknowledge' : t > Date.parse(resolveDueAt) ? 'resolve' : null;
  return { ackDueAt, resolveDueAt, overdue };
}

/** Severity rank for ordering, critical first. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** The outside parties an incident can be escalated to, with their Indonesian labels for the default codes. */
export const ESCALATION_LABELS: Record<string, string> = {
  police: 'Polisi',
  fire: 'Pemadam kebakaran',
  ambulance: 'Ambulans',
  kpu: 'KPU',
  bawaslu: 'Bawaslu',
  forkompimda: 'Forkompimda',
};

/** GET /api/incidents/policy: what the screens need to show deadlines and the escalation choices. */
export interface IncidentPolicy {
  deadlines: DeadlinePolicy;
  escalationParties: string[];
  /** Whom to call per incident category (CONTACTS_FILE): the category's services, then the posko. */
  contacts: Record<string, { name: string; phone: string; role: string }[]>;
  /** Server time of the answer, so a screen can tell how far its own clock is off. */
  now: string;
}
