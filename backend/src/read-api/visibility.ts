/**
 * Who sees which officer details, the one rule for HTTP reads and the live channel: the operator (posko) and the
 * auditor see an officer's NIP and exact check-in GPS; everyone else (wall displays, admins, officers) sees "hadir"
 * for a present officer and a location rounded to 0.01 degree (about 1.1 km: the area on the map, not the person).
 * The kelurahan is in every view. docs/security.md ("Officer details").
 */
import type { Role } from '../auth/principal.js';
import type { TpsView } from '../live/live.contract.js';

export const OFFICER_DETAIL_ROLES: readonly Role[] = ['operator', 'supervisor', 'auditor'];

export const seesOfficerDetails = (role: Role | undefined): boolean => role !== undefined && OFFICER_DETAIL_ROLES.includes(role);

/** What a person without officer details sees where the NIP would be. */
export const PRESENT = 'hadir';

const coarse = (x: number) => Math.round(x * 100) / 100;

export function publicTpsView(v: TpsView): TpsView {
  return {
    ...v,
    officer: v.officer === null ? null : PRESENT,
    location: v.location ? { lat: coarse(v.location.lat), lon: coarse(v.location.lon) } : null,
  };
}

export function tpsViewFor(role: Role | undefined, v: TpsView): TpsView {
  return seesOfficerDetails(role) ? v : publicTpsView(v);
}
