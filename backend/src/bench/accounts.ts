/**
 * One officer account per TPS, as `officers:import` leaves them, written by COPY (820,000 rows in seconds), plus the
 * benches' own readers. One PIN hash for all: the benches sign in with it or never sign in.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

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
    function* lines(): Generator<string> {
      let batch = '';
      for (const id of tpsIds) {
        batch += `${id}\tPemantau ${id} (sintetis)\tofficer\t${id}\t${pinHash}\t${opts.phones ? `0800${id.slice(-7)}` : '\\N'}\n`;
        if (batch.length > 1 << 20) {
          yield batch;
          batch = '';
        }
      }
      for (const a of extra) batch += `${a.nip}\t${a.name}\t${a.role}\t\\N\t${pinHash}\t\\N\n`;
      yield batch;
    }
    await pipeline(Readable.from(lines()), client.query(copyFrom(`COPY users (nip, name, role, tps_id, pin_hash, phone) FROM STDIN`)));
    await client.query('ANALYZE users');
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'officer'`);
    return rows[0].n;
  } finally {
    await client.end();
  }
}
