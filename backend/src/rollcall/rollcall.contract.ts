/** GET /api/rollcall and GET /api/tps/{id}/officer (operators and admins only: they carry phone numbers). */
import type { AreaRef, ContactAttemptView } from '../live/live.contract.js';

export interface Monitor {
  nip: string;
  name: string;
  phone: string | null;
}

export interface RollCallRow {
  tpsId: string;
  tpsNumber: number;
  kelurahanCode: string;
  kelurahanName: string;
  /** The monitor assigned now, or null when no one holds the TPS. */
  monitor: Monitor | null;
  contactAttempts: ContactAttemptView[];
}

export interface RollCall {
  /** Check-in deadline, ISO 8601 with offset (CHECKIN_DEADLINE on ELECTION_DATE, WIB). */
  deadline: string;
  /** False before the deadline: then `rows` is empty. */
  passed: boolean;
  now: string;
  /** The area listed: the reference's root, or `?area=`. */
  area: AreaRef;
  /** TPS without a check-in, by kelurahan and TPS number: a page (at most 1,000; `?limit=`), from `?cursor=` on. */
  rows: RollCallRow[];
  /** How many TPS of the area have no check-in (0 before the deadline). */
  total: number;
  /** Where the next page starts (also the X-Next-Cursor and Link headers); null on the last page. */
  nextCursor: string | null;
}

export interface TpsMonitor {
  tpsId: string;
  monitor: Monitor | null;
  checkedIn: boolean;
  contactAttempts: ContactAttemptView[];
}
