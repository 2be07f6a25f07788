/**
 * Rows and columns of the results report (docs/reports.md). One row shape for every level: the area's place and its
 * AreaTotals, the same object /api/summary, /api/kecamatan and /api/kelurahan answer, so the file cannot disagree with
 * them. Columns are a list: a new one is one entry here. Held tallies and the official count (KPU, where imported) are
 * the same totals' `tpsHeld` and `official`. Pure.
 */
import type { AreaTotals } from '../live/live.contract.js';
import type { Contest } from '../reference/contests.js';

export interface ResultRow {
  /** `kecamatan`, `kelurahan`, `tps`, or `total` for the area's totals row. */
  level: string;
  code: string;
  name: string;
  kecamatan: string;
  kelurahan: string;
  totals: AreaTotals;
}

export interface Column {
  key: string;
  /** Bahasa Indonesia: what the reader sees. */
  header: string;
  /** Excel number format; text when absent. */
  numFmt?: string;
  width: number;
  value(r: ResultRow): string | number | null;
}

const INT = '#,##0';
const PCT = '0.00%';

/** Votes over the DPT of the TPS that reported (null while none did). */
export const turnout = (t: AreaTotals): number | null => (t.dptCovered > 0 ? t.totalVotes / t.dptCovered : null);

export function resultColumns(contest: Contest | undefined, candidateNumbers: string[]): Column[] {
  const name = (n: string) => contest?.candidates.find((c) => c.number === n)?.short ?? n;
  return [
    { key: 'level', header: 'Tingkat', width: 10, value: (r) => r.level },
    { key: 'code', header: 'Kode', width: 16, value: (r) => r.code },
    { key: 'name', header: 'Nama', width: 24, value: (r) => r.name },
    { key: 'kecamatan', header: 'Kecamatan', width: 20, value: (r) => r.kecamatan },
    { key: 'kelurahan', header: 'Kelurahan', width: 20, value: (r) => r.kelurahan },
    { key: 'tpsTotal', header: 'TPS (jumlah)', numFmt: INT, width: 12, value: (r) => r.totals.tpsTotal },
    { key: 'tpsReported', header: 'TPS melapor', numFmt: INT, width: 12, value: (r) => r.totals.tpsReported },
    { key: 'tpsCheckedIn', header: 'TPS petugas hadir', numFmt: INT, width: 12, value: (r) => r.totals.tpsCheckedIn },
    ...candidateNumbers.map((n): Column => ({
      key: `votes.${n}`,
      header: `${n} ${name(n)}`,
      numFmt: INT,
      width: 16,
      value: (r) => r.totals.candidates.find((c) => c.number === n)?.votes ?? 0,
    })),
    { key: 'validVotes', header: 'Suara sah', numFmt: INT, width: 12, value: (r) => r.totals.validVotes },
    { key: 'invalidVotes', header: 'Suara tidak sah', numFmt: INT, width: 12, value: (r) => r.totals.invalidVotes },
    { key: 'totalVotes', header: 'Jumlah suara', numFmt: INT, width: 12, value: (r) => r.totals.totalVotes },
    { key: 'dptCovered', header: 'DPT (TPS melapor)', numFmt: INT, width: 14, value: (r) => r.totals.dptCovered },
    { key: 'turnout', header: 'Partisipasi', numFmt: PCT, width: 11, value: (r) => turnout(r.totals) },
    { key: 'tpsFlagged', header: 'TPS ditandai', numFmt: INT, width: 12, value: (r) => r.totals.tpsFlagged },
    { key: 'tpsHeld', header: 'TPS ditahan', numFmt: INT, width: 12, value: (r) => r.totals.tpsHeld },
    { key: 'openIncidents', header: 'Insiden terbuka', numFmt: INT, width: 12, value: (r) => r.totals.openIncidents },
    { key: 'officialTps', header: 'TPS data KPU', numFmt: INT, width: 12, value: (r) => r.totals.official.tpsCount },
    ...candidateNumbers.map((n): Column => ({
      key: `official.${n}`,
      header: `KPU ${n} ${name(n)}`,
      numFmt: INT,
      width: 16,
      value: (r) => r.totals.official.candidates.find((c) => c.number === n)?.votes ?? 0,
    })),
    { key: 'officialValid', header: 'Suara sah KPU', numFmt: INT, width: 12, value: (r) => r.totals.official.validVotes },
    { key: 'officialDiffering', header: 'TPS selisih dengan KPU', numFmt: INT, width: 14, value: (r) => r.totals.official.tpsDiffering },
  ];
}
