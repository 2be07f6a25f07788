import { describe, expect, it } from '@jest/globals';
import { estimateShares, estimateStratified, sumsFromTps, Z95 } from './quick-count.js';

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

describe('stratified combined ratio estimator (nation by province, province by kabupaten)', () => {
  // Worked by hand in docs/quick-count.md: stratum A, 3 of N = 10 reported; stratum B, 2 of N = 5.
  const A = sumsFromTps([{ votes: { '01': 60, '02': 40 } }, { votes: { '01': 30, '02': 70 } }, { votes: { '01': 90, '02': 110 } }], 10);
  const B = sumsFromTps([{ votes: { '01': 50, '02': 50 } }, { votes: { '01': 20, '02': 80 } }], 5);

  it('weights each stratum by N_h / n_h and matches the hand-computed share and margin', () => {
    const [a, b] = estimateStratified([A, B]);
    // X = 10/3 · 400 + 5/2 · 200 = 1833.33; Y(01) = 10/3 · 180 + 5/2 · 70 = 775; R = 0.422727.
    expect(a.share).toBeCloseTo(775 / (4000 / 3 + 500), 12);
    expect(a.share).toBeCloseTo(0.422727, 6);
    expect(b.share).toBeCloseTo(1 - a.share, 12);
    // Residuals around the combined R: Σd² = 494.628 (A), 555.785 (B);
    // V = [10² · 0.7 · 494.628/2 / 3 + 5² · 0.6 · 555.785/1 / 2] / 1833.33² = 0.00295707.
    expect(a.marginOfError).toBeCloseTo(Z95 * Math.sqrt(0.0029570726), 8);
    expect(a.marginOfError).toBeCloseTo(0.10658, 4);
    expect(b.marginOfError).toBeCloseTo(a.marginOfError, 12);
  });

  it('with one stratum is the city estimator', () => {
    const one = estimateStratified([A]);
    const city = estimateShares(A);
    expect(one.map((e) => e.number)).toEqual(city.map((e) => e.number));
    for (const [i, e] of one.entries()) {
      expect(e.share).toBeCloseTo(city[i].share, 12);
      expect(e.marginOfError).toBeCloseTo(city[i].marginOfError, 12);
    }
  });

  it('leaves out strata that have not reported, and a fully reported stratum adds no variance', () => {
    const none = sumsFromTps([], 40);
    expect(estimateStratified([A, none])[0].share).toBeCloseTo(0.45, 12);
    const full = sumsFromTps([{ votes: { '01': 50, '02': 50 } }, { votes: { '01': 20, '02': 80 } }], 2);
    const [a] = estimateStratified([full, full]);
    expect([a.share, a.marginOfError]).toEqual([0.35, 0]);
  });
});
