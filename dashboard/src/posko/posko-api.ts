/** The posko console's calls (docs/posko.md) and the Indonesian words its screens use. */
import type { IncidentView } from '$contract';
import type { IncidentAction } from '$incidents-contract';
import { ApiError, apiPost, currentSession } from '../lib/api.ts';

export const canUsePosko = (): boolean => ['operator', 'supervisor', 'admin'].includes(currentSession()?.role ?? '');
/** The posko's head: decides on tallies in the review queue and on the paper forms' readings (docs/audit.md). */
export const isSupervisor = (): boolean => currentSession()?.role === 'supervisor';

export const REVIEW_REASON_LABEL: Record<string, string> = {
  rule: 'Melanggar aturan formulir',
  oddity: 'Angka janggal',
  paper_mismatch: 'Formulir kertas berbeda',
  photo: 'Foto C.Hasil dipakai ulang',
  on_behalf: 'Dientri posko atas nama petugas',
};

export const AGREEMENT_LABEL: Record<string, string> = {
  no_online: 'Belum ada data online untuk dibandingkan.',
  matches: 'Entri 1 sama dengan data online: selesai.',
  awaiting_second: 'Entri 1 berbeda dengan data online: perlu entri kedua oleh petugas lain.',
  online_and_second: 'Entri 2 sama dengan data online (entri 1 salah ketik): data online benar.',
  papers_agree: 'Entri 1 dan entri 2 sama, berbeda dengan data online: formulir kertas menjadi koreksi.',
  none: 'Ketiga bacaan berbeda: periksa formulir aslinya.',
};
export const me = (): string => currentSession()?.name ?? '';

export const STATE_LABEL: Record<string, string> = {
  reported: 'Dilaporkan',
  acknowledged: 'Diterima posko',
  assigned: 'Ditugaskan',
  escalated: 'Dieskalasi',
  resolved: 'Selesai',
  reopened: 'Dibuka kembali',
};

export const ACTION_LABEL: Record<IncidentAction, string> = {
  acknowledge: 'Terima',
  assign: 'Tugaskan',
  escalate: 'Eskalasi',
  resolve: 'Selesaikan',
  reopen: 'Buka kembali',
};

export const OUTCOME_LABEL: Record<string, string> = {
  reached: 'Tersambung',
  no_answer: 'Tidak diangkat',
  wrong_number: 'Nomor salah',
  unreachable: 'Tidak aktif',
};

/** What a refusal means, in words for the operator. */
export function refusal(e: unknown): string {
  if (!(e instanceof ApiError)) return 'Gagal terhubung ke server. Coba lagi.';
  if (e.code === 'INCIDENT.INVALID_TRANSITION' || e.code === 'INCIDENT.ALREADY_RESOLVED')
    return `Tidak bisa: insiden sekarang berstatus "${STATE_LABEL[String(e.body.state)] ?? String(e.body.state)}".`;
  if (e.code === 'REQUEST.INVALID') {
    const fields = (e.body.fields as { path: string; problem: string }[] | undefined) ?? [];
    return `Isian belum benar: ${fields.map((f) => f.path).join(', ')}.`;
  }
  if (e.code === 'OFFICER.HOLDS_OTHER_TPS') return `Petugas itu sudah memegang TPS ${String(e.body.tpsId)}.`;
  if (e.code === 'OFFICER.ALREADY_ASSIGNED') return 'Petugas itu sudah memegang TPS ini.';
  if (e.code === 'REVIEW.OWN_TALLY')
    return 'Tidak bisa: Anda sendiri mengentri atau mengoreksi hasil ini. Kepala posko lain yang memutuskan.';
  if (e.code === 'REVIEW.NO_CHANGE') return 'Keputusan ini sudah tercatat untuk versi hasil ini.';
  if (e.code === 'TALLY.STALE_REVISION') return 'Hasil TPS ini baru berubah. Muat ulang lalu putuskan lagi.';
  if (e.code === 'PAPER.SAME_CLERK') return `Entri kedua harus oleh petugas lain (entri pertama oleh ${String(e.body.firstEntryBy)}).`;
  if (e.code === 'PAPER.ENTRIES_COMPLETE') return 'Dua entri sudah lengkap: kepala posko yang memutuskan.';
  if (e.code === 'PAPER.BLIND') return 'Ketik formulir kertas dulu: entri kedua dilakukan tanpa melihat angka lain.';
  if (e.code === 'PAPER.NOT_AGREED') return 'Entri kertas tidak sepakat: tidak bisa dijadikan koreksi.';
  return `Ditolak server (${e.code}).`;
}

export function act(i: IncidentView, action: IncidentAction, body: Record<string, unknown>) {
  return apiPost<{ state: string; position: string }>(`/api/incidents/${i.incidentId}/${action}`, body);
}
