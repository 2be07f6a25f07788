import type { NextFunction, Request, Response } from 'express';
import { routeOf } from '../logging/logger.js';
import { httpDuration } from './metrics.js';

/** Observes every /api request's duration by method, route pattern (never the raw path) and status. */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const end = httpDuration.startTimer();
  res.once('finish', () => end({ method: req.method, route: routeOf(req), status: String(res.statusCode) }));
  next();
}
