/** Indonesian words for the audit screens: event types, roles, form boxes (numbered as on the C.Hasil form). */
import type { TpsEventType } from './audit-api.ts';

export const EVENT_LABEL: Record<TpsEventType, string> = {
  OfficerCheckedIn: 'Kedatangan petugas',
  TallySubmitted: 'Hasil hitung',
  TallyCorrected: 'Koreksi',
  PaperFormRecorded: 'Formulir kertas',
  IncidentReported: 'Insiden',
  IncidentResolved: 'Insiden selesai',
  IncidentAcknowledged: 'Insiden diterima posko',
  IncidentAssigned: 'Insiden ditugaskan',
  IncidentEscalated: 'Insiden dieskalasi',
  IncidentReopened: 'Insiden dibuka kembali',
  ContactAttempted: 'Posko menghubungi petugas',
  OfficerAssigned: 'Petugas cadangan ditugaskan',
  FormPhotoAttached: 'Foto C.Hasil',
  TallyReviewed: 'Keputusan kepala posko',
  OfficialResultImported: 'Hasil resmi KPU (Sirekap)',
};

const ROLE_LABEL: Record<string, string> = {
  officer: 'Petugas TPS',
  operator: 'Operator posko',
  supervisor: 'Kepala posko',
  auditor: 'Auditor',
  admin: 'Admin',
  display: 'Layar posko',
};
export const roleLabel = (role: string): string => ROLE_LABEL[role] ?? role;

const FIELD_LABEL: Record<string, string> = {
  invalid: 'Suara tidak sah (V.B)',
  validTotal: 'Jumlah suara sah tertulis (V.A)',
  grandTotal: 'Jumlah suara sah dan tidak sah tertulis (V.C)',
  'voters.dpt': 'DPT (A.1)',
  'voters.fromDpt': 'Pemilih dari DPT (B.1)',
  'voters.fromDptb': 'Pemilih DPTb (B.2)',
  'voters.fromDpk': 'Pemilih DPK (B.3)',
  'voters.total': 'Jumlah pemilih tertulis (B.4)',
  'ballots.received': 'Surat suara diterima (II.1)',
  'ballots.used': 'Surat suara digunakan (II.2)',
  'ballots.spoiled': 'Surat suara rusak/keliru coblos (II.3)',
  'ballots.unused': 'Surat suara tidak digunakan (II.4)',
  disabledVoters: 'Pemilih disabilitas (III)',
};
const GENDER: Record<string, string> = { male: 'laki-laki', female: 'perempuan' };

/** `votes.01` -> "Suara paslon 01"; unknown paths are shown as they are rather than hidden. */
export function fieldLabel(path: string): string {
  const vote = /^votes\.(.+)$/.exec(path);
  if (vote) return `Suara paslon ${vote[1]}`;
  const byGender = /^votersByGender\.(male|female)\.(.+)$/.exec(path);
  if (byGender) return `${FIELD_LABEL[`voters.${byGender[2]}`] ?? byGender[2]}, ${GENDER[byGender[1]]}`;
  return FIELD_LABEL[path] ?? path;
}

export const value = (n: number | null): string => (n === null ? '—' : new Intl.NumberFormat('id-ID').format(n));

const shortDate = new Intl.DateTimeFormat('id-ID', { timeZone: 'Asia/Jakarta', day: 'numeric', month: 'short', year: 'numeric' });
/** "14 Feb 2024", the WIB calendar day: a UTC date would put anything before 07:00 WIB on the day before. */
export const shortDateWib = (d: string | Date): string => shortDate.format(new Date(d));
