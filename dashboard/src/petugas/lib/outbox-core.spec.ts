import { describe, expect, it } from '@jest/globals';
import {
  backoffMs,
  dueEntries,
  inSendingOrder,
  nextWakeAt,
  retryAfterMs,
  verdictFor,
  withoutClientTime,
  type OutboxEntry,
} from './outbox-core.ts';

const A = '1673061002001';
const B = '1673061002002';
let seq = 0;
const entry = (kind: OutboxEntry['kind'], over: Partial<OutboxEntry> = {}): OutboxEntry => ({
  key: `${A}.${kind}.${++seq}`,
  seq,
  tpsId: A,
  kind,
  method: 'POST',
  path: `/api/tps/${A}/${kind}`,
  body: {},
  contentType: 'application/json',
  createdAt: 0,
  attempts: 0,
  nextAt: 0,
  status: 'waiting',
  ...over,
});
const kinds = (es: OutboxEntry[]) => es.map((e) => `${e.tpsId.slice(-1)}:${e.kind}`);

describe('outbox ordering', () => {
  it('sends one report per TPS at a time, the arrival first, then in the order they were made', () => {
    const tally = entry('tally');
    const incident = entry('incident');
    const checkIn = entry('check-in');
    const correction = entry('correction');
    expect(kinds(inSendingOrder([correction, incident, tally, checkIn]))).toEqual(['1:check-in', '1:tally', '1:incident', '1:correction']);
    expect(kinds(dueEntries([correction, incident, tally, checkIn], 0))).toEqual(['1:check-in']);
    expect(kinds(dueEntries([correction, incident, tally], 0))).toEqual(['1:tally']);
  });

  it('keeps TPS apart: each TPS has its own head of line', () => {
    const a = entry('tally');
    const b = entry('incident', { tpsId: B });
    expect(kinds(dueEntries([a, b], 0))).toEqual(['1:tally', '2:incident']);
  });

  it('waits out the backoff of the head, and holds the reports behind it', () => {
    const tally = entry('tally', { nextAt: 5_000, attempts: 1 });
    const incident = entry('incident');
    expect(dueEntries([tally, incident], 4_999)).toEqual([]);
    expect(kinds(dueEntries([tally, incident], 5_000))).toEqual(['1:tally']);
    expect(nextWakeAt([tally, incident])).toBe(0);
  });

  it('a refused tally holds back the correction behind it, but not an incident', () => {
    const tally = entry('tally', { status: 'rejected' });
    const correction = entry('correction');
    const incident = entry('incident');
    expect(kinds(dueEntries([tally, correction, incident], 0))).toEqual(['1:incident']);
    expect(kinds(dueEntries([entry('check-in', { status: 'rejected' }), entry('tally')], 0))).toEqual(['1:tally']);
  });

  it('sets no timer when nothing waits (refused reports wait for the monitor, not for a clock)', () => {
    expect(nextWakeAt([])).toBeNull();
    expect(nextWakeAt([entry('tally', { status: 'rejected' })])).toBeNull();
  });
});

describe('outbox backoff', () => {
  it('doubles from 2 s, with jitter between half and all of it, up to 5 minutes', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, null, 1))).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect([1, 2, 3, 4].map((n) => backoffMs(n, null, 0))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffMs(30, null, 1)).toBe(300_000);
  });

  it('honours Retry-After, in seconds or as an HTTP date, as the least wait', () => {
    const now = Date.parse('2024-02-14T06:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7_000);
    expect(retryAfterMs('Wed, 14 Feb 2024 06:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
    expect(backoffMs(1, 7_000, 1)).toBe(7_000);
    expect(backoffMs(5, 1_000, 1)).toBe(32_000);
  });
});

describe('outbox verdicts', () => {
  const v = (kind: OutboxEntry['kind'], outcome: Parameters<typeof verdictFor>[1], attempts = 1) =>
    verdictFor({ kind }, outcome, attempts, 0, 1);

  it('retries no answer, timeouts, 5xx and 429 with backoff (Retry-After honoured)', () => {
    expect(v('tally', 'network')).toEqual({ kind: 'retry', delayMs: 2_000 });
    expect(v('tally', { status: 503 }, 2)).toEqual({ kind: 'retry', delayMs: 4_000 });
    expect(v('tally', { status: 500 })).toEqual({ kind: 'retry', delayMs: 2_000 });
    expect(v('tally', { status: 408, code: 'REQUEST.TIMEOUT' })).toEqual({ kind: 'retry', delayMs: 2_000 });
    expect(v('incident', { status: 429, code: 'RATE.LIMITED', retryAfter: '42' })).toEqual({ kind: 'retry', delayMs: 42_000 });
    expect(v('tally', { status: 409, code: 'STORE.CONFLICT' })).toEqual({ kind: 'retry', delayMs: 2_000 });
  });

  it('a 2xx is sent; a 401 keeps the report until the monitor signs in again', () => {
    expect(v('tally', { status: 201 })).toEqual({ kind: 'sent' });
    expect(v('tally', { status: 401, code: 'AUTH.TOKEN_EXPIRED' })).toEqual({ kind: 'signin' });
  });

  it('a 4xx retrying cannot fix is refused: shown to the monitor, never retried', () => {
    for (const [status, code] of [
      [400, 'REQUEST.INVALID'],
      [403, 'AUTH.WRONG_TPS'],
      [409, 'TALLY.ALREADY_SUBMITTED'],
      [409, 'TALLY.STALE_REVISION'],
      [413, 'REQUEST.TOO_LARGE'],
      [422, 'TALLY.INCONSISTENT'],
      [404, 'HTTP.NOT_FOUND'],
    ] as const) {
      expect([code, v('tally', { status, code })]).toEqual([code, { kind: 'rejected' }]);
    }
  });

  it('an arrival the server already has is done, not refused', () => {
    expect(v('check-in', { status: 409, code: 'CHECKIN.ALREADY_CHECKED_IN' })).toEqual({ kind: 'sent' });
    expect(v('tally', { status: 409, code: 'CHECKIN.ALREADY_CHECKED_IN' })).toEqual({ kind: 'rejected' });
  });
});

describe('a refused phone clock', () => {
  const refusal = (paths: string[]) => ({
    code: 'REQUEST.INVALID',
    fields: paths.map((path) => ({ path, problem: 'is too far in the past' })),
  });

  it('sends the report again without its client time, under a fresh key, in the same place', () => {
    const e = entry('incident', {
      body: { category: 'fire', severity: 'high', description: 'api', at: '2020-01-01T00:00:00Z' },
      attempts: 1,
    });
    const again = withoutClientTime(e, 400, refusal(['at']), 'fresh-key-1');
    expect(again).toEqual({
      ...e,
      key: 'fresh-key-1',
      body: { category: 'fire', severity: 'high', description: 'api' },
      attempts: 0,
      nextAt: 0,
      status: 'waiting',
      lastError: null,
    });
  });

  it('leaves any other refusal to the monitor', () => {
    const e = entry('tally', { body: { invalid: 5, observedAt: '2020-01-01T00:00:00Z' } });
    expect(withoutClientTime(e, 400, refusal(['observedAt', 'invalid']), 'k')).toBeNull();
    expect(withoutClientTime(e, 400, { code: 'REQUEST.INVALID' }, 'k')).toBeNull();
    expect(withoutClientTime(e, 422, refusal(['observedAt']), 'k')).toBeNull();
  });
});
