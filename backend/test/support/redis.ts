import { createClient } from 'redis';

/** The Redis the tests may use: TEST_REDIS_URL, else the local default. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when a Redis answers PING at `url` within 2 s (tests that need one print why they skip otherwise). */
export async function redisAnswers(url = TEST_REDIS_URL): Promise<boolean> {
  const c = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    await c.quit().catch(() => undefined);
  }
}
