/**
 * Signs log heads: every AUDIT_CHECKPOINT_INTERVAL_SECONDS when the log has grown, and on demand. The head is extended
 * from the last checkpoint this key signed (its signature checked first) by reading the store after it, so a checkpoint
 * never blesses a rewrite of anything an earlier checkpoint covered: after such a rewrite every later checkpoint still
 * disagrees with the log (docs/audit.md).
 */
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../../config/config.module.js';
import { ConfigError } from '../../config/config.schema.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { positionFromString, positionToString, type Position } from '../../event-store/position.js';
import { DomainError } from '../../http/domain-error.js';
import { readWholeLog } from '../audit.service.js';
import { nextLogHead } from '../chain-verifier.js';
import { GENESIS_HASH } from '../event-hash.js';
import { signatureProblem, signCheckpoint, type PublicKeyInfo } from './checkpoint.js';
import { checkpointsByKey, insertCheckpoint, type CheckpointTrigger, type StoredCheckpoint } from './checkpoint-store.js';
import { loadOrCreateSigningKey, signingKeyPath, type SigningKey } from './signing-key.js';

@Injectable()
export class CheckpointSigner implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('AuditCheckpoints');
  private key: SigningKey | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<unknown> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly ds: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const file = signingKeyPath(this.config);
    if (!file) {
      this.logger.warn('AUDIT_SIGNING_KEY_FILE is not set: log heads are not signed (docs/audit.md)');
      return;
    }
    try {
      const { key, created } = await loadOrCreateSigningKey(file);
      this.key = key;
      this.logger.log(`${created ? 'generated the audit signing key' : 'audit signing key'} ${file} (key id ${key.keyId})`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new ConfigError([message.startsWith('AUDIT_SIGNING_KEY_FILE') ? message : `AUDIT_SIGNING_KEY_FILE: ${file}: ${message}`]);
    }
    const every = this.config.AUDIT_CHECKPOINT_INTERVAL_SECONDS;
    if (every > 0) {
      this.timer = setInterval(() => this.tick(), every * 1000);
      this.timer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  publicKey(): PublicKeyInfo {
    const key = this.requireKey();
    return { algorithm: 'Ed25519', keyId: key.keyId, publicKey: key.publicKeyPem };
  }

  get enabled(): boolean {
    return this.key !== null;
  }

  /** Signs the log's current head; an interval tick with nothing new signs nothing (null). */
  async sign(trigger: CheckpointTrigger, requestedBy: string | null): Promise<StoredCheckpoint | null> {
    const key = this.requireKey();
    return this.ds.transaction(async (m) => {
      // One signer at a time across nodes sharing the database (the lock ends with the transaction).
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('sipantaumilu.audit-checkpoint'))`);
      const from = await this.lastValid(m, key);
      let head = from?.logHead ?? GENESIS_HASH;
      let count = from?.eventsCount ?? 0;
      let last: Position | null = from ? positionFromString(from.position) : null;
      for await (const e of readWholeLog(this.store, last ?? 'start')) {
        head = nextLogHead(head, e);
        count++;
        last = e.position;
      }
      if (trigger === 'interval' && (!last || count === from?.eventsCount)) return null;
      if (!last) throw new DomainError('AUDIT.LOG_EMPTY', 409, 'The log has no events yet: there is no head to sign');
      const cp = signCheckpoint(
        { position: positionToString(last), logHead: head, eventsCount: count, at: new Date().toISOString() },
        key.privateKey,
      );
      return insertCheckpoint(m, cp, trigger, requestedBy);
    });
  }

  /** The furthest checkpoint of this key whose signature holds; a row that does not verify is skipped and reported. */
  private async lastValid(m: EntityManager, key: SigningKey): Promise<StoredCheckpoint | null> {
    for (let offset = 0; ; offset += 20) {
      const rows = await checkpointsByKey(m, key.keyId, 20, offset);
      for (const cp of rows) {
        const problem = signatureProblem(cp, key.publicKey);
        if (!problem) return cp;
        this.logger.error(`checkpoint ${cp.id} at ${cp.position} does not verify (${problem}): the table was written outside the server`);
      }
      if (rows.length < 20) return null;
    }
  }

  private tick(): void {
    if (this.ticking) return;
    this.ticking = this.sign('interval', null)
      .catch((e: unknown) => this.logger.error(`signing the log head failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => (this.ticking = null));
  }

  private requireKey(): SigningKey {
    if (!this.key)
      throw new DomainError(
        'AUDIT.SIGNING_OFF',
        503,
        'This server has no audit signing key (AUDIT_SIGNING_KEY_FILE): log heads are not signed',
      );
    return this.key;
  }
}
