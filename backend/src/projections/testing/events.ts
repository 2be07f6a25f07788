/** Builders of TPS events for projection tests (plain data; no test framework imports, so specs of any kind can use them). */
import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '../../event-store/event-store.port.js';
import { position } from '../../event-store/position.js';
import type { GeoPoint, IncidentCategory, IncidentSeverity, TallyFlags, TallyForm, TpsEvent } from '../../tps/tps.events.js';
import { tpsStream } from '../../tps/tps.events.js';

export const NO_FLAGS: TallyFlags = { rules: [], oddities: [] };
export const RULE_FLAG: TallyFlags = {
  rules: [{ rule: 9, code: 'TOTAL_MISMATCH', message: 'V.C differs from B.4', values: { vc: 225, b4: 115 } }],
  oddities: [],
};

/** A consistent C.Hasil form with these candidate votes. */
export function form(votes: Record<string, number>, invalid = 3, dpt = 280): TallyForm {
  const valid = Object.values(votes).reduce((a, b) => a + b, 0);
  const voters = valid + invalid;
  const received = Math.ceil(dpt * 1.02);
  return {
    votes,
    invalid,
    voters: { dpt, fromDpt: voters, fromDptb: 0, fromDpk: 0 },
    ballots: { received, used: voters, spoiled: 0, unused: received - voters },
  };
}

export const ev = {
  checkIn: (
    tpsId: string,
    at: string,
    officer = `officer-${tpsId.slice(-3)}`,
    location: GeoPoint | null = { lat: -3.29, lon: 102.86 },
  ): TpsEvent => ({
    type: 'OfficerCheckedIn',
    data: { tpsId, officer, at, location },
  }),
  tally: (tpsId: string, votes: Record<string, number>, flags = NO_FLAGS, contest = 'PPWP', invalid = 3): TpsEvent => ({
    type: 'TallySubmitted',
    data: { tpsId, contest, form: form(votes, invalid), flags, formSerial: null, observedAt: null },
  }),
  correct: (tpsId: string, correctsRevision: number, votes: Record<string, number>, flags = NO_FLAGS, contest = 'PPWP'): TpsEvent => ({
    type: 'TallyCorrected',
    data: { tpsId, contest, form: form(votes), flags, formSerial: null, observedAt: null, correctsRevision, reason: 'misread', diff: [] },
  }),
  paper: (
    tpsId: string,
    votes: Record<string, number>,
    comparedWithRevision: number | null,
    matches: boolean | null,
    contest = 'PPWP',
  ): TpsEvent => ({
    type: 'PaperFormRecorded',
    data: { tpsId, contest, form: form(votes), formSerial: 'C-1', comparedWithRevision, matches, differences: [] },
  }),
  incident: (
    tpsId: string,
    incidentId: string,
    at: string,
    category: IncidentCategory = 'security',
    severity: IncidentSeverity = 'high',
  ): TpsEvent => ({
    type: 'IncidentReported',
    data: { incidentId, tpsId, category, severity, description: 'crowd at the gate', at, location: null },
  }),
  resolve: (tpsId: string, incidentId: string, resolvedAt: string, note = 'handled by police'): TpsEvent => ({
    type: 'IncidentResolved',
    data: { incidentId, tpsId, note, resolvedAt },
  }),
  /** A C.Hasil photo; `duplicateOf`: the earlier TPS whose photo (hash `of`) it repeats. */
  photo: (tpsId: string, hash: string, duplicateOf: { tpsId: string; photoId: string } | null = null, page = 1): TpsEvent => ({
    type: 'FormPhotoAttached',
    data: {
      tpsId,
      contest: 'PPWP',
      page,
      hash: hash.padEnd(64, 'a'),
      size: 1000,
      mediaType: 'image/jpeg',
      width: 800,
      height: 600,
      cameraTime: null,
      dhash: '0000000000000000',
      duplicateOf: duplicateOf && {
        code: 'PHOTO.REUSED',
        tpsId: duplicateOf.tpsId,
        photoId: duplicateOf.photoId.padEnd(64, 'a'),
        distance: 0,
      },
    },
  }),
  review: (tpsId: string, revision: number, decision: 'accept' | 'hold', contest = 'PPWP'): TpsEvent => ({
    type: 'TallyReviewed',
    data: { tpsId, contest, revision, decision, reason: 'checked against the photo', by: 'supervisor-1', at: '2024-02-14T20:00:00+07:00' },
  }),
  official: (tpsId: string, votes: Record<string, number>, contest = 'PPWP'): TpsEvent => ({
    type: 'OfficialResultImported',
    data: {
      tpsId,
      contest,
      source: 'csv',
      ts: '2024-02-15T10:00:00+07:00',
      votes,
      administrasi: null,
      images: [],
      statusSuara: null,
      statusAdm: null,
      flags: [],
    },
  }),
};

export function toNew(e: TpsEvent): NewEvent {
  return {
    id: randomUUID(),
    type: e.type,
    data: e.data,
    metadata: { actor: 'test', role: 'officer', correlationId: randomUUID(), serverTime: '2024-02-14T01:00:00.000Z' },
  };
}

/**
 * Recorded events with synthetic, increasing positions and per-stream revisions, for feeding runners directly.
 * `startAt` continues a log.
 */
export function recordAll(events: TpsEvent[], startAt = 1, revisions = new Map<string, number>()): RecordedEvent[] {
  return events.map((e, i) => {
    const stream = tpsStream(e.data.tpsId);
    const revision = revisions.get(stream) ?? 0;
    revisions.set(stream, revision + 1);
    const n = BigInt(startAt + i);
    return {
      id: randomUUID(),
      stream,
      revision: BigInt(revision),
      position: position(n, n),
      type: e.type,
      data: e.data,
      metadata: { actor: 'test', role: 'officer', correlationId: 'c', serverTime: '2024-02-14T01:00:00.000Z' },
      recordedAt: new Date(Date.UTC(2024, 1, 14, 0, 0, 0) + (startAt + i) * 1000),
    };
  });
}
