/**
 * The one HTTP client: adds the token, refreshes it well before it expires (a wall screen stays signed in all day
 * without a prompt), and sends the user to the sign-in page when the server no longer accepts it.
 */
const STORE = 'sipantaumilu.session';

export interface Session {
  token: string;
  /** epoch ms */
  expiresAt: number;
  role: string;
  name: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

let session: Session | null = read();
let refreshTimer: ReturnType<typeof setTimeout> | null = null;
let onSignedOut: () => void = () => undefined;
const tokenListeners = new Set<(token: string) => void>();

/** Called with every new token a refresh brings (the live socket re-authenticates with it). Returns the unsubscribe. */
export function onTokenRefreshed(fn: (token: string) => void): () => void {
  tokenListeners.add(fn);
  return () => tokenListeners.delete(fn);
}

function read(): Session | null {
  try {
    const s = JSON.parse(localStorage.getItem(STORE) ?? 'null') as Session | null;
    return s && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

function store(answer: { accessToken: string; expiresIn: number; role: string; name?: string }): void {
  session = { token: answer.accessToken, expiresAt: Date.now() + answer.expiresIn * 1000, role: answer.role, name: answer.name ?? '' };
  localStorage.setItem(STORE, JSON.stringify(session));
  scheduleRefresh();
}

export const currentSession = (): Session | null => (session && session.expiresAt > Date.now() ? session : null);
export const currentToken = (): string | null => currentSession()?.token ?? null;

/** Called when the session ends (401, sign-out): the app shows the sign-in page. */
export function setSignedOutHandler(fn: () => void): void {
  onSignedOut = fn;
}

export function signOut(): void {
  session = null;
  localStorage.removeItem(STORE);
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = null;
  onSignedOut();
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  token = currentToken(),
  extra: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...extra,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!res.ok) throw new ApiError(res.status, String(parsed.code ?? `HTTP.${res.status}`), parsed);
  return parsed as T;
}

export async function signIn(nip: string, pin: string): Promise<Session> {
  store(await request('POST', '/api/auth/login', { nip, pin }, null));
  return session!;
}

/** GET of a public route (no token sent, nothing ended on refusal). */
export function publicGet<T>(path: string): Promise<T> {
  return request<T>('GET', path, undefined, null);
}

/** GET with the token; a 401 ends the session. */
export async function apiGet<T>(path: string): Promise<T> {
  try {
    return await request<T>('GET', path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) signOut();
    throw e;
  }
}

/** POST with the token (the posko's actions); a 401 ends the session, other refusals throw ApiError with the body. */
export async function apiPost<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  try {
    return await request<T>('POST', path, body, currentToken(), headers);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) signOut();
    throw e;
  }
}

/** A fresh token now. True when it worked; a refused token ends the session, a network failure is retried later. */
export async function refreshNow(): Promise<boolean> {
  if (!currentToken()) return false;
  try {
    store(await request('POST', '/api/auth/refresh', {}));
    for (const fn of tokenListeners) fn(session!.token);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) signOut();
    else scheduleRefresh(30_000);
    return false;
  }
}

/** Refresh after 80% of what is left, at least 5 minutes (or half the time left) before the end, so a failed try has time to retry. */
export function scheduleRefresh(delayMs?: number): void {
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = null;
  const s = currentSession();
  if (!s) return;
  const left = s.expiresAt - Date.now();
  const margin = Math.min(5 * 60_000, left / 2);
  const delay = delayMs ?? Math.max(5_000, Math.min(left * 0.8, left - margin));
  refreshTimer = setTimeout(() => void refreshNow(), Math.min(delay, 2 ** 31 - 1));
}
