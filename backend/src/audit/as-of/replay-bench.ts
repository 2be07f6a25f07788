/**
 * How fast `?asOf=` answers, measured on logs generated in memory (never written to any database): the city's 635 TPS,
 * and a SYNTHETIC national-shaped log of made-up TPS ids. Prints figures for docs/audit.md; asserts nothing.
 *   npm run build -w backend && node --expose-gc backend/dist/audit/as-of/replay-bench.js [syntheticTps]
 */
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import { position } from '../../event-store/position.js';
import { placeTps } from '../../projections/tps-status.projection.js';
import { loadContests } from '../../reference/contests.js';
import { assemble, loadReferenceData, type ReferenceData } from '../../reference/reference-data.js';
import type { TallyForm, TpsEvent } from '../../tps/tps.events.js';
import { kelurahanViews, summaryView } from './as-of-views.js';
import { ReplayIndex } from './replay-index.js';

const NIGHT_START = Date.parse('2024-02-14T07:00:00+07:00');
const NIGHT_MS = 17 * 3600_000;

function form(i: number, shift = 0): TallyForm {
  const v = { '01': 40 + (i % 50) + shift, '02': 90 + (i % 70) - shift, '03': 30 + (i % 20) };
  const valid = v['01'] + v['02'] + v['03'];
  return {
    votes: v,
    invalid: 4,
    voters: { dpt: 280, fromDpt: valid + 4, fromDptb: 0, fromDpk: 0 },
    ballots: { received: 286, used: valid + 4, spoiled: 0, unused: 282 - valid },
  };
}

/** An election day's events for these TPS: check-in, tally, paper form; some corrections and incidents. */
function day(tpsIds: string[]): RecordedEvent[] {
  const out: TpsEvent[] = [];
  const flags = { rules: [], oddities: [] };
  tpsIds.forEach((tpsId) =>
    out.push({ type: 'OfficerCheckedIn', data: { tpsId, officer: tpsId, at: '2024-02-14T06:40:00+07:00', location: null } }),
  );
  tpsIds.forEach((tpsId, i) => {
    if (i % 10 === 0)
      out.push({
        type: 'IncidentReported',
        data: { incidentId: `${tpsId}-1`, tpsId, category: 'other', severity: 'low', description: 'x', at: '', location: null },
      });
    out.push({ type: 'TallySubmitted', data: { tpsId, contest: 'PPWP', form: form(i), flags, formSerial: null, observedAt: null } });
  });
  tpsIds.forEach((tpsId, i) => {
    if (i % 10 === 0) out.push({ type: 'IncidentResolved', data: { incidentId: `${tpsId}-1`, tpsId, note: 'ok', resolvedAt: '' } });
    if (i % 4 === 0)
      out.push({
        type: 'TallyCorrected',
        data: {
          tpsId,
          contest: 'PPWP',
          form: form(i, 1),
          flags,
          formSerial: null,
          observedAt: null,
          correctsRevision: 1,
          reason: 'misread',
          diff: [],
        },
      });
    out.push({
      type: 'PaperFormRecorded',
      data: {
        tpsId,
        contest: 'PPWP',
        form: form(i, i % 4 === 0 ? 1 : 0),
        formSerial: null,
        comparedWithRevision: null,
        matches: null,
        differences: [],
      },
    });
  });
  const revisions = new Map<string, number>();
  return out.map((e, n) => {
    const revision = revisions.get(e.data.tpsId) ?? 0;
    revisions.set(e.data.tpsId, revision + 1);
    return {
      id: randomUUID(),
      stream: `tps-${e.data.tpsId}`,
      revision: BigInt(revision),
      position: position(BigInt(n + 1), BigInt(n + 1)),
      type: e.type,
      data: e.data,
      metadata: { actor: 'bench', role: 'officer', correlationId: 'bench', serverTime: '' },
      recordedAt: new Date(NIGHT_START + Math.floor((n / out.length) * NIGHT_MS)),
    };
  });
}

