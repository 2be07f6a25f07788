/** Pure: what a posko action on an incident produces, decided over the incident's lifecycle, or a DomainError. */
import { DomainError } from '../http/domain-error.js';
import { ALLOWED_ACTIONS, type IncidentAction, type IncidentLifecycle } from './incidents.contract.js';
import type { TpsEvent } from '../tps/tps.events.js';

interface Base {
  incidentId: string;
  tpsId: string;
  by: string;
  at: string;
}

export type LifecycleCommand =
  | { action: 'acknowledge'; data: Base }
  | { action: 'assign'; data: Base & { assignee: string; note: string | null } }
  | { action: 'escalate'; data: Base & { to: string; note: string } }
  | { action: 'resolve'; data: Base & { note: string } }
  | { action: 'reopen'; data: Base & { reason: string } };

function refuse(action: IncidentAction, lc: IncidentLifecycle): never {
  const allowed = ALLOWED_ACTIONS[lc.state];
  if (action === 'resolve' && lc.state === 'resolved') {
    throw new DomainError('INCIDENT.ALREADY_RESOLVED', 409, 'The incident is already resolved', { state: lc.state, allowed });
  }
  throw new DomainError('INCIDENT.INVALID_TRANSITION', 409, `An incident in state ${lc.state} cannot be given "${action}"`, {
    state: lc.state,
    allowed,
  });
}

export function decideLifecycle(cmd: LifecycleCommand, lc: IncidentLifecycle | undefined): TpsEvent[] {
  if (!lc) throw new DomainError('INCIDENT.NOT_FOUND', 404, 'No such incident');
  if (!ALLOWED_ACTIONS[lc.state].includes(cmd.action)) refuse(cmd.action, lc);
  const { incidentId, tpsId, by, at } = cmd.data;
  switch (cmd.action) {
    case 'acknowledge':
      return [{ type: 'IncidentAcknowledged', data: { incidentId, tpsId, by, at } }];
    case 'assign':
      if (lc.assignee === cmd.data.assignee && lc.state === 'assigned')
        throw new DomainError('INCIDENT.INVALID_TRANSITION', 409, `The incident is already assigned to ${cmd.data.assignee}`, {
          state: lc.state,
          allowed: ALLOWED_ACTIONS[lc.state],
        });
      return [{ type: 'IncidentAssigned', data: { incidentId, tpsId, assignee: cmd.data.assignee, note: cmd.data.note, by, at } }];
    case 'escalate':
      return [{ type: 'IncidentEscalated', data: { incidentId, tpsId, to: cmd.data.to, note: cmd.data.note, by, at } }];
    case 'resolve':
      return [{ type: 'IncidentResolved', data: { incidentId, tpsId, note: cmd.data.note, resolvedAt: at } }];
    case 'reopen':
      return [{ type: 'IncidentReopened', data: { incidentId, tpsId, reason: cmd.data.reason, by, at } }];
  }
}
