/** When GroupCommitter sends a group (group-commit.ts); the statement itself is tested in group-commit.int.spec.ts. */
import { describe, expect, it } from '@jest/globals';
import { GroupCommitter, type AppendRequest, type Pending } from './group-commit.js';

/** A window no test may wait for: a group that goes, goes for a reason other than its window. */
const NEVER_MS = 3_600_000;

function rig(maxBatch = 100) {
  const groups: string[][] = [];
  const finish: (() => void)[] = [];
  const committer = new GroupCommitter(
    (batch: Pending[]) => {
      groups.push(batch.map((p) => p.stream));
      return new Promise<void>((resolve) => {
        finish.push(() => {
          for (const p of batch) p.resolve({ nextExpectedRevision: 0n, position: { commit: 1n, prepare: 1n }, written: true });
          resolve();
        });
      });
    },
    NEVER_MS,
    maxBatch,
  );
  const submit = (stream: string) => committer.submit({ stream, events: [], expected: 'any' } satisfies AppendRequest);
  /** Lets the current turn end (twice: a settled group's follow-up is queued a few promise hops after its answers). */
  const turn = async () => {
    for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  return { groups, finish, submit, turn, committer };
}

describe('GroupCommitter', () => {
  it('an idle store sends what arrived in one turn together, at the end of that turn (no window wait)', async () => {
    const r = rig();
    const answers = ['a', 'b', 'c'].map(r.submit);
    expect(r.groups).toEqual([]);
    await r.turn();
    expect(r.groups).toEqual([['a', 'b', 'c']]);
    r.finish[0]();
    await Promise.all(answers);
  });

  it('while a group is in flight the next gathers, and goes as soon as the one in flight finishes', async () => {
    const r = rig();
    const first = r.submit('a');
    await r.turn();
    const later = ['b', 'c'].map(r.submit);
    await r.turn();
    expect(r.groups).toEqual([['a']]);
    r.finish[0]();
    await first;
    await r.turn();
    expect(r.groups).toEqual([['a'], ['b', 'c']]);
    r.finish[1]();
    await Promise.all(later);
  });

  it('a full group goes at once, in flight or not', async () => {
    const r = rig(2);
    const answers = ['a', 'b', 'c', 'd', 'e'].map(r.submit);
    expect(r.groups).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    await r.turn();
    r.finish.forEach((f) => f());
    await r.turn();
    expect(r.groups).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    r.finish[2]();
    await Promise.all(answers);
    await r.committer.drain();
  });
});
