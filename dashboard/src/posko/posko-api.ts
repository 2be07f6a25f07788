/** The posko console's calls (docs/posko.md) and the Indonesian words its screens use. */
import type { IncidentView } from '$contract';
import type { IncidentAction } from '$incidents-contract';
import { ApiError, apiPost, currentSession } from '../lib/api.ts';

export const canUsePosko = (): boolean => ['operator', 'admin'].includes(currentSession()?.role ?? '');
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
  return `Ditolak server (${e.code}).`;
}

export function act(i: IncidentView, action: IncidentAction, body: Record<string, unknown>) {
  return apiPost<{ state: string; position: string }>(`/api/incidents/${i.incidentId}/${action}`, body);
}
