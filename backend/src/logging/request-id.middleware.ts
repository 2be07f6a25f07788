import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from './request-context.js';

const VALID = /^[A-Za-z0-9._-]{8,64}$/;

/** Gives every request an id (the client's X-Request-Id when well-formed), echoed back and attached to every log line. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  const requestId = given && VALID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  requestContext.run({ requestId }, next);
}
