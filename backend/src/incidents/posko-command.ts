import type { Request } from 'express';
import type { Principal } from '../auth/principal.js';
import { ValidationError } from '../http/domain-error.js';
import { currentRequestId } from '../logging/request-context.js';
import { IDEMPOTENCY_KEY } from '../tps/tps.http.controller.js';
import type { CommandContext } from '../tps/tps-command.handler.js';

/** The command context of a posko write, as the monitors' routes build theirs (idempotency key scoped to the path). */
export function commandContext(call: { p: Principal; req: Request; body: unknown; key?: string }): CommandContext {
  if (call.key !== undefined && !IDEMPOTENCY_KEY.test(call.key)) {
    throw new ValidationError([{ path: 'Idempotency-Key', problem: 'must be 8-128 characters of A-Z a-z 0-9 _ . : -' }]);
  }
  return {
    principal: call.p,
    requestId: currentRequestId() ?? 'none',
    clientTime: null,
    idempotencyKey: call.key,
    route: `${call.req.method} ${call.req.path}`,
    body: call.body,
  };
}
