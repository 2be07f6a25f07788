/** Pure: the roll call's decisions over a TPS stream (a call to the monitor, a reserve taking the TPS over). */
import { DomainError } from '../http/domain-error.js';
import type { ContactOutcome } from '../incidents/posko.events.js';
import type { TpsEvent } from '../tps/tps.events.js';

export function decideContact(d: {
  tpsId: string;
  officer: string | null;
  outcome: ContactOutcome;
  note: string | null;
  by: string;
  at: string;
}): TpsEvent[] {
  return [{ type: 'ContactAttempted', data: d }];
}

/** `previous` is who holds the TPS now (the users table, read under lock by the caller). */
export function decideAssignOfficer(d: { tpsId: string; officer: string; previous: string | null; by: string; at: string }): TpsEvent[] {
  if (d.previous === d.officer)
    throw new DomainError('OFFICER.ALREADY_ASSIGNED', 409, `${d.officer} already holds this TPS`, { tpsId: d.tpsId, officer: d.officer });
  return [{ type: 'OfficerAssigned', data: d }];
}
