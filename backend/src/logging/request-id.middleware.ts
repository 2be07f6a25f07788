import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from './request-context.js';

const VALID = /^[A-Za-z0-9._-]{8,64}$/;

export type RequestWithId = Request & { id?: string; clientRequestId?: string };

/**
 * Gives every request a fresh server-generated id, echoed back in X-Request-Id, attached to every log line and used
 * as the correlationId of the events it appends. A client cannot choose it (it could otherwise make its events look
 * like another request's); a well-formed X-Request-Id the client sent is kept as `clientRequestId` in the logs and
 * the event metadata, so a phone's own trace id still finds its request.
 */
export function requestIdMiddleware(req: RequestWithId, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  const clientRequestId = given && VALID.test(given) ? given : undefined;
  const requestId = randomUUID();
  req.id = requestId;
  req.clientRequestId = clientRequestId;
  res.setHeader('X-Request-Id', requestId);
  requestContext.run({ requestId, clientRequestId }, next);
}
