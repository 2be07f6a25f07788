import { Injectable } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { comparePositions, positionToString, type Position } from '../event-store/position.js';
import type { ProjectionChange } from './read-models.port.js';
import type { BatchEffect } from './projection.js';

/**
 * Turns committed batches of the runners into ProjectionChange messages. A change's position is the lowest position
 * every projection has reached, so a listener that reads after it sees at least that much everywhere.
 */
@Injectable()
export class ChangeFeed {
  private readonly subject = new Subject<ProjectionChange>();
  private readonly reached = new Map<string, Position | null>();
  readonly changes$: Observable<ProjectionChange> = this.subject.asObservable();

  /** Where each projection starts (its stored checkpoint). */
  track(name: string, at: Position | null): void {
    this.reached.set(name, at);
  }

  committed(name: string, at: Position, effect: BatchEffect, oldestRecordedAt?: Date): void {
    this.reached.set(name, at);
    // Before every projection has committed once there is no common position yet; the batch's own is the best bound.
    this.subject.next({ position: positionToString(this.lowest() ?? at), ...effect, committedAt: oldestRecordedAt?.getTime() });
  }

  private lowest(): Position | null {
    let low: Position | null = null;
    for (const p of this.reached.values()) {
      if (p === null) return null;
      if (low === null || comparePositions(p, low) < 0) low = p;
    }
    return low;
  }

  complete(): void {
    this.subject.complete();
  }
}
