import type { IncidentView, TpsState } from '$contract';

const WIB = 'Asia/Jakarta';
const nf = new Intl.NumberFormat('id-ID');
const pf = new Intl.NumberFormat('id-ID', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const timeFmt = new Intl.DateTimeFormat('id-ID', { timeZone: WIB, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const shortTimeFmt = new Intl.DateTimeFormat('id-ID', { timeZone: WIB, hour: '2-digit', minute: '2-digit', hour12: false });
const dateFmt = new Intl.DateTimeFormat('id-ID', { timeZone: WIB, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

export const num = (n: number): string => nf.format(n);
/** 0..1 -> "45,2%" */
export const pct = (share: number): string => `${pf.format(share * 100)}%`;
export const timeWib = (d: Date | string | number): string => timeFmt.format(new Date(d));
export const shortTimeWib = (d: Date | string): string => shortTimeFmt.format(new Date(d));
export const dateWib = (d: Date): string => dateFmt.format(d);

export const TPS_STATE_LABEL: Record<TpsState, string> = {
  no_officer: 'Petugas belum hadir',
  checked_in: 'Petugas hadir',
  reported: 'Sudah melapor',
  flagged: 'Perlu diperiksa',
  incident: 'Ada insiden',
};

export const TPS_STATE_COLOR: Record<TpsState, string> = {
  no_officer: '#64748b',
  checked_in: '#38bdf8',
  reported: '#22c55e',
  flagged: '#f59e0b',
  incident: '#ef4444',
};

/** One list with the PDF report: backend/src/tps/incident-labels.ts. */
export { INCIDENT_CATEGORY_LABEL as CATEGORY_LABEL } from '$incident-labels';

export const SEVERITY_LABEL: Record<IncidentView['severity'], string> = {
  low: 'Rendah',
  medium: 'Sedang',
  high: 'Tinggi',
  critical: 'Kritis',
};

/** Reporting progress of an area, 0..1, as the map's fill colour (dark = nothing yet, bright green = all in). */
export function progressColor(reported: number, total: number): string {
  if (total <= 0 || reported <= 0) return '#334155';
  const r = reported / total;
  if (r >= 1) return '#4ade80';
  if (r >= 0.75) return '#22a06b';
  if (r >= 0.5) return '#1d8a7a';
  if (r >= 0.25) return '#1f6f8b';
  return '#1e4f7a';
}

export const PROGRESS_LEGEND: { color: string; label: string }[] = [
  { color: '#334155', label: '0%' },
  { color: '#1e4f7a', label: '< 25%' },
  { color: '#1f6f8b', label: '25–50%' },
  { color: '#1d8a7a', label: '50–75%' },
  { color: '#22a06b', label: '75–99%' },
  { color: '#4ade80', label: '100%' },
];

const CANDIDATE_COLORS = ['#60a5fa', '#fbbf24', '#f87171', '#a78bfa', '#34d399', '#f472b6'];
export const candidateColor = (index: number): string => CANDIDATE_COLORS[index % CANDIDATE_COLORS.length];

/** "Ulak Lebar · TPS 001" from a 13-digit TPS id. */
export function tpsLabel(tpsId: string, kelurahanName?: string): string {
  const n = `TPS ${tpsId.slice(10)}`;
  return kelurahanName ? `${kelurahanName} · ${n}` : n;
}

const SOURCE_LABEL: Record<string, string> = { phone: 'telepon', paper: 'formulir kertas', other: 'lainnya' };

/** "Dientri posko (telepon)": a tally version the posko wrote for the monitor (docs/posko.md). */
export function poskoEntryLabel(e: { source: string | null }): string {
  return e.source ? `Dientri posko (${SOURCE_LABEL[e.source] ?? e.source})` : 'Dikoreksi posko';
}

/** True when the TPS's current tally of any contest was written by the posko. */
export const poskoEntered = (t: { tallies: { enteredByPosko?: unknown }[] }): boolean => t.tallies.some((x) => x.enteredByPosko);

/**
 * A flag or review reason in Indonesian, by its stable code (the server's `message` is English, for logs and the
 * API): the rules of backend/src/tps/tally-rules.ts, its oddities, the paper form, photos, an entry by the posko.
 */
const FLAG_TEXT: Record<string, string> = {
  FROM_DPT_ABOVE_DPT: 'B.1 melebihi DPT (A.1)',
  BALLOTS_BALANCE: 'Surat suara diterima tidak sama dengan digunakan + rusak + tidak digunakan',
  BALLOTS_RECEIVED: 'Surat suara diterima tidak sama dengan DPT + 2% cadangan',
  BALLOTS_USED: 'Surat suara digunakan tidak sama dengan jumlah pengguna hak pilih',
  VOTES_VS_VOTERS: 'Suara sah + tidak sah tidak sama dengan jumlah pengguna hak pilih',
  DISABLED_ABOVE_VOTERS: 'Pemilih disabilitas melebihi jumlah pengguna hak pilih',
  VOTERS_ABOVE_CAP: 'Pengguna hak pilih melebihi batas TPS biasa',
  TURNOUT_ABOVE_DPT: 'Jumlah suara melebihi DPT + 2%',
  ONE_CANDIDATE_ALL_VOTES: 'Satu paslon mendapat semua suara sah',
  UNLIKE_KELURAHAN: 'Perolehan sangat berbeda dari TPS lain di kelurahan ini',
  PAPER_MISMATCH: 'Formulir kertas berbeda dengan data online',
  'PHOTO.REUSED': 'Foto C.Hasil sama dengan foto TPS lain',
  'PHOTO.NEAR_DUPLICATE': 'Foto C.Hasil hampir sama dengan foto TPS lain',
  ON_BEHALF: 'Dientri posko atas nama petugas',
};
export const flagText = (f: { code: string }): string => FLAG_TEXT[f.code] ?? f.code;
