import type { TallyForm } from '../../../../backend/src/tps/tps.events.ts';
import type { OfficerKit } from '../../../../backend/src/tps/officer-kit.contract.ts';

export type { OfficerKit };

/** What this phone knows is done at its TPS (from the server's answers and its TPS view). */
export interface Progress {
  checkedInAt: string | null;
  /** The tally as last known: full form when this phone sent it, else the numbers the TPS view shows. */
  tally: { revision: number; form: TallyForm | null; votes: Record<string, number>; invalid: number; submittedAt: string } | null;
  corrections: number;
  incidents: number;
  photos: number[];
}

export const emptyProgress = (): Progress => ({ checkedInAt: null, tally: null, corrections: 0, incidents: 0, photos: [] });

const KIT = 'sipantaumilu.petugas.kit';
const PROGRESS = 'sipantaumilu.petugas.progress';

function readJson<T>(key: string): T | null {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null') as T | null;
  } catch {
    return null;
  }
}

/** The kit (TPS, candidates, emergency contacts) is kept on the phone: the incident screen shows contacts offline. */
export const readKit = (tpsId: string): OfficerKit | null => {
  const k = readJson<OfficerKit>(KIT);
  return k && k.tps.id === tpsId ? k : null;
};
export const keepKit = (k: OfficerKit): void => localStorage.setItem(KIT, JSON.stringify(k));

export const readProgress = (tpsId: string): Progress => {
  const p = readJson<Progress & { tpsId: string }>(PROGRESS);
  return p && p.tpsId === tpsId ? { ...emptyProgress(), ...p } : emptyProgress();
};
export const keepProgress = (tpsId: string, p: Progress): void => localStorage.setItem(PROGRESS, JSON.stringify({ ...p, tpsId }));

/** Sign-out forgets the session's data on the phone (the outbox keeps reports not yet sent). */
export function forgetLocal(): void {
  localStorage.removeItem(KIT);
  localStorage.removeItem(PROGRESS);
}
