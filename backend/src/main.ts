import 'reflect-metadata';
import { resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createApp } from './app.factory.js';
import type { RuntimeConfig } from './config/config.module.js';
import { ConfigError, loadConfig } from './config/config.schema.js';
import { persistentSecret, startEmbeddedPostgres, type EmbeddedServer } from './database/embedded-postgres.js';
import { createRootLogger } from './logging/logger.js';

/**
 * Boot: 1. read and validate configuration; 2. start the embedded PostgreSQL unless DATABASE_URL is set;
 * 3. resolve the token signing secret; 4. build the app (migrations run as the database connects) and listen;
 * 5. on SIGTERM/SIGINT stop listening, let the requests in flight finish, close the app (projection batch committed,
 *    sockets closed, store closed), then stop the embedded PostgreSQL.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const root = createRootLogger(config);
  const logger = root.child({ context: 'Bootstrap' });
  const dataDir = resolve(config.DATA_DIR);
  let embedded: EmbeddedServer | undefined;
  const stopEmbedded = async () => {
    await embedded?.stop().catch((e: unknown) => logger.error(`stopping embedded PostgreSQL: ${String(e)}`));
  };

  try {
    if (config.embedded) {
      logger.info(`DATABASE_URL not set: starting embedded PostgreSQL with data in ${dataDir}`);
      embedded = await startEmbeddedPostgres(dataDir, (m) => root.child({ context: 'EmbeddedPostgres' }).warn(m));
      // Where an operator can reach it (pg_dump, psql); the password stays in its file, never in a log.
      const at = new URL(embedded.url);
      logger.info(`embedded PostgreSQL on ${at.hostname}:${at.port}, user postgres, password in ${dataDir}/pg-password`);
    }
    const jwtSecret = config.JWT_SECRET ?? (config.embedded ? await persistentSecret(dataDir, 'jwt-secret') : undefined);
    if (!jwtSecret) {
      throw new ConfigError(['JWT_SECRET: required when DATABASE_URL is set (at least 32 random characters)']);
    }
    const runtime: RuntimeConfig = { ...config, databaseUrl: embedded?.url ?? config.DATABASE_URL!, jwtSecret, dataDir };
    const app = await createApp(runtime, root);
    await app.listen(config.PORT, config.HOST);
    const addr = app.getHttpServer().address();
    const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
    logger.info(`Sipantaumilu is running: open http://localhost:${port}/ (API health: http://localhost:${port}/api/health)`);

    const server = app.getHttpServer();
    let inFlight = 0;
    let drained: (() => void) | null = null;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      // Socket.IO long-polling holds requests open ~25 s; app.close() ends those, they are not work to finish.
      if (req.url?.startsWith('/socket.io')) return;
      inFlight++;
      res.once('close', () => {
        if (--inFlight === 0) drained?.();
      });
    });
    const requestsDone = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => (drained = r)));

    let closing = false;
    const shutdown = async (signal: string) => {
      if (closing) return;
      closing = true;
      logger.info(`${signal} received: finishing requests in flight and shutting down`);
      const force = setTimeout(() => {
        logger.error('shutdown took longer than 15 s: exiting');
        process.exit(1);
      }, 15_000);
      force.unref();
      // Stop accepting connections and let the requests in flight finish before any module closes: Nest's own close
      // tears the store down after a server.close() that does not wait, and process.exit() would cut the answers.
      server.close();
      await requestsDone();
      await app.close().catch((e: unknown) => logger.error(`closing app: ${String(e)}`));
      await stopEmbedded();
      process.exit(0);
    };
    // This function owns SIGTERM/SIGINT. The embedded-postgres package hooks them when imported (async-exit-hook) and
    // would exit with 143 at once, cutting the requests in flight and stopping PostgreSQL under them.
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGINT', () => void shutdown('SIGINT'));
  } catch (e) {
    if (e instanceof ConfigError) console.error(e.message);
    else logger.error({ err: e }, e instanceof Error ? e.message : String(e));
    await stopEmbedded();
    process.exit(1);
  }
}

void main();
