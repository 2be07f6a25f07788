import { describe, expect, it } from '@jest/globals';
import { clientTimeProblem, earliestClientTime } from './client-time.js';

const at = (iso: string) => new Date(iso);

describe('client time window', () => {
  it('on election day: the eve and later, up to 5 minutes ahead of the server', () => {
    const now = at('2029-04-17T10:00:00+07:00');
    expect(new Date(earliestClientTime('2029-04-17', now)).toISOString()).toBe('2029-04-15T17:00:00.000Z');
    expect(clientTimeProblem('2029-04-17T06:45:00+07:00', '2029-04-17', now)).toBeNull();
    expect(clientTimeProblem('2029-04-16T00:00:00+07:00', '2029-04-17', now)).toBeNull();
    expect(clientTimeProblem('2029-04-17T10:04:00+07:00', '2029-04-17', now)).toBeNull();
    expect(clientTimeProblem('2029-04-17T10:06:00+07:00', '2029-04-17', now)).toMatch(/ahead of the server clock/);
    expect(clientTimeProblem('2024-02-14T06:45:00+00:00', '2029-04-17', now)).toMatch(/too far in the past/);
    expect(clientTimeProblem('9999-12-31T23:59:59Z', '2029-04-17', now)).toMatch(/ahead/);
  });

  it('a phone syncing days later still gets its election-day times in', () => {
    expect(clientTimeProblem('2029-04-17T13:00:00+07:00', '2029-04-17', at('2029-04-20T09:00:00+07:00'))).toBeNull();
  });

  it('a drill before the day accepts the last 24 hours; a replay of a past election accepts that day', () => {
    const drill = at('2029-04-10T10:00:00+07:00');
    expect(clientTimeProblem('2029-04-09T11:00:00+07:00', '2029-04-17', drill)).toBeNull();
    expect(clientTimeProblem('2029-04-08T10:00:00+07:00', '2029-04-17', drill)).toMatch(/too far in the past/);
    expect(clientTimeProblem('2024-02-14T13:00:00+07:00', '2024-02-14', at('2026-12-01T12:00:00Z'))).toBeNull();
    expect(clientTimeProblem('2024-01-01T13:00:00+07:00', '2024-02-14', at('2026-12-01T12:00:00Z'))).toMatch(/too far in the past/);
  });
});
