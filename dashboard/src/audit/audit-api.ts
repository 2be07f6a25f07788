/** The audit routes (docs/audit.md) for the screens, and the one authenticated download. Payload types: $audit-contract. */
import { ApiError, apiGet, currentSession, currentToken, signOut } from '../lib/api.ts';
import { saveBlob } from './csv.ts';
import type { AuditMeta, HistoryEntry, PaperReconciliation } from '$audit-contract';

export type { AuditMeta, CorrectionItem, FieldDiff, HistoryEntry, PaperMismatchRow as PaperMismatch, TpsEventType } from '$audit-contract';

/** GET /api/audit/paper-forms answers the reconciliation with the log position it reflects. */
export type PaperForms = PaperReconciliation & { position: string | null };

/** The roles the server lets read history, corrections and paper forms; the display screen is not one of them. */
export const canAudit = (): boolean => ['auditor', 'operator', 'supervisor', 'admin'].includes(currentSession()?.role ?? '');

/** `?a=1&b=x` from the set values only. */
export function query(params: Record<string, string | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const getHistory = (tpsId: string) => apiGet<{ tpsId: string; events: HistoryEntry[] }>(`/api/tps/${tpsId}/history`);
export const getMeta = () => apiGet<AuditMeta>('/api/audit/meta');

/** A server-made file (the history CSV) fetched with the token, since a plain link cannot carry it. */
export async function downloadFromApi(path: string, filename: string): Promise<void> {
  const token = currentToken();
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status === 401) signOut();
  if (!res.ok) throw new ApiError(res.status, `HTTP.${res.status}`);
  saveBlob(await res.blob(), filename);
}

/** One Indonesian sentence for a failed request. */
export function problem(e: unknown): string {
  if (!(e instanceof ApiError)) return 'Server tidak dapat dihubungi. Periksa jaringan lalu coba lagi.';
  if (e.status === 403) return 'Akun ini tidak berhak membuka data audit.';
  if (e.code === 'REQUEST.INVALID') {
    const fields = (e.body.fields as { path: string }[] | undefined)?.map((f) => f.path).join(', ');
    return `Isian tidak valid${fields ? `: ${fields}` : ''}.`;
  }
  if (e.code === 'AUDIT.REPLAY_TOO_LARGE') return 'Log terlalu besar untuk diputar ulang di server ini.';
  return `Permintaan gagal (${e.code}).`;
}
