import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';
import pretty from 'pino-pretty';
import type { AppConfig } from '../config/config.schema.js';
import { REDACT_PATHS, redactUrl } from './redaction.js';
import type { RequestWithId } from './request-id.middleware.js';

const LEVELS: Record<AppConfig['LOG_LEVEL'], LevelWithSilent> = {
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * The one root logger (pino): JSON lines (production, LOG_FORMAT=json) or readable lines through pino-pretty
 * (development); secrets redacted either way. `destination` replaces stdout (tests collect the lines).
 */
export function createRootLogger(config: Pick<AppConfig, 'LOG_FORMAT' | 'LOG_LEVEL'>, destination?: DestinationStream): Logger {
  const options = {
    level: LEVELS[config.LOG_LEVEL],
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    base: { service: 'sipantaumilu' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (destination) return pino(options, destination);
  if (config.LOG_FORMAT === 'json') return pino(options);
  return pino(options, pretty({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }));
}

/** The route pattern Express matched (`/api/tps/:tpsId`), or `unmatched`: a label with few values, never a raw path. */
export function routeOf(req: IncomingMessage): string {
  const r = req as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
  return typeof r.route?.path === 'string' ? `${r.baseUrl ?? ''}${r.route.path}` : 'unmatched';
}

/** pino-http: one line per finished request with request id, method, route, status and time taken. */
export function httpLogOptions(logger: Logger): Options<IncomingMessage, ServerResponse> {
  return {
    logger,
    // The request id middleware ran first and set req.id; pino-http names it `reqId` on every line of the request.
    genReqId: (req) => (req as RequestWithId).id ?? 'none',
    // Known when the request starts, so bound to every line of the request.
    customProps: (req) => {
      const r = req as RequestWithId;
      return r.clientRequestId ? { clientRequestId: r.clientRequestId } : {};
    },
    // The route is known only once Express matched it: on the finished line alone (customProps would bind it twice,
    // the start's `unmatched` and the end's pattern, as two `route` keys in one JSON line).
    customSuccessObject: (req, _res, val: Record<string, unknown>) => ({ ...val, route: routeOf(req) }),
    customErrorObject: (req, _res, _err, val: Record<string, unknown>) => ({ ...val, route: routeOf(req) }),
    // A flood's refusals (429) are counted by sipantaumilu_http_errors_total{code="RATE.LIMITED"}, not written line by
    // line: writing thousands of lines a second would cost the very CPU the limit protects. A 503 (REQUEST.TIMEOUT,
    // STORE.UNAVAILABLE) is the server's planned answer to overload or an outage, not a fault: a warning. Unexpected
    // faults (500) are errors, and the exception filter logs their stack once.
    customLogLevel: (_req, res) =>
      res.statusCode >= 500 && res.statusCode !== 503
        ? 'error'
        : res.statusCode === 429
          ? 'debug'
          : res.statusCode >= 400
            ? 'warn'
            : 'info',
    // Scrapes and Socket.IO polling would drown the lines that matter.
    autoLogging: { ignore: (req) => req.url === '/api/metrics' || (req.url ?? '').startsWith('/socket.io') },
    serializers: {
      req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.remoteAddress,
        userAgent: req.headers['user-agent'],
        headers: { authorization: req.headers.authorization, cookie: req.headers.cookie },
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    quietReqLogger: true,
  };
}
