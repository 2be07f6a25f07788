import { describe, expect, it } from '@jest/globals';
import { clientKey } from './client-key.js';
import { decideAttempt, reachesPoskoLock, SIGN_IN_POLICY as P, type AttemptFigures } from './login-policy.js';

const NOW = 1_700_000_000_000;
const quiet: AttemptFigures = {
  poskoLocked: false,
  clientFailures: 0,
  clientOldestFailure: null,
  clientLastFailure: null,
  nipFailures: 0,
  sprayNips: 0,
  sprayLastFailure: null,
};

describe('decideAttempt', () => {
  it('lets a client that has not failed try, however many failures the NIP has from others', () => {
    expect(decideAttempt({ ...quiet, nipFailures: 10_000 }, NOW)).toBeNull();
  });

  it('holds a client with five failures until the oldest leaves the window', () => {
    const oldest = NOW - 10 * 60_000;
    expect(decideAttempt({ ...quiet, clientFailures: 5, clientOldestFailure: oldest, clientLastFailure: NOW }, NOW)).toEqual({
      code: 'AUTH.LOCKED',
      status: 429,
      retryAfterSeconds: 300,
      reason: 'client',
    });
  });

  it('delays a failing client by 2^(n-5) s once the NIP has n > 5 failures, capped at 15 minutes', () => {
    const f = { ...quiet, clientFailures: 1, clientOldestFailure: NOW - 1000, clientLastFailure: NOW - 1000 };
    expect(decideAttempt({ ...f, nipFailures: 5 }, NOW)).toBeNull();
    expect(decideAttempt({ ...f, nipFailures: 8 }, NOW)).toMatchObject({ reason: 'nip', retryAfterSeconds: 7 });
    expect(decideAttempt({ ...f, nipFailures: 400 }, NOW)).toMatchObject({ reason: 'nip', retryAfterSeconds: P.nipDelayMaxSeconds - 1 });
  });

  it('slows a client that failed on many NIPs to one attempt a minute', () => {
    const f = { ...quiet, sprayNips: P.sprayNips, sprayLastFailure: NOW - 20_000 };
    expect(decideAttempt(f, NOW)).toMatchObject({ reason: 'spray', retryAfterSeconds: 40 });
    expect(decideAttempt({ ...f, sprayLastFailure: NOW - 61_000 }, NOW)).toBeNull();
  });

  it('refuses everyone on a NIP held for the posko, and holds at the long-window score', () => {
    expect(decideAttempt({ ...quiet, poskoLocked: true }, NOW)).toEqual({ code: 'AUTH.POSKO_LOCKED', status: 423 });
    expect([reachesPoskoLock(P.longLockAt - 1), reachesPoskoLock(P.longLockAt)]).toEqual([false, true]);
  });
});

describe('clientKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6 and groups IPv6 by /64', () => {
    expect(clientKey('10.1.2.3')).toBe('10.1.2.3');
    expect(clientKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(clientKey('2001:db8:0:12:aaaa::1')).toBe('2001:db8:0:12::/64');
    expect(clientKey('2001:db8::12:1')).toBe(clientKey('2001:0db8:0000:0000:ffff::9'));
    expect(clientKey(undefined)).toBe('unknown');
  });
});
