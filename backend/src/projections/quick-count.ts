/**
 * Quick-count estimate as in parallel vote tabulation (method and a worked example: docs/quick-count.md). Each reported
 * TPS is a cluster; a candidate's city share is the ratio estimator r = Σy / Σx (y: the candidate's votes, x: valid
 * votes) with variance (1 - n/N) / (n x̄²) · Σ(y - r x)² / (n - 1). All inputs are plain sums, so they are kept
 * incrementally per kelurahan and added up for the city.
 */

export interface QuickCountSums {
  /** Reported TPS (clusters in the sample). */
  n: number;
  /** All TPS of the city (the population of clusters). */
  N: number;
  sx: number;
  sxx: number;
  candidates: Record<string, { y: number; yy: number; xy: number }>;
}

export interface CandidateEstimate {
  number: string;
  share: number;
  marginOfError: number;
  low: number;
  high: number;
}

/** 95% two-sided normal quantile. */
export const Z95 = 1.959963984540054;

export function estimateShares(s: QuickCountSums): CandidateEstimate[] {
  return Object.keys(s.candidates)
    .sort()
    .map((number) => {
      const c = s.candidates[number];
      if (s.sx <= 0 || s.n < 2) return { number, share: 0, marginOfError: 0, low: 0, high: 0 };
      const r = c.y / s.sx;
      // Σ(y - r x)² expanded, so only sums are needed; clamp the rounding noise of a perfect fit.
      const residual = Math.max(0, c.yy - 2 * r * c.xy + r * r * s.sxx);
      const xbar = s.sx / s.n;
      const fpc = Math.max(0, 1 - s.n / s.N);
      const variance = (fpc * residual) / (s.n - 1) / (s.n * xbar * xbar);
      const moe = Z95 * Math.sqrt(variance);
      return { number, share: r, marginOfError: moe, low: Math.max(0, r - moe), high: Math.min(1, r + moe) };
    });
}

/** The same estimate from per-TPS numbers: the reference the incremental sums are tested against. */
export function sumsFromTps(tps: { votes: Record<string, number> }[], N: number): QuickCountSums {
  const sums: QuickCountSums = { n: tps.length, N, sx: 0, sxx: 0, candidates: {} };
  for (const t of tps) {
    const x = Object.values(t.votes).reduce((a, b) => a + b, 0);
    sums.sx += x;
    sums.sxx += x * x;
    for (const [k, y] of Object.entries(t.votes)) {
      const c = (sums.candidates[k] ??= { y: 0, yy: 0, xy: 0 });
      c.y += y;
      c.yy += y * y;
      c.xy += x * y;
    }
  }
  return sums;
}

/**
 * The stratified estimate for a level made of strata (docs/quick-count.md: a nation by province, a province by
 * kabupaten/kota): the combined ratio estimator R = Σ_h (N_h/n_h)·Σy_h / Σ_h (N_h/n_h)·Σx_h, with variance
 * V(R) = Σ_h N_h²·(1 - n_h/N_h)·s²_h / n_h / X², X = Σ_h (N_h/n_h)·Σx_h, s²_h = Σ_i (y_hi - R·x_hi)² / (n_h - 1):
 * each stratum's residuals around the combined R, with its own finite-population correction. A stratum with no
 * reported TPS adds nothing (the estimate covers the strata that reported: the wall says how many); one with a single
 * reported TPS adds its weight but no variance (s²_h needs two). With one stratum it is `estimateShares`.
 */
export function estimateStratified(strata: QuickCountSums[]): CandidateEstimate[] {
  const used = strata.filter((h) => h.n >= 1 && h.sx > 0);
  const numbers = [...new Set(strata.flatMap((h) => Object.keys(h.candidates)))].sort();
  const X = used.reduce((a, h) => a + (h.N / h.n) * h.sx, 0);
  return numbers.map((number) => {
    if (X <= 0 || used.reduce((a, h) => a + h.n, 0) < 2) return { number, share: 0, marginOfError: 0, low: 0, high: 0 };
    const c = (h: QuickCountSums) => h.candidates[number] ?? { y: 0, yy: 0, xy: 0 };
    const r = used.reduce((a, h) => a + (h.N / h.n) * c(h).y, 0) / X;
    let v = 0;
    for (const h of used) {
      if (h.n < 2) continue;
      const residual = Math.max(0, c(h).yy - 2 * r * c(h).xy + r * r * h.sxx);
      v += (h.N * h.N * Math.max(0, 1 - h.n / h.N) * (residual / (h.n - 1))) / h.n;
    }
    const moe = Z95 * Math.sqrt(v / (X * X));
    return { number, share: r, marginOfError: moe, low: Math.max(0, r - moe), high: Math.min(1, r + moe) };
  });
}