/** SYNTHETIC reference data: made-up ids, 10 TPS per kelurahan, 12 kelurahan per kecamatan. */
function syntheticRef(tpsCount: number): ReferenceData {
  const tps = Array.from({ length: tpsCount }, (_, i) => {
    const kel = `99${String(Math.floor(i / 10)).padStart(8, '0')}`;
    return {
      id: `${kel}${String((i % 10) + 1).padStart(3, '0')}`,
      number: (i % 10) + 1,
      kelurahanCode: kel,
      kecamatanCode: kel.slice(0, 6) + String(Math.floor(i / 120) % 100),
      special: false,
    };
  });
  const kelurahan = [
    ...new Map(
      tps.map((t) => [
        t.kelurahanCode,
        { code: t.kelurahanCode, kemendagri: '', name: t.kelurahanCode, kecamatanCode: t.kecamatanCode, tpsCount: 10 },
      ]),
    ).values(),
  ];
  const kecamatan = [
    ...new Map(
      tps.map((t) => [
        t.kecamatanCode,
        { code: t.kecamatanCode, kemendagri: '', name: t.kecamatanCode, kabupatenCode: t.kecamatanCode.slice(0, 4) },
      ]),
    ).values(),
  ];
  const kabupaten = [...new Set(kecamatan.map((k) => k.kabupatenCode))].map((code) => ({
    code,
    name: code,
    provinsiCode: code.slice(0, 2),
  }));
  const provinsi = [...new Set(kabupaten.map((k) => k.provinsiCode))].map((code) => ({ code, name: 'SYNTHETIC' }));
  return assemble(provinsi, kabupaten, kecamatan, kelurahan, tps);
}

const heapMb = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function measure(label: string, ref: ReferenceData): void {
  const events = day(ref.tps.map((t) => t.id));
  const ctx = { ref, contests: loadContests(), minTps: 30 };
  const before = heapMb();
  const t0 = process.hrtime.bigint();
  const index = new ReplayIndex((id) => placeTps(ref, id));
  for (const e of events) index.add(e);
  const build = ms(t0);
  const heap = heapMb() - before;
  // Scrub: random moments of the night, in random order.
  const moments = Array.from({ length: 200 }, (_, i) => NIGHT_START + ((i * 7919) % 200) * (NIGHT_MS / 200));
  const times = (fn: (at: number) => void, n: number) => {
    const each = moments.slice(0, n).map((at) => {
      const s = process.hrtime.bigint();
      fn(at);
      return ms(s);
    });
    each.sort((a, b) => a - b);
    return `median ${each[Math.floor(each.length / 2)].toFixed(2)} ms, p95 ${each[Math.floor(each.length * 0.95)].toFixed(2)} ms`;
  };
  const summary = times((at) => {
    const n = index.countAt(at);
    summaryView(ctx, 'PPWP', index.cityAt(n), index.positionAt(n), index.recordedAtOf(n));
  }, 200);
  const kelurahan = times((at) => kelurahanViews(ctx, 'PPWP', index.kelurahanAt(index.countAt(at))), 40);
  console.log(
    `${label}: ${events.length} events, ${ref.tps.length} TPS, ${ref.kelurahan.length} kelurahan; replay from zero ${build.toFixed(0)} ms ` +
      `(${Math.round(events.length / (build / 1000))} events/s); cache ${heap.toFixed(0)} MB heap (${Math.round((heap * 2 ** 20) / events.length)} B/event), ` +
      `${index.snapshotCount} snapshots\n  summary?asOf: ${summary}\n  kelurahan?asOf: ${kelurahan}`,
  );
}

measure('Kota Lubuklinggau (real reference data, scripted day)', loadReferenceData());
measure('SYNTHETIC national-shaped', syntheticRef(Number(process.argv[2] ?? 280_000)));
