import { request } from './http.ts';

/**
 * The monitor's session in localStorage (its own key: the wall's session is another), so it survives reloads and
 * phone restarts. The token is refreshed at 80% of its life while the app is open; sign-out forgets it.
 */
const STORE = 'sipantaumilu.petugas.session';

export interface Session {
  token: string;
  /** epoch ms */
  expiresAt: number;
  tpsId: string;
  nip: string;
  name: string;
}

interface LoginAnswer {
  accessToken: string;
  expiresIn: number;
  role: string;
  tpsId?: string;
  name?: string;
}

export class SignInError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

let timer: ReturnType<typeof setTimeout> | null = null;

export function readSession(): Session | null {
  try {
    const s = JSON.parse(localStorage.getItem(STORE) ?? 'null') as Session | null;
    return s && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

function keep(a: LoginAnswer, nip: string): Session {
  const s: Session = { token: a.accessToken, expiresAt: Date.now() + a.expiresIn * 1000, tpsId: a.tpsId ?? '', nip, name: a.name ?? '' };
  localStorage.setItem(STORE, JSON.stringify(s));
  return s;
}

/** Signs in; only officers with a TPS may use this app. Throws SignInError with the API code (or NETWORK). */
export async function signIn(nip: string, pin: string): Promise<Session> {
  const a = await request('POST', '/api/auth/login', { body: { nip, pin } }).catch(() => {
    throw new SignInError('NETWORK');
  });
  if (a.status !== 200) throw new SignInError(String(a.body.code ?? `HTTP.${a.status}`));
  const answer = a.body as unknown as LoginAnswer;
  if (answer.role !== 'officer' || !answer.tpsId) throw new SignInError('APP.NOT_OFFICER');
  return keep(answer, nip);
}

export function forgetSession(): void {
  localStorage.removeItem(STORE);
  if (timer) clearTimeout(timer);
  timer = null;
}

/**
 * Keeps the session fresh: a refresh at 80% of what is left (at least 5 s from now). A refused token ends the
 * session (`onEnded`); no network tries again in a minute, while the token is still good.
 */
export function keepFresh(onRefreshed: (s: Session) => void, onEnded: () => void): void {
  if (timer) clearTimeout(timer);
  const s = readSession();
  if (!s) return;
  const delay = Math.max(5_000, (s.expiresAt - Date.now()) * 0.8);
  timer = setTimeout(
    async () => {
      const now = readSession();
      if (!now) return onEnded();
      try {
        const a = await request('POST', '/api/auth/refresh', { token: now.token, body: {} });
        if (a.status === 200) onRefreshed(keep(a.body as unknown as LoginAnswer, now.nip));
        else if (a.status === 401) return onEnded();
      } catch {
        // No network: try again later while the token lasts.
      }
      keepFresh(onRefreshed, onEnded);
    },
    Math.min(delay, 2 ** 31 - 1),
  );
}
