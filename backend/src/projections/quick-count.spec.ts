import { describe, expect, it } from '@jest/globals';
import { estimateShares, sumsFromTps, Z95 } from './quick-count.js';

describe('quick-count ratio estimator', () => {
  // Worked by hand in docs/quick-count.md: 3 reported TPS out of N = 10.
  const tps = [{ votes: { '01': 60, '02': 40 } }, { votes: { '01': 30, '02': 70 } }, { votes: { '01': 90, '02': 110 } }];

  it('gives the share of valid votes and the hand-computed 95% margin of error', () => {
    const [a, b] = estimateShares(sumsFromTps(tps, 10));
    expect(a.number).toBe('01');
    expect(a.share).toBeCloseTo(0.45, 12);
    expect(b.share).toBeCloseTo(0.55, 12);
    // Σ(y - r x)² = 15² + 15² + 0 = 450; s² = 225; x̄ = 400/3; V = 0.7 · 225 / (3 · x̄²) = 0.002953125.
    expect(a.marginOfError).toBeCloseTo(Z95 * Math.sqrt(0.002953125), 12);
    expect(a.marginOfError).toBeCloseTo(0.10651, 4);
    expect(b.marginOfError).toBeCloseTo(a.marginOfError, 12);
    expect(a.low).toBeCloseTo(0.45 - a.marginOfError, 12);
    expect(b.high).toBeCloseTo(0.55 + b.marginOfError, 12);
  });

  it('has no sampling error once every TPS reported (finite population correction)', () => {
    const [a] = estimateShares(sumsFromTps(tps, 3));
    expect(a.marginOfError).toBe(0);
    expect(a.share).toBeCloseTo(0.45, 12);
  });

  it('gives zero, not NaN, with no valid votes or a single cluster', () => {
    expect(estimateShares(sumsFromTps([{ votes: { '01': 0 } }, { votes: { '01': 0 } }], 10))).toEqual([
      { number: '01', share: 0, marginOfError: 0, low: 0, high: 0 },
    ]);
    expect(estimateShares(sumsFromTps([tps[0]], 10))[0].marginOfError).toBe(0);
  });

  it('keeps low and high inside 0..1', () => {
    const lopsided = [{ votes: { '01': 1, '02': 99 } }, { votes: { '01': 50, '02': 0 } }, { votes: { '01': 2, '02': 200 } }];
    for (const e of estimateShares(sumsFromTps(lopsided, 635))) {
      expect(e.low).toBeGreaterThanOrEqual(0);
      expect(e.high).toBeLessThanOrEqual(1);
      expect(e.marginOfError).toBeGreaterThan(0);
    }
  });
});
