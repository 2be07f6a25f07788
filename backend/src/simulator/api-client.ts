/** A thin fetch client for the public API, with a bound on requests in flight (the server is shared with the posko). */
export interface Answer {
  status: number;
  body: any;
}

export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(readonly max: number) {}

  get inFlight(): number {
    return this.active;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly limiter: Limiter,
  ) {}

  async call(method: string, path: string, opts: { token?: string; body?: unknown; key?: string } = {}): Promise<Answer> {
    return this.limiter.run(async () => {
      const headers: Record<string, string> = {};
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (opts.key) headers['idempotency-key'] = opts.key;
      try {
        const res = await fetch(this.baseUrl + path, {
          method,
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        });
        const text = await res.text();
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          // Not JSON (a proxy's error page): keep the text for the report.
        }
        return { status: res.status, body };
      } catch (e) {
        // A refused or dropped connection counts as status 0, like a phone without signal.
        return { status: 0, body: { code: 'NETWORK', message: e instanceof Error ? e.message : String(e) } };
      }
    });
  }

  /** Signs in; throws with the server's answer when refused (wrong credentials are a setup error, not a scenario). */
  async login(nip: string, pin: string): Promise<string> {
    const r = await this.call('POST', '/api/auth/login', { body: { nip, pin } });
    if (r.status !== 200) throw new Error(`sign-in of ${nip} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.accessToken as string;
  }
}
