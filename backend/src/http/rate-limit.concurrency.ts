/** Ends one admitted request's turn; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  admit(release: Release | undefined): void;
  timer: NodeJS.Timeout;
}

interface Lane {
  running: number;
  waiting: Waiter[];
}

/**
 * In-flight requests per key (a verified user): at most `limit` run at once; the next `queue` wait in arrival order
 * for a turn, each for at most `maxWaitMs`; beyond that a request is refused (enter() gives undefined). One user's
 * flood then holds at most `limit` handlers, and so at most `limit` database connections, however many sockets it opens.
 */
export class InFlightGate {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly limit: number,
    private readonly queue: number,
    private readonly maxWaitMs: number,
  ) {}

  /**
   * A turn for `key`: its release at once, or after a wait, or undefined when refused. `onCancel` receives a function
   * that takes a waiting request out of the queue (its client went away).
   */
  enter(key: string, onCancel?: (cancel: () => void) => void): Release | undefined | Promise<Release | undefined> {
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { running: 0, waiting: [] }));
    if (lane.running < this.limit) {
      lane.running++;
      return this.releaser(key, lane);
    }
    if (lane.waiting.length >= this.queue) return undefined;
    const l = lane;
    return new Promise((resolve) => {
      const leave = () => {
        const i = l.waiting.indexOf(w);
        if (i < 0) return;
        l.waiting.splice(i, 1);
        clearTimeout(w.timer);
        resolve(undefined);
      };
      const w: Waiter = { admit: resolve, timer: setTimeout(leave, this.maxWaitMs) };
      l.waiting.push(w);
      onCancel?.(leave);
    });
  }

  /** Requests of `key` running now (for tests and metrics). */
  running(key: string): number {
    return this.lanes.get(key)?.running ?? 0;
  }

  private releaser(key: string, lane: Lane): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = lane.waiting.shift();
      if (next) {
        // The turn passes straight to the first waiter: running stays the same.
        clearTimeout(next.timer);
        next.admit(this.releaser(key, lane));
        return;
      }
      lane.running--;
      if (lane.running === 0) this.lanes.delete(key);
    };
  }
}
