import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppModule } from './app.module.js';
import type { RuntimeConfig } from './config/config.module.js';
import { HttpExceptionFilter } from './http/http-exception.filter.js';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { createRootLogger } from './logging/logger.js';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware.js';
import { requestIdMiddleware } from './logging/request-id.middleware.js';
import { requestDeadline } from './http/request-deadline.middleware.js';
import { RedisIoAdapter } from './live/redis-io.adapter.js';
import { strictUtf8 } from './http/strict-utf8.js';
import { earlyReadLimit } from './http/rate-limit.early.js';
import { RATE_LIMITERS, type RateLimiters } from './http/rate-limit.limiters.js';
import { TokenService } from './auth/token.service.js';

/** Where the built dashboard lives: DASHBOARD_DIR, else dashboard/dist next to the backend. */
export function dashboardDir(config: RuntimeConfig): string {
  if (config.DASHBOARD_DIR) return resolve(config.DASHBOARD_DIR);
  return resolve(fileURLToPath(new URL('.', import.meta.url)), '../../dashboard/dist');
}

/** CSP connect-src: this origin (with its WebSocket) and each configured CORS origin with its ws:/wss: twin. */
export function connectSources(origins: string[]): string[] {
  const twins = origins.flatMap((o) => {
    const m = /^(https?):\/\/(.+)$/.exec(o);
    return m ? [o, `${m[1] === 'https' ? 'wss' : 'ws'}://${m[2]}`] : [o];
  });
  return ["'self'", ...new Set(twins)];
}

/** Builds the configured application (not yet listening): used by main.ts, e2e tests and benchmarks alike. */
export async function createApp(config: RuntimeConfig, log: Logger = createRootLogger(config)) {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, log), {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  const logger = app.get(PinoNestLogger);
  app.useLogger(logger);
  if (config.REDIS_URL) {
    const adapter = new RedisIoAdapter(app);
    await adapter.connect(config.REDIS_URL, config.REDIS_CHANNEL_PREFIX);
    app.useWebSocketAdapter(adapter);
  }
  app.use(requestIdMiddleware);
  app.use('/api', httpMetricsMiddleware);
  app.disable('x-powered-by');
  // Behind nginx, per-IP rate limits and logs need the client's address from X-Forwarded-For, from trusted hops only.
  const trust = config.TRUST_PROXY;
  app.set(
    'trust proxy',
    trust === 'false' ? false : trust === 'true' ? true : /^\d+$/.test(trust) ? Number(trust) : trust.split(',').map((x) => x.trim()),
  );
  const tileOrigin = config.MAP_TILE_URL ? new URL(config.MAP_TILE_URL.replace(/\{[a-z]\}/g, 'a')).origin : null;
  const origins = config.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'img-src': ["'self'", 'data:', 'blob:', ...(tileOrigin ? [tileOrigin] : [])],
          // 'self' covers the same origin's ws:/wss: (CSP Level 3); the configured origins may be called too.
          'connect-src': connectSources(origins),
        },
      },
    }),
  );
  if (origins.length)
    app.enableCors({
      origin: origins,
      credentials: false,
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'X-Log-Position', 'X-Next-Cursor', 'Link'],
    });
  // Reads are counted and refused before the request logger and Nest (pino-http and the guards are Nest middleware and
  // run after every app.use here); after CORS, so a browser can read the 429 and its Retry-After.
  app.use(
    '/api',
    earlyReadLimit({
      limiters: app.get<RateLimiters>(RATE_LIMITERS),
      tokens: app.get(TokenService),
      concurrent: config.RATE_LIMIT_READS_CONCURRENT,
      queue: config.RATE_LIMIT_READS_QUEUE,
      queueWaitMs: config.RATE_LIMIT_READS_QUEUE_WAIT_MS,
      log: log.child({ context: 'RateLimit' }),
    }),
  );
  app.use('/api', requestDeadline(config.REQUEST_TIMEOUT_MS));
  app.use(
    '/api',
    express.json({ limit: config.BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'], verify: strictUtf8 }),
  );
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new HttpExceptionFilter());

  const openapi = new DocumentBuilder()
    .setTitle('Sipantaumilu API')
    .setDescription('Election-day monitoring of Kota Lubuklinggau: monitors report, the posko watches, auditors replay.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openapi), { jsonDocumentUrl: 'api/docs.json' });

  const dir = dashboardDir(config);
  if (existsSync(join(dir, 'index.html'))) {
    // The officers' app (its own build in dist/petugas): its service worker may control /petugas as well as /petugas/...,
    // and must never be served stale, or a phone keeps an old app shell.
    app.use('/petugas/sw.js', (_req: express.Request, res: express.Response, next: express.NextFunction) => {
      res.setHeader('Service-Worker-Allowed', '/petugas');
      res.setHeader('Cache-Control', 'no-cache');
      next();
    });
    app.use(express.static(dir, { index: 'index.html', maxAge: '1h' }));
    // Client-side routes (/kelurahan/..., /audit/...; /petugas/... the officers' app) get their app shell; /api and /socket.io are never shadowed.
    app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (req.method !== 'GET' || req.path.startsWith('/api') || req.path.startsWith('/socket.io')) return next();
      const officers = req.path === '/petugas' || req.path.startsWith('/petugas/');
      res.sendFile(officers ? join(dir, 'petugas', 'index.html') : join(dir, 'index.html'));
    });
  } else {
    logger.warn(`no built dashboard in ${dir}: run npm run build -w dashboard`, 'Bootstrap');
  }
  return app;
}
