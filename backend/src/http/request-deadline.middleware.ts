import type { NextFunction, Request, Response } from 'express';
import { currentRequestId } from '../logging/request-context.js';

/**
 * Answers 503 REQUEST.TIMEOUT when a request has no answer by its deadline, so a phone never hangs on a slow database.
 * The work may still finish (an append is atomic: it commits whole or not at all); the client retries with the same
 * Idempotency-Key and learns which.
 */
export function requestDeadline(ms: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.setHeader('Retry-After', '2');
      res.status(503).json({
        code: 'REQUEST.TIMEOUT',
        message: `No answer within ${ms} ms; retry with the same Idempotency-Key`,
        requestId: currentRequestId(),
      });
    }, ms);
    res.on('finish', () => clearTimeout(timer));
    res.on('close', () => clearTimeout(timer));
    next();
  };
}
