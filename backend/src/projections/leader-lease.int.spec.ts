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

  it('one node leads; a follower takes over when the leader releases or loses its session', async () => {
    const events: string[] = [];
    const a = node('a', events);
    a.start();
    await until(() => a.isLeader, 'a to lead');
    const b = node('b', events);
    b.start();
    await new Promise((r) => setTimeout(r, 400));
    expect(b.isLeader).toBe(false);

    // The leader's session dies (a crashed node, a cut connection): PostgreSQL frees the lock; the follower takes it.
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted`,
      [PROJECTION_LOCK_KEY],
    );
    await until(() => b.isLeader, 'b to take over');
    await until(() => events.includes('a:lost'), 'a to notice it lost the lease');
    expect(a.isLeader).toBe(false);

    // A clean stop hands the lease over at once.
    await b.stop();
    await until(() => a.isLeader, 'a to lead again');
    await a.stop();
    await admin.end();
    expect(events.filter((e) => e.endsWith('acquired'))).toEqual(['a:acquired', 'b:acquired', 'a:acquired']);
  });
});
