/**
 * One officer account per TPS, as `officers:import` leaves them, written by COPY (820,000 rows in seconds), plus the
 * benches' own readers. One PIN hash for all: the benches sign in with it or never sign in.
 */
import pg from 'pg';
import { copyInto } from '../projections/copy-rows.js';

export interface ExtraAccount {
  nip: string;
  name: string;
  role: string;
}

/** `phones`: every officer gets a synthetic phone number (0800 and the TPS id's last seven digits), as the roll call shows. */
export async function writeOfficerAccounts(
  url: string,
  tpsIds: Iterable<string>,
  pinHash: string,
  extra: ExtraAccount[] = [],
  opts: { phones?: boolean } = {},
): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    function* accounts(): Generator<(string | null)[]> {
      for (const id of tpsIds) yield [id, `Pemantau ${id} (sintetis)`, 'officer', id, pinHash, opts.phones ? `0800${id.slice(-7)}` : null];
      for (const a of extra) yield [a.nip, a.name, a.role, null, pinHash, null];
    }
    await copyInto(client, 'users', ['nip', 'name', 'role', 'tps_id', 'pin_hash', 'phone'], accounts());
    await client.query('ANALYZE users');
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'officer'`);
    return rows[0].n;
  } finally {
    await client.end();
  }
}
