import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import { LeaderLease, PROJECTION_LOCK_KEY } from './leader-lease.js';

/** Polls `cond` until true, failing with `what` after `ms`. */
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('projection leader lease (real PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('lease');
  });
  afterAll(() => db.drop());

  function node(name: string, events: string[]) {
    return new LeaderLease({
      connectionString: db.url,
      intervalMs: 100,
      onAcquired: () => void events.push(`${name}:acquired`),
      onLost: () => void events.push(`${name}:lost`),
    });
  }

  it('one node leads; when the leader loses its session or stops, another leads', async () => {
    const events: string[] = [];
    const a = node('a', events);
    a.start();
    await until(() => a.isLeader, 'a to lead');
    const b = node('b', events);
    b.start();
    await new Promise((r) => setTimeout(r, 400));
    expect(b.isLeader).toBe(false);

    // The leader's session dies (a cut connection): PostgreSQL frees the lock, the leader notices and stops its work,
    // and exactly one node leads again (either: a survivor with a fresh connection may win the race too).
    const admin = new pg.Client({ connectionString: db.url });
    admin.on('error', () => undefined);
    await admin.connect();
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
       WHERE locktype = 'advisory' AND objid = $1 AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [PROJECTION_LOCK_KEY],
    );
    expect(killed.rowCount).toBe(1);
    await until(() => events.includes('a:lost'), 'a to notice it lost the lease');
    await until(() => a.isLeader !== b.isLeader, 'exactly one leader after the session loss');

    // A clean stop hands the lease over: the other node leads within its retry interval.
    const [leader, other] = a.isLeader ? [a, b] : [b, a];
    await leader.stop();
    await until(() => other.isLeader, 'the other node to lead after a clean stop');
    await other.stop();
    await admin.end();
    expect(events.filter((e) => e.endsWith('acquired'))).toHaveLength(3);
  });
});
