import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadReferenceData } from '../src/reference/reference-data.js';
import { runScenario, type SimulationResult } from '../src/simulator/driver.js';
import { generateScenario, type Scenario } from '../src/simulator/scenario.js';
import { startTestApp, type TestApp } from './support/app.js';

/**
 * The simulator against the real app: 40 TPS of a seeded day, no waiting between actions. The proof that both are
 * right: the server's city summary equals the scenario's own totals (latest valid tally per TPS), and every answer was
 * the expected one (201s, 422 TALLY.INCONSISTENT for the wrong readings, replays for duplicates).
 */
let t: TestApp;
let scenario: Scenario;
let result: SimulationResult;

beforeAll(async () => {
  t = await startTestApp({}, 'sim');
  // Seed 58 on 40 TPS holds every case at least once (asserted below).
  scenario = generateScenario(loadReferenceData(), { seed: 58, tps: 40 });
  result = await runScenario(scenario, { url: t.url, speed: 0, concurrency: 16, log: () => undefined });
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('simulator against the app', () => {
  it('exercised the cases the issue names', () => {
    const actions = scenario.plans.flatMap((p) => p.actions);
    const has = (what: (a: (typeof actions)[number]) => boolean) => actions.some(what);
    expect(has((a) => a.kind === 'tally' && a.mistake !== undefined && !a.acknowledge)).toBe(true);
    expect(has((a) => a.kind === 'tally' && a.acknowledge === true)).toBe(true);
    expect(has((a) => a.kind === 'correction')).toBe(true);
    expect(has((a) => a.kind === 'resolve')).toBe(true);
    expect(has((a) => a.kind === 'paper' && a.mismatch)).toBe(true);
    expect(has((a) => a.duplicate === 'after')).toBe(true);
    expect(has((a) => a.duplicate === 'concurrent')).toBe(true);
  });

  it('got the expected answer to every request', () => {
    expect(result.log.unexpected).toEqual([]);
    expect(result.log.counts.get('tally')?.get('422 TALLY.INCONSISTENT')).toBeGreaterThan(0);
    expect(result.log.counts.get('tally')?.get('201')).toBeGreaterThan(30);
  });

  it('played the posko: acknowledged, assigned and resolved incidents, called missing monitors, sent a message', async () => {
    const actions = scenario.plans.flatMap((p) => p.actions);
    const count = (kind: string) => actions.filter((a) => a.kind === kind).length;
    expect(count('acknowledge')).toBeGreaterThan(0);
    expect(count('assign')).toBeGreaterThan(0);
    for (const kind of ['acknowledge', 'assign', 'resolve', 'call']) {
      const sent = actions.filter((a) => a.kind === kind).reduce((n, a) => n + (a.duplicate === 'none' ? 1 : 2), 0);
      expect({ kind, ok: result.log.counts.get(kind)?.get('201') ?? 0 }).toEqual({ kind, ok: sent });
    }
    expect(result.log.counts.get('message')?.get('201')).toBe(1);
    // Every incident ends in the state the scenario took it to.
    const want = new Map<string, string>();
    for (const a of actions) {
      if (a.kind === 'incident') want.set(a.incidentId, 'reported');
      if (a.kind === 'acknowledge') want.set(a.incidentId, 'acknowledged');
      if (a.kind === 'assign') want.set(a.incidentId, 'assigned');
      if (a.kind === 'resolve') want.set(a.incidentId, 'resolved');
    }
    const token = await t.login('operator', 'operator123');
    const listed = (await t.call('GET', '/api/incidents', { token })).body as { incidentId: string; lifecycle: { state: string } }[];
    expect(new Map(listed.map((i) => [i.incidentId, i.lifecycle.state]))).toEqual(want);
    const calls = actions.filter((a) => a.kind === 'call');
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      const monitor = await t.call('GET', `/api/tps/${c.tpsId}/officer`, { token });
      expect({ tps: c.tpsId, calls: monitor.body.contactAttempts.length }).toEqual({ tps: c.tpsId, calls: 1 });
    }
  });

  it("the server's city summary equals the scenario's expected totals", () => {
    expect(result.mismatches).toEqual([]);
    expect(result.server).toEqual(result.expected);
    expect(result.expected.tpsReported).toBeGreaterThan(30);
  });

  it('running the same seed again changes nothing: stored sends are answered from the first result', async () => {
    const again = await runScenario(scenario, { url: t.url, speed: 0, concurrency: 16, log: () => undefined });
    // A rejected reading stored nothing, so its resend meets the tally sent after it; everything else is a replay.
    const wrongFirst = scenario.plans.flatMap((p) => p.actions).filter((a) => a.kind === 'tally' && a.mistake && !a.acknowledge);
    expect(again.log.unexpectedCount).toBe(wrongFirst.length + wrongFirst.filter((a) => a.duplicate !== 'none').length);
    expect(again.log.unexpected.every((u) => u.got === '409 TALLY.ALREADY_SUBMITTED')).toBe(true);
    expect(again.server).toEqual(result.expected);
  });
});
