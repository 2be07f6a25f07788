import type { ReferenceData } from '../reference/reference-data.js';
import { IncidentsProjection } from './incidents.projection.js';
import type { Projection } from './projection.js';
import { TpsStatusProjection } from './tps-status.projection.js';

/** Every projection, by name. Adding one here gives it a runner, a checkpoint, lag metrics and a rebuild. */
export function createProjections(ref: ReferenceData): Projection[] {
  return [new TpsStatusProjection(ref), new IncidentsProjection()];
}

export const PROJECTION_NAMES = ['tps-status', 'incidents'] as const;
