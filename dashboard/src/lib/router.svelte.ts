/** Path-based routes; the backend answers index.html for every one of them. */
export type Route =
  | { name: 'wall' }
  /** One area of the drill-down (provinsi 2, kabupaten/kota 4, kecamatan 6, kelurahan 10 digits) or one TPS (13). */
  | { name: 'area'; code: string }
  | { name: 'kelurahan'; code: string }
  | { name: 'audit'; view: AuditView }
  | { name: 'posko'; tab: PoskoTab }
  | { name: 'signin' }
  | { name: 'notfound' };

/** The posko console's screens (dashboard/src/posko/). */
export type PoskoTab = 'insiden' | 'absensi' | 'pesan' | 'tps' | 'verifikasi' | 'kertas';

/** The auditor's screens: the TPS search (tpsId null) or one TPS's history, the time slider, corrections, paper forms. */
export type AuditView = { tab: 'tps'; tpsId: string | null } | { tab: 'waktu' } | { tab: 'koreksi' } | { tab: 'formulir' };

function matchAudit(path: string): AuditView | null {
  if (/^\/audit\/?$/.test(path)) return { tab: 'tps', tpsId: null };
  const tps = /^\/audit\/tps\/(\d{13})\/?$/.exec(path);
  if (tps) return { tab: 'tps', tpsId: tps[1] };
  const tab = /^\/audit\/(waktu|koreksi|formulir)\/?$/.exec(path)?.[1];
  return tab === 'waktu' || tab === 'koreksi' || tab === 'formulir' ? { tab } : null;
}

export function match(path: string): Route {
  if (path === '/' || path === '') return { name: 'wall' };
  if (path === '/masuk') return { name: 'signin' };
  const area = /^\/wilayah\/(\d{2}|\d{4}|\d{6}|\d{10}|\d{13})\/?$/.exec(path);
  if (area) return { name: 'area', code: area[1] };
  const kel = /^\/kelurahan\/(\d{10})\/?$/.exec(path);
  if (kel) return { name: 'kelurahan', code: kel[1] };
  const posko = /^\/posko(?:\/(insiden|absensi|pesan|tps|verifikasi|kertas))?\/?$/.exec(path);
  if (posko) return { name: 'posko', tab: (posko[1] ?? 'insiden') as PoskoTab };
  const audit = matchAudit(path);
  if (audit) return { name: 'audit', view: audit };
  return { name: 'notfound' };
}

class Router {
  path = $state(location.pathname);
  route = $derived(match(this.path));

  constructor() {
    addEventListener('popstate', () => (this.path = location.pathname));
  }

  navigate(path: string, opts: { replace?: boolean } = {}): void {
    if (path === location.pathname + location.search) return;
    if (opts.replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    this.path = location.pathname;
  }
}

export const router = new Router();
