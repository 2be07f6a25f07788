import type { Role } from '../auth/principal.js';
import { seesOfficerDetails } from '../read-api/visibility.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { areaIndexOf } from '../projections/area-index.js';
import { parentCodeOf } from '../projections/area-rollup.js';
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
    default:
      return `area:${scope.code}`;
  }
}

/** The room of an area of any level; the reference's root is the city room (following it is following the city). */
export function roomOfArea(ref: ReferenceData, code: string): string {
  return code === ref.root.code ? CITY_ROOM : roomOf({ level: areaIndexOf(ref).levelOf(code), code });
}

/** Where `area:updated` of an area goes: its own room and its parent's (not above the root). */
export function roomsOfAreaUpdate(ref: ReferenceData, code: string): string[] {
  const parent = parentCodeOf(code);
  return parent !== null && code !== ref.root.code ? [roomOfArea(ref, code), roomOfArea(ref, parent)] : [roomOfArea(ref, code)];
}

/** Sockets that may see officer details (read-api/visibility.ts) sit in a twin of each room with this suffix. */
export const DETAIL_SUFFIX = '#detail';

/** The room a socket of `role` joins for `room`: its twin when the role sees officer details. */
export function audienceRoom(room: string, role: Role | undefined): string {
  return seesOfficerDetails(role) ? room + DETAIL_SUFFIX : room;
}

/**
 * Every room that wants news about something in this kelurahan (an incident): the root, the provinsi and
 * kabupaten/kota below it, its kecamatan and itself.
 */
export function roomsOfKelurahan(ref: ReferenceData, kelurahanCode: string): string[] {
  const kec = ref.kelurahanByCode.get(kelurahanCode)?.kecamatanCode;
  const between = [kelurahanCode.slice(0, 2), kelurahanCode.slice(0, 4)]
    .filter((code) => code.length > ref.root.code.length)
    .map((code) => roomOf({ level: code.length === 2 ? 'provinsi' : 'kabupaten', code }));
  return [CITY_ROOM, ...between, ...(kec ? [`kec:${kec}`] : []), `kel:${kelurahanCode}`];
}

/**
 * The rooms that show this kelurahan's own rows (`tps:updated`, `kelurahan:updated`): its kabupaten/kota (the city
 * room when that is the root, as for Kota Lubuklinggau), its kecamatan and itself. A province or the nation shows
 * its children's totals (`area:updated`), so under a national root a TPS change does not go to every screen.
 */
export function roomsOfKelurahanRows(ref: ReferenceData, kelurahanCode: string): string[] {
  const kabupaten = kelurahanCode.slice(0, 4);
  const all = roomsOfKelurahan(ref, kelurahanCode);
  // From the kabupaten/kota down: the city room when it is the root, else its own room and what lies below.
  return kabupaten === ref.root.code ? all : all.slice(all.indexOf(roomOf({ level: 'kabupaten', code: kabupaten })));
}

/**
 * A follow request checked against the reference data; null when it names no area at or below the root (the level
 * must match the code's length). The root itself is the city.
 */
export function parseScope(ref: ReferenceData, raw: unknown): FollowScope | null {
  if (!raw || typeof raw !== 'object') return null;
  const { level, code } = raw as { level?: unknown; code?: unknown };
  if (level === 'city') return { level };
  const index = areaIndexOf(ref);
  if (typeof code !== 'string' || !index.has(code) || index.levelOf(code) !== level) return null;
  return code === ref.root.code ? { level: 'city' } : { level: index.levelOf(code), code };
}
