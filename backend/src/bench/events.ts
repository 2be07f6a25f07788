/** Events shaped like the ones the command handler appends (same data and metadata fields, similar size). */
import { createHash, randomUUID } from 'node:crypto';
import type { NewEvent } from '../event-store/event-store.port.js';
import type { Rng } from '../simulator/prng.js';
import { generateForm } from '../simulator/tally-form.generator.js';

const fakeHash = (s: string) => createHash('sha256').update(s).digest('hex');

function metadata(actor: string, role: string, at: string) {
  return {
    actor,
    role,
    correlationId: randomUUID(),
    causationId: null,
    clientTime: at,
    serverTime: at,
    prevHash: fakeHash(`${actor}-prev`),
    hash: fakeHash(`${actor}-${at}`),
  };
}

export function tallyEvent(rng: Rng, tpsId: string, at: string, corrects?: number): NewEvent {
  const form = generateForm(rng);
  const flags = { rules: [], oddities: [] };
  const common = { tpsId, contest: 'PPWP', form, flags, formSerial: null, observedAt: at };
  return corrects === undefined
    ? { id: randomUUID(), type: 'TallySubmitted', data: common, metadata: metadata(tpsId, 'officer', at) }
    : {
        id: randomUUID(),
        type: 'TallyCorrected',
        data: {
          ...common,
          correctsRevision: corrects,
          reason: 'Salah baca angka (sintetis)',
          diff: [{ path: 'votes.01', before: 1, after: 2 }],
        },
        metadata: metadata(tpsId, 'officer', at),
      };
}

export function checkInEvent(tpsId: string, at: string): NewEvent {
  return {
    id: randomUUID(),
    type: 'OfficerCheckedIn',
    data: { tpsId, officer: tpsId, at, location: { lat: -3.3, lon: 102.86, accuracyM: 12 } },
    metadata: metadata(tpsId, 'officer', at),
  };
}

export function incidentEvent(tpsId: string, incidentId: string, at: string): NewEvent {
  return {
    id: randomUUID(),
    type: 'IncidentReported',
    data: {
      incidentId,
      tpsId,
      category: 'logistics',
      severity: 'medium',
      description: 'Kotak suara terlambat (sintetis)',
      at,
      location: null,
    },
    metadata: metadata(tpsId, 'officer', at),
  };
}
