import { jest } from '@jest/globals';
import type { ProjectionChange } from '../projections/read-models.port.js';
import { ChangeCoalescer, mergeChanges } from './change-coalescer.js';

const change = (position: string, tpsIds: string[], extra: Partial<ProjectionChange> = {}): ProjectionChange => ({
  position,
  tpsIds,
  kelurahanCodes: [],
  incidentIds: [],
  coverageChanged: false,
  ...extra,
});

/** A flush the test finishes by hand, recording what each flush took. */
function harness(opts: { fail?: number } = {}) {
  const taken: (ProjectionChange | null)[] = [];
  const finishers: ((err?: Error) => void)[] = [];
  let failures = opts.fail ?? 0;
  const errors: unknown[] = [];
  const c = new ChangeCoalescer(
    (take) => {
      taken.push(take());
      return new Promise<void>((resolve, reject) => finishers.push((err) => (err ? reject(err) : resolve())));
    },
    { tickMs: 100, retryMs: 1000, onError: (e) => errors.push(e) },
  );
  const finish = async () => {
    const f = finishers.shift()!;
    f(failures-- > 0 ? new Error('database gone') : undefined);
    // Let the flush's promise chain settle (catch, finally, reschedule).
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { c, taken, finish, errors };
}

describe('ChangeCoalescer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('given a burst within one tick, when the tick ends, then one flush carries the union and the newest position', () => {
    const { c, taken } = harness();
    for (let i = 0; i < 300; i++) c.add(change(`${100 + i}/0`, [`t${i % 7}`], { coverageChanged: i === 5 }));
    expect(taken).toHaveLength(0);
    jest.advanceTimersByTime(100);
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ position: '399/0', coverageChanged: true });
    expect(taken[0]!.tpsIds.sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
  });

  it('given changes arriving while a flush runs, when it ends, then exactly one more flush carries them all', async () => {
    const { c, taken, finish } = harness();
    c.add(change('1/0', ['a']));
    jest.advanceTimersByTime(100);
    c.add(change('2/0', ['b']));
    c.add(change('3/0', ['b', 'c']));
    jest.advanceTimersByTime(1000);
    expect(taken).toHaveLength(1);
    await finish();
    jest.advanceTimersByTime(100);
    expect(taken).toHaveLength(2);
    expect(taken[1]).toMatchObject({ position: '3/0', tpsIds: ['b', 'c'] });
    await finish();
    jest.advanceTimersByTime(1000);
    expect(taken).toHaveLength(2);
  });

  it('given a failed flush, then its change is retried merged with what came meanwhile', async () => {
    const { c, taken, finish, errors } = harness({ fail: 1 });
    c.add(change('1/0', ['a']));
    jest.advanceTimersByTime(100);
    c.add(change('2/0', ['b']));
    await finish();
    expect(errors).toHaveLength(1);
    jest.advanceTimersByTime(999);
    expect(taken).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(taken[1]).toMatchObject({ position: '2/0', tpsIds: ['a', 'b'] });
  });

  it('after stop, nothing is flushed', async () => {
    const { c, taken } = harness();
    c.add(change('1/0', ['a']));
    await c.stop();
    c.add(change('2/0', ['b']));
    jest.advanceTimersByTime(1000);
    expect(taken).toHaveLength(0);
  });

  it('mergeChanges keeps the newer position whatever the order, comparing numerically', () => {
    expect(mergeChanges(change('10/0', []), change('9/5', [])).position).toBe('10/0');
    expect(mergeChanges(change('9/5', []), change('10/0', [])).position).toBe('10/0');
  });

  it('mergeChanges keeps the message ids of both sides (the posko console reloads read counts from them)', () => {
    const merged = mergeChanges(
      mergeChanges(change('1/0', [], { messageIds: ['m-1'] }), change('2/0', ['a'])),
      change('3/0', [], { messageIds: ['m-2', 'm-1'] }),
    );
    expect(merged.messageIds).toEqual(['m-1', 'm-2']);
    expect(mergeChanges(change('1/0', ['a']), change('2/0', ['b'])).messageIds).toBeUndefined();
  });
});
