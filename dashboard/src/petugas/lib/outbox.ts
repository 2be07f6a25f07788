import { NetworkError, request } from './http.ts';
import { dueEntries, nextWakeAt, verdictFor, withoutClientTime, type OutboxEntry, type Outcome } from './outbox-core.ts';
import type { OutboxStore } from './outbox-store.ts';

export interface OutboxDeps {
  store: Pick<OutboxStore, 'add' | 'all' | 'put' | 'delete'>;
  /** The current access token; null pauses sending until the monitor signs in again. */
  token(): string | null;
  /** The signed-in officer's TPS: only its reports are sent (another officer's wait for their own sign-in). */
  tpsId(): string | null;
  /** A 401: the session is over (the reports stay). */
  onUnauthorized(): void;
  /** A report the server accepted, with its answer. */
  onSent(entry: OutboxEntry, answer: Record<string, unknown>): void;
  onChange(entries: OutboxEntry[]): void;
  /** A report refused for good (shown to the monitor to fix or discard). */
  onRejected?(entry: OutboxEntry): void;
  /** A fresh Idempotency-Key for a report sent again in another form. */
  freshKey(entry: OutboxEntry): string;
}

/**
 * Write first, send second: a report is in IndexedDB, with its Idempotency-Key, before the first byte leaves the phone.
 * Sending runs only when something waits: on a new report, when the network comes back, when the app is shown again,
 * and at the next retry time. Nothing runs while the outbox is empty.
 */
export class Outbox {
  private running = false;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly kick = () => void this.pump();

  constructor(private readonly deps: OutboxDeps) {}

  async start(): Promise<void> {
    window.addEventListener('online', this.kick);
    document.addEventListener('visibilitychange', this.kick);
    await this.changed();
    await this.pump();
  }

  stop(): void {
    window.removeEventListener('online', this.kick);
    document.removeEventListener('visibilitychange', this.kick);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Stores a new report (once per key) and tries to send it. */
  async add(entry: Omit<OutboxEntry, 'seq' | 'attempts' | 'nextAt' | 'status' | 'createdAt'>): Promise<void> {
    await this.deps.store.add({ ...entry, attempts: 0, nextAt: 0, status: 'waiting', createdAt: Date.now(), lastError: null });
    await this.changed();
    await this.pump();
  }

  /** The monitor gave up on a refused report. */
  async discard(key: string): Promise<void> {
    await this.deps.store.delete(key);
    await this.changed();
    await this.pump();
  }

  /** Sends everything due now, one report per TPS at a time, then sets one timer for the next retry (if any). */
  async pump(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      do {
        this.again = false;
        if (!this.deps.token() || navigator.onLine === false) break;
        const due = dueEntries(await this.mine(), Date.now());
        for (const e of due) if (!(await this.sendOne(e))) return;
        if (due.length) this.again = true;
      } while (this.again);
    } finally {
      this.running = false;
    }
    await this.schedule();
  }

  private async schedule(): Promise<void> {
    const wake = nextWakeAt(await this.mine());
    if (wake === null || !this.deps.token() || navigator.onLine === false) return;
    this.timer = setTimeout(this.kick, Math.max(0, wake - Date.now()));
  }

  /** False when sending must stop (the session ended). */
  private async sendOne(e: OutboxEntry): Promise<boolean> {
    let outcome: Outcome;
    let body: Record<string, unknown> = {};
    try {
      const a = await request(e.method, e.path, {
        token: this.deps.token(),
        body: e.body,
        contentType: e.contentType,
        headers: { 'Idempotency-Key': e.key },
      });
      body = a.body;
      outcome = { status: a.status, code: typeof a.body.code === 'string' ? a.body.code : undefined, retryAfter: a.retryAfter };
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      outcome = 'network';
    }
    const attempts = e.attempts + 1;
    const now = Date.now();
    const v = verdictFor(e, outcome, attempts, now, Math.random());
    const lastError =
      outcome === 'network'
        ? { status: 0, code: 'NETWORK', message: 'no answer', details: {} }
        : { status: outcome.status, code: outcome.code ?? `HTTP.${outcome.status}`, message: String(body.message ?? ''), details: body };
    if (v.kind === 'sent') {
      await this.deps.store.delete(e.key);
      this.deps.onSent(e, body);
    } else if (v.kind === 'retry') {
      await this.deps.store.put({ ...e, attempts, nextAt: now + v.delayMs, lastError });
    } else if (v.kind === 'rejected' && outcome !== 'network' && withoutClientTime(e, outcome.status, body, '')) {
      // Same place in the queue (same seq), new key: the refused body was never stored, the new one is another report.
      await this.deps.store.put(withoutClientTime(e, outcome.status, body, this.deps.freshKey(e))!);
      await this.deps.store.delete(e.key);
    } else if (v.kind === 'rejected') {
      await this.deps.store.put({ ...e, attempts, status: 'rejected', lastError });
      this.deps.onRejected?.(e);
    } else {
      await this.deps.store.put({ ...e, attempts, lastError });
    }
    await this.changed();
    if (v.kind === 'signin') {
      this.deps.onUnauthorized();
      return false;
    }
    return true;
  }

  private async mine(): Promise<OutboxEntry[]> {
    const tps = this.deps.tpsId();
    return (await this.deps.store.all()).filter((e) => e.tpsId === tps);
  }

  private async changed(): Promise<void> {
    this.deps.onChange(await this.deps.store.all());
  }
}
