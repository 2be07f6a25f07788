import type { Request } from 'express';

/**
 * What an Idempotency-Key is scoped to: the route pattern and its parameters as the handler received them, so
 * `/api/tps/X/check-in`, `/api/tps/X/check-in/` and `/API/TPS/X/Check-In` (Express routes match either way) are one
 * scope, and the TPS or incident the request acted on is part of it.
 */
export function idempotencyScope(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  const params = Object.entries(req.params as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${req.method} ${typeof pattern === 'string' ? pattern : req.path.toLowerCase()} ${JSON.stringify(params)}`;
}
