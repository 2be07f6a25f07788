import type { Role } from '../auth/principal.js';
import { seesOfficerDetails } from '../read-api/visibility.js';
import type { ReferenceData } from '../reference/reference-data.js';
import type { FollowScope } from './live.contract.js';

export const CITY_ROOM = 'city';

/** The room a scope joins. */
export function roomOf(scope: FollowScope): string {
  switch (scope.level) {
    case 'city':
      return CITY_ROOM;
    case 'kecamatan':
      return `kec:${scope.code}`;
    case 'kelurahan':
      return `kel:${scope.code}`;
  }
}

/** Sockets that may see officer details (read-api/visibility.ts) sit in a twin of each room with this suffix. */
export const DETAIL_SUFFIX = '#detail';

/** The room a socket of `role` joins for `room`: its twin when the role sees officer details. */
export function audienceRoom(room: string, role: Role | undefined): string {
  return seesOfficerDetails(role) ? room + DETAIL_SUFFIX : room;
}

/** Every room that wants news about something in this kelurahan: the city, its kecamatan and itself. */
export function roomsOfKelurahan(ref: ReferenceData, kelurahanCode: string): string[] {
  const kec = ref.kelurahanByCode.get(kelurahanCode)?.kecamatanCode;
  return [CITY_ROOM, ...(kec ? [`kec:${kec}`] : []), `kel:${kelurahanCode}`];
}

/** A follow request checked against the reference data; null when it names no area of this city. */
export function parseScope(ref: ReferenceData, raw: unknown): FollowScope | null {
  if (!raw || typeof raw !== 'object') return null;
  const { level, code } = raw as { level?: unknown; code?: unknown };
  if (level === 'city') return { level };
  if (typeof code !== 'string') return null;
  if (level === 'kecamatan' && ref.kecamatan.some((k) => k.code === code)) return { level, code };
  if (level === 'kelurahan' && ref.kelurahanByCode.has(code)) return { level, code };
  return null;
}
