import pg from 'pg';

/**
 * Polls `probe` until it returns a non-undefined value; fails with the last observation after `timeoutMs`. The bound is
 * a hang detector, generous on purpose (a noisy 2-core machine), never a performance assertion.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Direct SQL on a test database, around the backend under test (counts and dumps for assertions). */
export async function withDb<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** How many stored events carry each Idempotency-Key. */
export async function eventsByKey(url: string): Promise<Map<string, number>> {
  return withDb(url, async (c) => {
    const { rows } = await c.query<{ k: string; n: string }>(
      `SELECT metadata->>'idempotencyKey' AS k, count(*) AS n FROM es.events WHERE metadata ? 'idempotencyKey' GROUP BY 1`,
    );
    return new Map(rows.map((r) => [r.k, Number(r.n)]));
  });
}

export async function eventCount(url: string): Promise<number> {
  return withDb(url, async (c) => Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM es.events')).rows[0].n));
}
