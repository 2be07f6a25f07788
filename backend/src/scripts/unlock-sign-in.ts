/**
 * `npm run users:unlock -- <nip>` (or `-- --all`): the posko unlock from the command line, for when no operator or
 * admin can sign in (the `operator` account itself held, say). Lifts the hold and forgets the NIP's failed sign-ins;
 * `--list` shows what is held. The route for signed-in operators and admins is POST /api/auth/unlock.
 */
import { parseArgs } from 'node:util';
import { loginAttempts } from '../auth/login-attempts.js';
import { openScriptDatabase, runScript } from './script-database.js';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { all: { type: 'boolean' }, list: { type: 'boolean' } },
    allowPositionals: true,
  });
  const nip = positionals[0]?.trim();
  if (!values.list && !values.all && !nip) {
    console.error('usage: npm run users:unlock -- <nip> | --all | --list');
    return 2;
  }
  const { db, close } = await openScriptDatabase();
  try {
    if (values.list) {
      const held = await loginAttempts.held(db);
      process.stdout.write(
        ['nip,locked_at,failures,clients', ...held.map((h) => `${h.nip},${h.lockedAt},${h.failures},${h.clients}`)].join('\n') + '\n',
      );
      return 0;
    }
    const r = await loginAttempts.unlock(db, values.all ? null : nip);
    console.error(`${values.all ? 'every NIP' : nip}: ${r.locks} hold(s) lifted, ${r.failures} failed sign-in(s) forgotten`);
    return 0;
  } finally {
    await close();
  }
}

runScript(main);
