import { describe, expect, it } from '@jest/globals';
import type { IncidentView } from '../live/live.contract.js';
import type { DeadlinePolicy } from './incidents.contract.js';
import { incidentOrder, withDeadlines } from './incidents.query.js';
import { evolveLifecycle } from './lifecycle.fold.js';

const policy: DeadlinePolicy = {
  critical: { ackMinutes: 5, resolveMinutes: 30 },
  high: { ackMinutes: 15, resolveMinutes: 60 },
  medium: { ackMinutes: 30, resolveMinutes: 240 },
  low: { ackMinutes: 60, resolveMinutes: 720 },
};

function incident(id: string, severity: IncidentView['severity'], reportedAt: string): IncidentView {
  const lifecycle = evolveLifecycle(null, {
    id,
    stream: 'tps-x',
    revision: 0n,
    position: { commit: 0n, prepare: 0n },
    type: 'IncidentReported',
    data: { incidentId: id },
    metadata: { serverTime: reportedAt },
    recordedAt: new Date(reportedAt),
  } as never)!;
  return {
    incidentId: id,
    tpsId: '1673061002001',
    kelurahanCode: '1673061002',
    category: 'other',
    severity,
    description: 'x',
    status: 'open',
    reportedAt,
    occurredAt: reportedAt,
    resolvedAt: null,
    resolutionNote: null,
    location: null,
    lifecycle,
  };
}

describe('incident order', () => {
  const now = new Date('2024-02-14T03:00:00Z');
  const lowLate = withDeadlines(incident('a-1', 'low', '2024-02-14T01:00:00Z'), policy, now); // 120 min: past 60 to acknowledge
  const criticalFresh = withDeadlines(incident('b-1', 'critical', '2024-02-14T02:58:00Z'), policy, now);
  const mediumFresh = withDeadlines(incident('c-1', 'medium', '2024-02-14T02:59:00Z'), policy, now);

  it('puts an overdue low incident above a fresh critical one with sort=overdue, and keeps compareIncidents otherwise', () => {
    expect(lowLate.deadlines?.overdue).toBe('acknowledge');
    expect(criticalFresh.deadlines?.overdue).toBeNull();
    const list = [mediumFresh, criticalFresh, lowLate];
    expect([...list].sort(incidentOrder(true)).map((i) => i.incidentId)).toEqual(['a-1', 'b-1', 'c-1']);
    expect([...list].sort(incidentOrder(false)).map((i) => i.incidentId)).toEqual(['b-1', 'c-1', 'a-1']);
  });
});
