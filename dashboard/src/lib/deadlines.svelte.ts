/** Incident deadlines on screen: the server's policy and a clock that ticks, so "overdue" appears without a new event. */
import type { IncidentView } from '$contract';
import { deadlinesOf, type Deadlines, type IncidentPolicy } from '$incidents-contract';
import { apiGet } from './api.ts';

const TICK_MS = 10_000;

class DeadlineClock {
  policy = $state<IncidentPolicy | null>(null);
  now = $state(new Date());
  private started = false;

  /** Loads the policy once and ticks; safe to call from every screen that shows incidents. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const load = () =>
      apiGet<IncidentPolicy>('/api/incidents/policy').then(
        (p) => (this.policy = p),
        () => setTimeout(load, 5_000),
      );
    void load();
    setInterval(() => (this.now = new Date()), TICK_MS);
  }

  of(i: IncidentView): Deadlines | null {
    if (!this.policy || !i.lifecycle) return null;
    return deadlinesOf(i.lifecycle, i.severity, this.policy.deadlines, this.now);
  }

  overdue(i: IncidentView): boolean {
    return this.of(i)?.overdue != null;
  }
}

export const deadlines = new DeadlineClock();
