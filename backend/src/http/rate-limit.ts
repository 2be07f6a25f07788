/**
 * In-memory token buckets, one per key (an officer, a NIP, an IP). A bucket holds up to `perMinute` tokens and refills
 * continuously at `perMinute / 60` per second, so a client may burst up to a minute's allowance and then goes at the
 * steady rate. Per process: behind a load balancer each node counts on its own (docs/security.md).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly ratePerMs: number;

  constructor(
    readonly perMinute: number,
    /** Past this many keys the full (idle) buckets are dropped first, so a flood of fresh keys cannot grow memory. */
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {
    this.ratePerMs = perMinute / 60_000;
  }

  /** Takes one token; 0 when allowed, else the seconds until one is available (for Retry-After). */
  take(key: string): number {
    if (this.perMinute <= 0) return 0; // 0 switches the limit off
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * this.ratePerMs);
    b.at = now;
    if (!this.buckets.has(key)) {
      if (this.buckets.size >= this.maxKeys) this.sweep(now);
      this.buckets.set(key, b);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerMs / 1000));
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.ratePerMs >= this.perMinute) this.buckets.delete(k);
    }
    // Still full of active keys: forget the oldest half rather than refuse to track new clients.
    if (this.buckets.size >= this.maxKeys) {
      let drop = Math.floor(this.buckets.size / 2);
      for (const k of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(k);
      }
    }
  }
}
