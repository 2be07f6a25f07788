import type { NextFunction, Request, Response } from 'express';
import { currentRequestId } from '../logging/request-context.js';

const SIGNAL = Symbol('deadlineSignal');
type WithSignal = Request & { [SIGNAL]?: AbortSignal };

/** Aborted when the request's deadline passed and it was answered 503 REQUEST.TIMEOUT (never aborted without the middleware). */
export function deadlineSignal(req: Request): AbortSignal | undefined {
  return (req as WithSignal)[SIGNAL];
}

/** After the 503, a client still sending its body gets this long to read the answer before the socket is destroyed. */
const LINGER_MS = 1000;

/**
 * Answers 503 REQUEST.TIMEOUT when a request has no answer by its deadline, so a phone never hangs on a slow database.
 * Then: 1. the request's AbortSignal fires, so work that checks it stops (a write not yet appended is dropped; one
 * already sent to the store commits whole or not at all, and the client's retry with the same Idempotency-Key learns
 * which); 2. the answer says `Connection: close` and, if the body is still trickling in, the socket is ended and soon
 * destroyed instead of being held open; 3. the late handler's answer is dropped by the exception filter
 * (`headersSent`), without a second answer or an error log.
 */
export function requestDeadline(ms: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const abort = new AbortController();
    (req as WithSignal)[SIGNAL] = abort.signal;
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      abort.abort(new Error('request deadline passed'));
      res.setHeader('Retry-After', '2');
      res.setHeader('Connection', 'close');
      res.status(503).json({
        code: 'REQUEST.TIMEOUT',
        message: `No answer within ${ms} ms; retry with the same Idempotency-Key`,
        requestId: currentRequestId(),
      });
      if (!req.complete) {
        const socket = req.socket;
        res.once('finish', () => {
          socket.end();
          setTimeout(() => socket.destroy(), LINGER_MS).unref();
        });
      }
    }, ms);
    res.on('finish', () => clearTimeout(timer));
    res.on('close', () => clearTimeout(timer));
    next();
  };
}
