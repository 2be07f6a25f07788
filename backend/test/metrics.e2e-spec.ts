import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { registry } from '../src/metrics/metrics.js';
import { startTestApp, type TestApp } from './support/app.js';

const TPS = '1673061002001';

type Families = Map<string, MetricObjectWithValues<MetricValue<string>>>;

/** Sum of one family's sample field over the samples whose labels include `labels`. */
function total(f: Families, name: string, labels: Record<string, string> = {}, field: 'value' | 'count' = 'value'): number {
  const fam = f.get(name);
  if (!fam) throw new Error(`${name} missing from /api/metrics`);
  return fam.values
    .filter((m) => field !== 'count' || (m as { metricName?: string }).metricName === `${name}_count`)
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels[k] === v))
    .reduce((s, m) => s + m.value, 0);
}

describe('/api/metrics (prom-client)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, 'metrics');
  });
  afterAll(() => t?.close());

  const scrape = async (): Promise<{ text: string; f: Families }> => {
    const r = await t.call('GET', '/api/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    // The text is checked by promtool's parser below; the values are read from the same in-process registry.
    const text = r.body as string;
    return {
      text,
      f: new Map(structuredClone(await registry.getMetricsAsJSON()).map((x) => [x.name, x])),
    };
  };

  it('parses as Prometheus text, with process metrics and the earlier lag names', async () => {
    const { text, f } = await scrape();
    for (const name of [
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_gc_duration_seconds',
    ])
      expect(f.has(name)).toBe(true);
    expect(text).toContain('# TYPE sipantaumilu_projection_events_behind gauge');
    expect(text).toContain('# TYPE sipantaumilu_projection_events_applied_total counter');
    expect(text).toContain('# TYPE sipantaumilu_http_request_duration_seconds histogram');
    expect(total(f, 'sipantaumilu_event_store_up')).toBe(1);
    expect(f.has('sipantaumilu_projection_hidden_events')).toBe(true);
    expect(f.has('sipantaumilu_oldest_xid_transaction_seconds')).toBe(true);
    const promtool = spawnSync('promtool', ['--version']);
    if (promtool.error) {
      console.log('promtool check metrics skipped: promtool is not installed (apt-get install prometheus)');
      return;
    }
    // promtool parses, then lints: our own metrics must be clean; prom-client's default gauges nodejs_active_*_total
    // keep their established names (a lint finding, not an error).
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    const findings = `${check.stdout}${check.stderr}`.split('\n').filter(Boolean);
    expect(findings.filter((l) => !/^nodejs_active_\w+_total non-counter metrics should not have "_total" suffix$/.test(l))).toEqual([]);
  });

  it('moves the HTTP, error, sign-in, append and projection histograms and counters when requests are made', async () => {
    const before = (await scrape()).f;
    const token = await t.login(TPS, '123456');
    expect((await t.call('POST', '/api/auth/login', { body: { nip: TPS, pin: '000000' } })).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await t.call('GET', `/api/tps/${TPS}`, { token })).status).toBe(200);
    const checkIn = await t.call('POST', `/api/tps/${TPS}/check-in`, {
      token,
      body: { location: { lat: -3.2967, lon: 102.8617, accuracyM: 15 } },
    });
    expect(checkIn.status).toBe(201);
    await t.call('GET', '/api/summary', { token }); // the projection has some time to commit its batch meanwhile
    let after = (await scrape()).f;
    for (
      let i = 0;
      i < 50 &&
      total(after, 'sipantaumilu_projection_batch_duration_seconds', {}, 'count') ===
        total(before, 'sipantaumilu_projection_batch_duration_seconds', {}, 'count');
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
      after = (await scrape()).f;
    }

    const route = { method: 'GET', route: '/api/tps/:tpsId', status: '200' };
    const name = 'sipantaumilu_http_request_duration_seconds';
    expect(total(after, name, route, 'count') - total(before, name, route, 'count')).toBe(3);
    expect(
      total(after, 'sipantaumilu_http_errors_total', { code: 'AUTH.INVALID_CREDENTIALS' }) -
        total(before, 'sipantaumilu_http_errors_total', { code: 'AUTH.INVALID_CREDENTIALS' }),
    ).toBe(1);
    expect(total(after, 'sipantaumilu_signin_failures_total') - total(before, 'sipantaumilu_signin_failures_total')).toBe(1);
    expect(
      total(after, 'sipantaumilu_append_duration_seconds', { outcome: 'ok' }, 'count') -
        total(before, 'sipantaumilu_append_duration_seconds', { outcome: 'ok' }, 'count'),
    ).toBe(1);
    expect(
      total(after, 'sipantaumilu_events_appended_total', { type: 'OfficerCheckedIn' }) -
        total(before, 'sipantaumilu_events_appended_total', { type: 'OfficerCheckedIn' }),
    ).toBe(1);
    expect(total(after, 'sipantaumilu_projection_batch_duration_seconds', {}, 'count')).toBeGreaterThan(
      total(before, 'sipantaumilu_projection_batch_duration_seconds', {}, 'count'),
    );
  });
});
