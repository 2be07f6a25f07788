/**
 * The load generator's side of the HTTP benchmark: keep-alive HTTP posts (node:http, cheaper per request than fetch,
 * so the generator takes less of the 2 cores from the server), a live socket.io client that timestamps `tps:updated`,
 * and a sampler of projection lag read straight from the database.
 */
import http from 'node:http';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { PostgresEventStore } from '../event-store/postgres/postgres.event-store.js';
import { position } from '../event-store/position.js';
import { LIVE_NAMESPACE, LiveMessage, type ClientToServer, type ServerToClient } from '../live/live.contract.js';
import { PROJECTION_NAMES } from '../projections/projection-registry.js';

export class Poster {
  private readonly agent: http.Agent;
  private readonly target: URL;
  constructor(baseUrl: string, maxSockets: number) {
    this.target = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  post(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((resolve) => {
      const req = http.request(
        {
          agent: this.agent,
          host: this.target.hostname,
          port: this.target.port,
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', (e) => resolve({ status: 0, body: e.message }));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Watches the wall's channel: when a TPS we sent a tally for shows a tally, that is the moment it reached a screen. */
export class ScreenWatcher {
  private readonly socket: Socket<ServerToClient, ClientToServer>;
  readonly sentAt = new Map<string, number>();
  readonly latencies: number[] = [];
  constructor(url: string, token: string) {
    this.socket = io(url + LIVE_NAMESPACE, { auth: { token }, transports: ['websocket'], forceNew: true });
    this.socket.on(LiveMessage.TpsUpdated, (m) => {
      const sent = this.sentAt.get(m.data.id);
      if (sent !== undefined && m.data.tallies.length > 0) {
        this.latencies.push(performance.now() - sent);
        this.sentAt.delete(m.data.id);
      }
    });
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  /** Starts a new phase's samples; returns the previous ones. */
  take(): number[] {
    return this.latencies.splice(0);
  }

  close(): void {
    this.socket.close();
  }
}

/** Samples the age of the oldest event each projection has not applied (the server's own lag definition). */
export class LagSampler {
  readonly samples: number[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private constructor(
    private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  static async open(url: string): Promise<LagSampler> {
    return new LagSampler(
      new pg.Pool({ connectionString: url, max: 1 }),
      await PostgresEventStore.connect({ connectionString: url, poolSize: 2 }),
    );
  }

  async sample(): Promise<number> {
    const { rows } = await this.pool.query<{ commit_pos: string | null; prepare_pos: string | null }>(
      `SELECT commit_pos, prepare_pos FROM proj_checkpoint WHERE name = ANY($1)`,
      [[...PROJECTION_NAMES]],
    );
    let worst = 0;
    for (const r of rows) {
      const after = r.commit_pos === null || r.prepare_pos === null ? 'start' : position(BigInt(r.commit_pos), BigInt(r.prepare_pos));
      const [oldest] = await this.store.readAll({ after, maxCount: 1 });
      if (oldest) worst = Math.max(worst, Date.now() - oldest.recordedAt.getTime());
    }
    return worst;
  }

  start(everyMs = 200): void {
    this.timer = setInterval(() => {
      this.sample().then(
        (ms) => this.samples.push(ms),
        () => undefined,
      );
    }, everyMs);
  }

  stop(): number[] {
    if (this.timer) clearInterval(this.timer);
    return this.samples.splice(0);
  }

  async close(): Promise<void> {
    this.stop();
    await this.store.close();
    await this.pool.end();
  }
}
