/** Percentiles and small helpers for the benchmark's figures. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export interface Latency {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function latency(samples: number[]): Latency {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { count: s.length, p50: r(percentile(s, 50)), p95: r(percentile(s, 95)), p99: r(percentile(s, 99)), max: r(s.at(-1) ?? NaN) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `worker` on `n` concurrent loops until `ms` have passed; returns completed operations. */
export async function forDuration(
  n: number,
  ms: number,
  worker: (loop: number, i: number) => Promise<void>,
): Promise<{ ops: number; ms: number }> {
  const started = performance.now();
  const end = started + ms;
  let ops = 0;
  await Promise.all(
    Array.from({ length: n }, async (_, loop) => {
      for (let i = 0; performance.now() < end; i++) {
        await worker(loop, i);
        ops++;
      }
    }),
  );
  return { ops, ms: performance.now() - started };
}
