import { countErrorAnswer } from '../metrics/metrics.js';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from './domain-error.js';
import { StoreUnavailableError, WrongExpectedRevisionError } from '../event-store/event-store.errors.js';
import { isUnavailable } from '../event-store/postgres/pg-errors.js';
import { currentRequestId } from '../logging/request-context.js';

const HTTP_CODES: Record<number, string> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'HTTP.NOT_FOUND',
  405: 'HTTP.METHOD_NOT_ALLOWED',
  408: 'REQUEST.TIMEOUT',
  413: 'REQUEST.TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE.LIMITED',
};

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/**
 * The one place errors become HTTP answers: `{ code, message, requestId, ...details }`. Domain errors keep their code
 * and status; body-parser failures become 400/413/415; anything unknown is logged with the request id and answered 500
 * without internals (no stack, no SQL).
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    // Already answered (the request deadline's 503 REQUEST.TIMEOUT): the late outcome, including the late answer's own
    // ERR_HTTP_HEADERS_SENT, has nobody to go to and is not an error of the server.
    if (res.headersSent) return;
    const requestId = currentRequestId();
    const send = (status: number, code: string, message: string, details: Record<string, unknown> = {}) => {
      if (res.headersSent) return;
      countErrorAnswer(code, status);
      res.status(status).json({ code, message, ...details, requestId });
    };

    if (error instanceof DomainError) {
      for (const [k, v] of Object.entries(error.headers)) res.setHeader(k, v);
      return send(error.status, error.code, error.message, error.details);
    }
    if (error instanceof WrongExpectedRevisionError) {
      return send(409, 'STORE.CONFLICT', 'Someone else changed this at the same time; read it again and retry', {
        currentRevision: error.actual === 'no_stream' ? null : Number(error.actual),
      });
    }
    // The read models, sign-in and checkpoints use the same PostgreSQL through TypeORM: its connection failures and
    // timeouts are the same outage as the event store's, not a bug, so they get the same retryable answer.
    if (error instanceof StoreUnavailableError || isUnavailable(error)) {
      res.setHeader('Retry-After', '5');
      this.logger.warn(`store unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return send(503, 'STORE.UNAVAILABLE', 'The event store is unavailable; retry in a few seconds');
    }
    // Nest wraps body-parser failures in an HttpException whose cause keeps the parser's error type.
    const bp = (error instanceof HttpException ? error.cause : error) as BodyParserError;
    if (bp && typeof bp === 'object' && typeof bp.type === 'string' && typeof bp.status === 'number' && bp.status < 500) {
      if (bp.type === 'entity.too.large') return send(413, 'REQUEST.TOO_LARGE', 'The request body is too large');
      if (bp.type === 'entity.verify.failed')
        return send(400, 'REQUEST.INVALID_ENCODING', 'The request body is not valid UTF-8', {
          fields: [{ path: '(body)', problem: 'invalid UTF-8' }],
        });
      if (bp.type === 'entity.parse.failed') return send(400, 'REQUEST.MALFORMED_JSON', 'The request body is not valid JSON');
      if (bp.type === 'charset.unsupported' || bp.type === 'encoding.unsupported')
        return send(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding');
      return send(400, 'REQUEST.INVALID', 'The request body could not be read');
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return send(status, HTTP_CODES[status] ?? `HTTP.${status}`, status < 500 ? error.message : 'Internal error');
    }
    this.logger.error(error instanceof Error ? error.message : String(error), error instanceof Error ? error.stack : undefined);
    send(500, 'INTERNAL', 'Internal error; the request id identifies it in the server log');
  }
}
