import { describe, expect, it } from '@jest/globals';
import { loadReferenceData } from '../reference/reference-data.js';
import { checkRules, diffForms } from '../tps/tally-rules.js';
import { createRng } from './prng.js';
import { expectedTotals } from './report.js';
import { generateScenario, hm, selectTps } from './scenario.js';
import { breakForm, correctForm, DEFAULT_SHARES, generateForm, misreadDigit, splitVotes } from './tally-form.generator.js';

const ref = loadReferenceData();

describe('tally form generator', () => {
  it('every generated form passes every consistency rule, normal and special TPS', () => {
    const rng = createRng(7);
    for (let i = 0; i < 5000; i++) {
      const special = i % 10 === 0;
      const form = generateForm(rng, { special });
      expect(checkRules(form, { special })).toEqual([]);
      expect(Object.values(form.votes).every((v) => v >= 0 && v <= 999)).toBe(true);
    }
  });

  it('every broken form breaks at least one rule, whatever the mistake', () => {
    const rng = createRng(8);
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const { form, mistake } = breakForm(rng, generateForm(rng));
      seen.add(mistake);
      expect(checkRules(form, { special: false }).length).toBeGreaterThan(0);
    }
    expect([...seen].sort()).toEqual(['ballots_unused', 'dpt_swapped', 'invalid_digit', 'vote_digit']);
  });

  it('a correction stays consistent and always changes a number', () => {
    const rng = createRng(9);
    for (let i = 0; i < 2000; i++) {
      const form = generateForm(rng);
      const corrected = correctForm(rng, form);
      expect(checkRules(corrected, { special: false })).toEqual([]);
      expect(diffForms(form, corrected).length).toBeGreaterThan(0);
    }
  });

  it('splits votes exactly and misreads digits the way eyes do', () => {
    const rng = createRng(10);
    for (let i = 0; i < 1000; i++) {
      const total = rng.int(0, 400);
      const parts = splitVotes(rng, total, DEFAULT_SHARES);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(parts.every((p) => p >= 0)).toBe(true);
    }
    expect(misreadDigit(63)).toBe(68);
    expect(misreadDigit(120)).toBe(128);
    expect(misreadDigit(999)).toBe(994);
  });
});

describe('scenario', () => {
  const day = generateScenario(ref, { seed: 42 });

  it('covers all 635 TPS; the same seed gives the same day, another seed another', () => {
    expect(day.plans).toHaveLength(635);
    expect(JSON.stringify(generateScenario(ref, { seed: 42 }))).toBe(JSON.stringify(day));
    expect(JSON.stringify(generateScenario(ref, { seed: 43 }))).not.toBe(JSON.stringify(day));
  });

  it('every form it calls valid passes checkRules, and every one it sends wrong on purpose breaks a rule', () => {
    let wrong = 0;
    for (const p of day.plans) {
      for (const a of p.actions) {
        if (a.kind !== 'tally' && a.kind !== 'correction') continue;
        const rules = checkRules(a.form, { special: p.tps.special });
        const meantWrong = (a.kind === 'tally' && a.mistake !== undefined) || a.acknowledge === true;
        if (meantWrong) wrong++;
        expect({ tps: p.tps.id, kind: a.kind, broken: rules.length > 0 }).toEqual({ tps: p.tps.id, kind: a.kind, broken: meantWrong });
      }
    }
    expect(wrong).toBeGreaterThan(0);
  });

  it('has the day the issue describes: check-ins 06:30-07:30 with a few late or missing, tallies after 13:00, ~3% wrong, ~5% corrected', () => {
    const checkIns = day.plans.flatMap((p) => p.actions.filter((a) => a.kind === 'check-in'));
    const onTime = checkIns.filter((a) => a.at >= hm(6, 30) && a.at < hm(7, 30)).length;
    expect(onTime / 635).toBeGreaterThan(0.9);
    expect(checkIns.length).toBeLessThan(635);
    expect(checkIns.length - onTime).toBeGreaterThan(0);
    const tallies = day.plans.flatMap((p) => p.actions.filter((a) => a.kind === 'tally'));
    expect(tallies.every((a) => a.at >= hm(13))).toBe(true);
    const firstWrong = day.plans.filter((p) => p.actions.some((a) => a.kind === 'tally' && a.mistake && !a.acknowledge)).length;
    expect(firstWrong / 635).toBeGreaterThan(0.01);
    expect(firstWrong / 635).toBeLessThan(0.06);
    const corrected = day.plans.filter((p) => p.actions.some((a) => a.kind === 'correction')).length;
    expect(corrected / 635).toBeGreaterThan(0.025);
    expect(corrected / 635).toBeLessThan(0.09);
    expect(day.plans.some((p) => p.actions.some((a) => a.kind === 'paper' && a.mismatch))).toBe(true);
    expect(day.plans.some((p) => p.actions.some((a) => a.duplicate !== 'none'))).toBe(true);
    expect(day.plans.some((p) => p.actions.some((a) => a.kind === 'incident'))).toBe(true);
  });

  it('city shares land near the configured ones', () => {
    const t = expectedTotals(generateScenario(ref, { seed: 5, shares: [0.3, 0.5, 0.2] }));
    expect(t.votes['01'] / t.validVotes).toBeCloseTo(0.3, 1);
    expect(t.votes['02'] / t.validVotes).toBeCloseTo(0.5, 1);
    expect(t.votes['03'] / t.validVotes).toBeCloseTo(0.2, 1);
  });

  it('a subset by count is a seeded sample; by id or kelurahan code it takes exactly those', () => {
    const a = selectTps(ref, 1, 20);
    expect(a).toHaveLength(20);
    expect(new Set(a.map((t) => t.kelurahanCode)).size).toBeGreaterThan(5);
    expect(selectTps(ref, 1, 20)).toEqual(a);
    expect(selectTps(ref, 1, ['1673061002']).map((t) => t.id)).toContain('1673061002901');
    expect(() => selectTps(ref, 1, ['123'])).toThrow(/unknown/);
  });
});
