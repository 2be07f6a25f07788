import type { Request } from 'express';
import type { Principal } from '../auth/principal.js';
import { ValidationError } from '../http/domain-error.js';
import { deadlineSignal } from '../http/request-deadline.middleware.js';
import { currentRequestId } from '../logging/request-context.js';
import { idempotencyScope } from '../tps/idempotency-scope.js';
import { IDEMPOTENCY_KEY } from '../tps/tps.http.controller.js';
import type { CommandContext } from '../tps/tps-command.handler.js';

/** The command context of a posko write, built as the monitors' routes build theirs (key scoped to route and parameters). */
export function commandContext(call: { p: Principal; req: Request; body: unknown }): CommandContext {
  // Read here, not with @Headers(): that would add a required header parameter to the OpenAPI document.
  const key = call.req.header('idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError([{ path: 'Idempotency-Key', problem: 'must be 8-128 characters of A-Z a-z 0-9 _ . : -' }]);
  }
  return {
    principal: call.p,
    requestId: currentRequestId() ?? 'none',
    clientTime: null,
    idempotencyKey: key,
    route: idempotencyScope(call.req),
    body: call.body,
    signal: deadlineSignal(call.req),
  };
}
