/**
 * `npm run users:add -- --role operator --nip budi --name "Budi (posko)"`: creates (or resets) a posko operator, supervisor, auditor, admin
 * or display account with a fresh random password, printed once here and stored only as an scrypt hash. Officers come
 * from `npm run officers:import`.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { hashPin } from '../auth/pin-hash.js';
import { openScriptDatabase, runScript } from './script-database.js';

const ROLES = ['operator', 'supervisor', 'auditor', 'admin', 'display'];

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { role: { type: 'string' }, nip: { type: 'string' }, name: { type: 'string' } } });
  const { role, nip, name } = values;
  if (!role || !ROLES.includes(role) || !nip || !/^[a-z0-9._-]{3,32}$/.test(nip) || !name) {
    console.error(`usage: npm run users:add -- --role ${ROLES.join('|')} --nip <user name: a-z 0-9 . _ -> --name "<full name>"`);
    return 2;
  }
  const password = randomBytes(12).toString('base64url');
  const { db, close } = await openScriptDatabase();
  try {
    await db.query(
      `INSERT INTO users (nip, name, role, tps_id, pin_hash, demo) VALUES ($1, $2, $3, NULL, $4, false)
       ON CONFLICT (nip) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, tps_id = NULL,
         pin_hash = EXCLUDED.pin_hash, demo = false`,
      [nip, name, role, await hashPin(password)],
    );
    // The only place the password is ever shown: stdout of this command, once.
    process.stdout.write(`${nip},${role},${password}\n`);
    console.error(`${role} ${nip} saved; hand the password over in person, it is stored only as a hash`);
    return 0;
  } finally {
    await close();
  }
}

runScript(main);
