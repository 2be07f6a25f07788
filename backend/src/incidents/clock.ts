/** The posko module's notion of now, injected so tests can move time (deadlines, roll call). */
export const CLOCK = Symbol('CLOCK');

export interface Clock {
  now(): Date;
}

/** A clock tests can set and advance; unset, it is the system clock. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  /** Moves now forward (or back) by `ms`. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  reset(): void {
    this.offsetMs = 0;
  }
}
