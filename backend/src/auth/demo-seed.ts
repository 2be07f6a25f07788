import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { hashPin } from './pin-hash.js';
import type { Role } from './principal.js';

/** Demo credentials, for demos and drills only (README, "Demo credentials"). Off with SEED_DEMO=false. */
export const DEMO_OFFICER_PIN = '123456';
export const DEMO_USERS: { nip: string; pin: string; role: Role; name: string }[] = [
  { nip: 'operator', pin: 'operator123', role: 'operator', name: 'Operator Posko (demo)' },
  { nip: 'supervisor', pin: 'supervisor123', role: 'supervisor', name: 'Kepala Posko (demo)' },
  { nip: 'auditor', pin: 'auditor123', role: 'auditor', name: 'Auditor (demo)' },
  { nip: 'admin', pin: 'admin123', role: 'admin', name: 'Admin (demo)' },
  { nip: 'display', pin: 'display123', role: 'display', name: 'Layar Posko (demo)' },
];

/** Reserve monitors without a TPS, for the posko's roll call (POST /api/tps/{id}/officer); PIN DEMO_OFFICER_PIN. */
export const DEMO_RESERVES = Array.from({ length: 10 }, (_, i) => `cadangan${String(i + 1).padStart(2, '0')}`);

type DemoRow = [nip: string, name: string, role: Role, tpsId: string | null, pinHash: string, phone: string | null];
const SEED_BATCH = 20_000;

/** Demo phone numbers are visibly not real ones (no one's phone rings in a drill). */
const demoPhone = (suffix: string) => `0000-DEMO-${suffix}`;

@Injectable()
export class DemoSeed implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoSeed');
  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) {
      // Off means off: demo accounts seeded by an earlier start (public PINs) must not keep working.
      // TypeORM answers a DELETE with [rows, affected count], not the rows.
      const [, removed] = await this.db.query<[unknown, number]>(`DELETE FROM users WHERE demo`);
      if (removed) this.logger.warn(`SEED_DEMO is off: removed ${removed} demo accounts`);
      return;
    }
    const [{ n }] = await this.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM users WHERE demo`);
    if (n >= this.ref.tpsTotal + DEMO_USERS.length + DEMO_RESERVES.length) return;
    // One hash for every demo officer: scrypt is deliberately slow and these PINs are public anyway.
    const officerHash = await hashPin(DEMO_OFFICER_PIN);
    let rows: DemoRow[] = [];
    let seeded = 0;
    const flush = async () => {
      seeded += rows.length;
      await this.insert(rows);
      rows = [];
    };
    // In batches: a national reference seeds 820,000 officers without holding them all at once.
    for (const t of this.ref.tpsById.values()) {
      rows.push([t.id, `Pemantau TPS ${t.number} (demo)`, 'officer', t.id, officerHash, demoPhone(t.id.slice(-6))]);
      if (rows.length === SEED_BATCH) await flush();
    }
    for (const nip of DEMO_RESERVES)
      rows.push([nip, `Pemantau cadangan ${nip.slice(-2)} (demo)`, 'officer', null, officerHash, demoPhone(nip)]);
    for (const u of DEMO_USERS) rows.push([u.nip, u.name, u.role, null, await hashPin(u.pin), null]);
    await flush();
    this.logger.warn(`demo users seeded (${seeded}); demo credentials are public: never use SEED_DEMO on election day`);
  }

  private async insert(rows: DemoRow[]): Promise<void> {
    if (!rows.length) return;
    await this.db.query(
      `INSERT INTO users (nip, name, role, tps_id, pin_hash, phone, demo)
       SELECT nip, name, role, tps_id, pin_hash, phone, true
       FROM jsonb_to_recordset($1::jsonb) AS x(nip text, name text, role text, tps_id text, pin_hash text, phone text)
       ON CONFLICT (nip) DO NOTHING`,
      [JSON.stringify(rows.map(([nip, name, role, tps_id, pin_hash, phone]) => ({ nip, name, role, tps_id, pin_hash, phone })))],
    );
  }
}
