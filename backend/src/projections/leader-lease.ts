import pg from 'pg';

/** Advisory lock key of the projection leader: "SPMU" in ASCII, fixed so every node contends for the same lock. */
export const PROJECTION_LOCK_KEY = 0x53504d55;

export interface LeaseOptions {
  connectionString: string;
  /** How often a follower tries to take the lease, and the leader checks it still holds it. */
  intervalMs?: number;
  onAcquired(): Promise<void> | void;
  /** Called when the lease is lost (connection gone): stop the work at once, another node may be taking over. */
  onLost(): Promise<void> | void;
  log?: (msg: string) => void;
  /**
   * The server ends the lease session after this long without a query (`idle_session_timeout`, PostgreSQL 14+), which
   * frees the lock when the leader's process or host freezes (a frozen process's kernel still answers TCP keepalives,
   * so keepalives alone never notice it). Must stay well above `intervalMs`, the leader's check period.
   */
  idleTimeoutMs?: number;
}

export const LEASE_INTERVAL_MS = 2000;
export const LEASE_IDLE_TIMEOUT_MS = 10_000;
/** Client-side bound of each lease round trip (connect, lock, check). */
const LEASE_QUERY_TIMEOUT_MS = 3000;

/**
 * Connection settings of the lease session. Client keepalive plus the server's own (tcp_keepalives_*, and
 * tcp_user_timeout for unacknowledged data) notice a dead peer or a cut network within about 20 s instead of the
 * kernel's 2 h default; idle_session_timeout (set after connect) covers a frozen leader. docs/scaling.md has the bound.
 */
export function leaseClientConfig(connectionString: string): pg.ClientConfig {
  return {
    connectionString,
    application_name: 'projection-lease',
    connectionTimeoutMillis: LEASE_QUERY_TIMEOUT_MS,
    query_timeout: LEASE_QUERY_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 5000,
    options: '-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3 -c tcp_user_timeout=15000',
  };
}

/**
 * Exactly one node runs the projections: the one holding a session-level PostgreSQL advisory lock on a dedicated
 * connection. When that node dies its connection closes, PostgreSQL releases the lock, and a follower's next try
 * (within `intervalMs`) takes over from the committed checkpoints. When it freezes or is cut off instead, the server
 * ends its lease session after `idleTimeoutMs` without a check (and keepalives catch a vanished peer), so the worst
 * case is about idleTimeoutMs + intervalMs (docs/scaling.md). A leader whose connection fails stops its runners, and
 * does not try to lead again until they have stopped; each batch also locks its checkpoint row, so even a brief
 * overlap (a frozen leader thawing) cannot apply an event twice.
 */
export class LeaderLease {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private leading = false;
  private stopped = false;
  private busy = false;
  /** Set while onLost runs: the lease is not taken again before the work has stopped (else start finds it running). */
  private losing: Promise<void> | null = null;

  constructor(private readonly opts: LeaseOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.stopped = false;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs ?? LEASE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Releases the lease (after the caller stopped its work) so a follower takes over without waiting. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const c = this.client;
    this.client = null;
    this.leading = false;
    if (c) await c.end().catch(() => undefined);
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped || this.losing) return;
    this.busy = true;
    try {
      if (this.leading) await this.check();
      else await this.tryAcquire();
    } finally {
      this.busy = false;
    }
  }

  private async tryAcquire(): Promise<void> {
    try {
      if (!this.client) {
        const c = new pg.Client(leaseClientConfig(this.opts.connectionString));
        c.on('error', () => void this.lose('lease connection error'));
        await c.connect();
        this.client = c;
        await c.query(`SELECT set_config('idle_session_timeout', $1, false) WHERE current_setting('server_version_num')::int >= 140000`, [
          String(this.opts.idleTimeoutMs ?? LEASE_IDLE_TIMEOUT_MS),
        ]);
      }
      const r = await this.client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [PROJECTION_LOCK_KEY]);
      if (!r.rows[0]?.ok || this.stopped) return;
      this.leading = true;
      this.opts.log?.('projection lease taken: this node runs the projections');
    } catch (e) {
      await this.dropClient();
      this.opts.log?.(`projection lease not reachable: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    try {
      await this.opts.onAcquired();
      // The lease may have been lost while the work was starting (lose() ran before there was anything to stop).
      if (!this.leading) await this.opts.onLost();
    } catch (e) {
      // Could not start: give the lease back so a healthier node takes it.
      this.leading = false;
      await this.dropClient();
      this.opts.log?.(`projections failed to start, lease released: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** The lock lives as long as the session: a round trip proves the session (and so the lock) is still ours. */
  private async check(): Promise<void> {
    try {
      await this.client!.query('SELECT 1');
    } catch {
      await this.lose('lease connection lost');
    }
  }

  private async lose(reason: string): Promise<void> {
    await this.dropClient();
    if (!this.leading) return;
    this.leading = false;
    this.opts.log?.(`${reason}: stopping the projections on this node`);
    const losing = (async () => this.opts.onLost())();
    this.losing = losing;
    try {
      await losing;
    } finally {
      if (this.losing === losing) this.losing = null;
    }
  }

  private async dropClient(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => undefined);
  }
}
