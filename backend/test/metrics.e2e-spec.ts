import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { registry } from '../src/metrics/metrics.js';
import { io } from 'socket.io-client';
import { LIVE_NAMESPACE, LiveMessage } from '../src/live/live.contract.js';
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
    expect(f.has('sipantaumilu_event_log_hidden_events')).toBe(true);
    expect(f.has('sipantaumilu_event_log_oldest_xid_transaction_seconds')).toBe(true);
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

  it('counts live sockets, their messages and disconnects, and times a change from commit to push', async () => {
    const before = (await scrape()).f;
    const display = await t.login('display', 'display123');
    const officer = await t.login('1673061002002', '123456');
    const socket = io(t.url + LIVE_NAMESPACE, { auth: { token: display }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((ok, no) => {
      socket.once('connect', () => ok());
      socket.once('connect_error', no);
    });
    const during = (await scrape()).f;
    expect(total(during, 'sipantaumilu_socket_connections') - total(before, 'sipantaumilu_socket_connections')).toBe(1);
    await socket.timeout(10_000).emitWithAck('follow', { level: 'city' });
    const pushed = new Promise<void>((ok) => socket.once(LiveMessage.TpsUpdated, () => ok()));
    const r = await t.call('POST', '/api/tps/1673061002002/check-in', {
      token: officer,
      body: { location: { lat: -3.2967, lon: 102.8617, accuracyM: 15 } },
    });
    expect(r.status).toBe(201);
    await pushed;
    socket.close();
    let after = (await scrape()).f;
    for (let i = 0; i < 50 && total(after, 'sipantaumilu_socket_connections') !== total(before, 'sipantaumilu_socket_connections'); i++) {
      await new Promise((res) => setTimeout(res, 100));
      after = (await scrape()).f;
    }
    expect(total(after, 'sipantaumilu_socket_connects_total') - total(before, 'sipantaumilu_socket_connects_total')).toBe(1);
    expect(
      total(after, 'sipantaumilu_socket_messages_total', { event: 'follow' }) -
        total(before, 'sipantaumilu_socket_messages_total', { event: 'follow' }),
    ).toBe(1);
    expect(total(after, 'sipantaumilu_socket_disconnects_total') - total(before, 'sipantaumilu_socket_disconnects_total')).toBe(1);
    expect(total(after, 'sipantaumilu_socket_connections')).toBe(total(before, 'sipantaumilu_socket_connections'));
    expect(total(after, 'sipantaumilu_submit_to_screen_seconds', {}, 'count')).toBeGreaterThan(
      total(before, 'sipantaumilu_submit_to_screen_seconds', {}, 'count'),
    );
  });
});
