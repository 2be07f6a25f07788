import { z } from 'zod';
import { DEFAULT_ESCALATION_PARTIES, DEFAULT_INCIDENT_DEADLINES, parseDeadlines, parseParties } from '../incidents/deadline-policy.js';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');

/**
 * Every environment variable the backend reads, with its default. Defaults serve the embedded setup,
 * so a plain `npm start` works on a fresh machine. Documented in README.md (Configuration).
 */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  DB_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
  /** PostgreSQL store group commit (docs/event-store.md): longest wait of an append for the group in flight, ms; 0 = off. */
  EVENTSTORE_GROUP_COMMIT_MS: z.coerce.number().int().min(0).max(50).default(2),
  EVENTSTORE_GROUP_COMMIT_MAX: z.coerce.number().int().min(2).max(1000).default(100),
  EVENTSTORE_URL: z
    .string()
    .regex(/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//, 'must be an esdb:// or esdb+discover:// URL')
    .optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(12 * 3600),
  SEED_DEMO: bool.optional(),
  MAP_BOUNDARIES: z.string().min(1).optional(),
  MAP_TILE_URL: z.string().url().optional(),
  /** Kelurahan/TPS list in the format of data/lubuklinggau-tps.csv; the benchmark points it at a synthetic one. */
  REFERENCE_FILE: z.string().min(1).optional(),
  CONTESTS_FILE: z.string().min(1).optional(),
  CONTACTS_FILE: z.string().min(1).optional(),
  // Tallies in the review queue (docs/audit.md): `count` = they count until a supervisor holds them, `hold` = they
  // count only once accepted. A change rebuilds the tps-status read model once when the leader starts (policy-setting.ts).
  FLAGGED_TALLIES: z.enum(['count', 'hold']).default('count'),
  CHECKIN_DEADLINE: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (WIB)')
    .default('07:30'),
  ELECTION_DATE: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
    .default('2024-02-14'),
  QUICKCOUNT_MIN_TPS: z.coerce.number().int().min(2).default(30),
  CORS_ORIGINS: z.string().default(''),
  /** Express `trust proxy`: false, true, a hop count, or comma-separated addresses/subnets of the proxies. */
  TRUST_PROXY: z
    .string()
    .regex(/^(false|true|\d{1,2}|[0-9a-fA-F.:/,\s]+)$/, 'must be false, true, a hop count, or proxy addresses')
    .default('false'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  /** Pub/sub channels are global to a Redis server: systems sharing one need different prefixes. */
  REDIS_CHANNEL_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/)
    .default('sipantaumilu'),
  DASHBOARD_DIR: z.string().min(1).optional(),
  BODY_LIMIT: z.string().default('64kb'),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  PROJECTIONS: bool.default(true),
  // After a live batch the runners wait this long before reading again, so that under load one transaction carries
  // many events instead of one each (docs/projections.md); it bounds the extra latency a quiet moment sees.
  PROJECTION_GATHER_MS: z.coerce.number().int().min(0).max(1000).default(15),
  // What a rebuild's bulk fold holds in memory per projection before writing it out (TPS docs, or rows of the audit
  // projections): the bound on a rebuild's memory, in the server too (docs/projections.md).
  REBUILD_MEMORY_LIMIT: z.coerce.number().int().min(1).default(100_000),
  // Requests per minute (0 = off), counted in Redis when REDIS_URL is set; docs/security.md explains the defaults. Per
  // IP, writes are only a high ceiling: the benchmark sends 2,000 tallies/s from one address, and a posko's officers
  // share one NAT.
  RATE_LIMIT_WRITES_PER_MIN: z.coerce.number().int().min(0).default(120),
  RATE_LIMIT_WRITES_PER_IP_PER_MIN: z.coerce.number().int().min(0).default(600_000),
  RATE_LIMIT_READS_PER_MIN: z.coerce.number().int().min(0).default(600),
  RATE_LIMIT_READS_PER_IP_PER_MIN: z.coerce.number().int().min(0).default(60_000),
  // Reads are counted in windows this long, each allowing its share of the per-minute figure (docs/security.md).
  RATE_LIMIT_READS_WINDOW_SECONDS: z.coerce.number().int().min(1).max(60).default(10),
  // Reads of one user running at once (0 = no cap), how many more may wait for a turn, and for how long (docs/security.md).
  RATE_LIMIT_READS_CONCURRENT: z.coerce.number().int().min(0).default(8),
  RATE_LIMIT_READS_QUEUE: z.coerce.number().int().min(0).default(32),
  RATE_LIMIT_READS_QUEUE_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  RATE_LIMIT_LOGIN_PER_MIN: z.coerce.number().int().min(0).default(30),
  RATE_LIMIT_LOGIN_PER_IP_PER_MIN: z.coerce.number().int().min(0).default(3000),
  // The posko console (docs/posko.md): minutes to acknowledge/resolve per severity, and the outside parties.
  INCIDENT_DEADLINES: z
    .string()
    .default(DEFAULT_INCIDENT_DEADLINES)
    .transform((v, ctx) => {
      const p = parseDeadlines(v);
      if (typeof p !== 'string') return p;
      ctx.addIssue({ code: 'custom', message: p });
      return z.NEVER;
    }),
  ESCALATION_PARTIES: z
    .string()
    .default(DEFAULT_ESCALATION_PARTIES)
    .transform((v, ctx) => {
      const p = parseParties(v);
      if (typeof p !== 'string') return p;
      ctx.addIssue({ code: 'custom', message: p });
      return z.NEVER;
    }),
  // Signed log heads (docs/audit.md): the Ed25519 key lives in a file, never in the database. Unset: DATA_DIR's
  // audit-signing-key.pem on the embedded setup, generated on first start; no signing otherwise.
  AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  // Persisted as-of replay (docs/audit.md): a snapshot of the totals every this many events, and how often the leader
  // folds new events in the background (0 = only when an `?asOf=` question comes). A change rebuilds the replay once.
  AS_OF_SNAPSHOT_EVERY: z.coerce.number().int().min(10).max(10_000_000).default(50_000),
  AS_OF_BUILD_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(30),
  // C.Hasil photos (docs/operations.md): where the bytes live, the upload limit, the orphan sweep.
  PHOTO_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(12 * 1024 * 1024),
  PHOTO_STORE: z.enum(['fs', 's3']).default('fs'),
  PHOTO_DIR: z.string().min(1).optional(),
  PHOTO_CACHE_DIR: z.string().min(1).optional(),
  PHOTO_S3_BUCKET: z.string().min(3).optional(),
  PHOTO_S3_PREFIX: z.string().default('photos/'),
  PHOTO_S3_ENDPOINT: z.string().url().optional(),
  PHOTO_S3_REGION: z.string().min(1).default('us-east-1'),
  PHOTO_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  PHOTO_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  PHOTO_S3_FORCE_PATH_STYLE: bool.default(false),
  PHOTO_ORPHAN_MINUTES: z.coerce.number().int().min(1).default(60),
  PHOTO_SWEEP_MINUTES: z.coerce.number().int().min(0).default(30),
  PHOTO_NEAR_DISTANCE: z.coerce.number().int().min(0).max(32).default(6),
  // The live channel (docs/security.md, "Live channel"): open sockets per sign-in and per client address on one node,
  // and messages per sign-in per minute; a full resume (the whole picture) has its own, smaller allowance.
  LIVE_MAX_SOCKETS_PER_TOKEN: z.coerce.number().int().min(1).default(4),
  LIVE_MAX_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).default(100),
  LIVE_MESSAGES_PER_MIN: z.coerce.number().int().min(1).default(120),
  LIVE_FULL_RESUMES_PER_MIN: z.coerce.number().int().min(1).default(6),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface AppConfig extends Omit<RawConfig, 'SEED_DEMO' | 'LOG_FORMAT'> {
  LOG_FORMAT: 'json' | 'pretty';
  SEED_DEMO: boolean;
  /** True when no DATABASE_URL was given and the embedded PostgreSQL serves the system. */
  embedded: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SECRET = new Set(['JWT_SECRET', 'DATABASE_URL', 'EVENTSTORE_URL', 'REDIS_URL', 'PHOTO_S3_SECRET_ACCESS_KEY']);

/** Parses the environment; throws ConfigError naming every bad variable at once (secrets by name only). */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const cleaned = Object.fromEntries(Object.keys(configSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const name = String(i.path[0]);
        // A mistyped secret or URL with a password in it must not land in a log.
        const shown = SECRET.has(name) ? '(value hidden)' : `(got ${JSON.stringify(cleaned[name])})`;
        return `${i.path.join('.')}: ${i.message} ${shown}`;
      }),
    );
  }
  const raw = result.data;
  if (raw.PHOTO_STORE === 's3' && !raw.PHOTO_S3_BUCKET) throw new ConfigError(['PHOTO_S3_BUCKET: required when PHOTO_STORE=s3']);
  const embedded = raw.DATABASE_URL === undefined;
  return {
    ...raw,
    embedded,
    LOG_FORMAT: raw.LOG_FORMAT ?? (raw.NODE_ENV === 'production' ? 'json' : 'pretty'),
    SEED_DEMO: raw.SEED_DEMO ?? embedded,
  };
}

/** The only place that reads process.env. */
export function loadConfig(): AppConfig {
  return parseConfig(process.env);
}
