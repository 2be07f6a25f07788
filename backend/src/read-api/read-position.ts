import type { Response } from 'express';
import { isPositionString } from '../event-store/position.js';
import { DomainError, ValidationError } from '../http/domain-error.js';
import type { ReadModels } from '../projections/read-models.port.js';

/** Header naming the log position an answer reflects (at least; `Summary` and `Coverage` also carry it in the body). */
export const POSITION_HEADER = 'X-Log-Position';
/** How long `?minPosition=` may hold a request. */
export const MIN_POSITION_WAIT_MS = 5000;

/**
 * `?minPosition=P`: wait until every projection has passed P, so a client that just wrote at P reads its own write.
 * Still behind after the bounded wait: 503 with Retry-After, rather than an answer that silently lacks the write.
 * Sets the header to the position read before the data: a lower bound of what the data reflects.
 */
export async function awaitPosition(
  readModels: ReadModels,
  minPosition: string | undefined,
  res: Response,
  waitMs = MIN_POSITION_WAIT_MS,
): Promise<void> {
  if (minPosition !== undefined) {
    if (!isPositionString(minPosition)) {
      throw new ValidationError([{ path: 'minPosition', problem: 'must be a log position like 1234/56' }]);
    }
    if (!(await readModels.waitForPosition(minPosition, waitMs))) {
      throw new DomainError(
        'READ.POSITION_NOT_REACHED',
        503,
        `The read models have not reached position ${minPosition} within ${waitMs / 1000} s; retry shortly`,
        { position: await readModels.position(), minPosition },
        { 'Retry-After': '1' },
      );
    }
  }
  const position = await readModels.position();
  if (position) res.setHeader(POSITION_HEADER, position);
}
