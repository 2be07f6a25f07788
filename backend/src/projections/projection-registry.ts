import type { ReferenceData } from '../reference/reference-data.js';
import { AuditAnchorsProjection } from '../audit/anchors.projection.js';
import { CorrectionsProjection } from '../audit/corrections.projection.js';
import { IncidentsProjection } from './incidents.projection.js';
import type { Projection } from './projection.js';
import { TpsStatusProjection } from './tps-status.projection.js';
import type { FlaggedPolicy } from './verification.js';
import { MessagesProjection } from '../messages/messages.projection.js';

/** Every projection, by name. Adding one here gives it a runner, a checkpoint, lag metrics and a rebuild. */
export function createProjections(ref: ReferenceData, opts: { flaggedTallies?: FlaggedPolicy } = {}): Projection[] {
  return [
    new TpsStatusProjection(ref, opts.flaggedTallies),
    new IncidentsProjection(),
    new CorrectionsProjection(ref),
    new AuditAnchorsProjection(),
    new MessagesProjection(),
  ];
}

export const PROJECTION_NAMES = ['tps-status', 'incidents', 'corrections', 'audit-anchors', 'messages'] as const;
