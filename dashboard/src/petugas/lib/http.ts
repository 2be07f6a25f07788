/** One request to the API with a deadline. No answer at all (no network, timeout) is a NetworkError. */

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  retryAfter: string | null;
}

export class NetworkError extends Error {}

export const TIMEOUT_MS = 20_000;

export async function request(
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; contentType?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs ?? TIMEOUT_MS);
  const isJson = opts.body !== undefined && !(opts.body instanceof Blob);
  try {
    const res = await fetch(path, {
      method,
      signal: ctl.signal,
      cache: 'no-store',
      headers: {
        ...(opts.body !== undefined ? { 'content-type': opts.contentType ?? 'application/json' } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
      body: opts.body === undefined ? undefined : isJson ? JSON.stringify(opts.body) : (opts.body as Blob),
    });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { code: `HTTP.${res.status}` };
    }
    return { status: res.status, body, retryAfter: res.headers.get('retry-after') };
  } catch (e) {
    throw new NetworkError((e as Error).message);
  } finally {
    clearTimeout(timer);
  }
}
