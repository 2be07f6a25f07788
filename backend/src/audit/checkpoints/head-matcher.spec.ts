import { position } from '../../event-store/position.js';
import { HeadMatcher } from './head-matcher.js';

const h = (n: number) => String(n).repeat(64).slice(0, 64);
/** Events at positions 10/0, 20/0, 30/0 with heads h(1), h(2), h(3). */
function feed(m: HeadMatcher) {
  [10, 20, 30].forEach((p, i) => m.add(position(BigInt(p), 0n), h(i + 1), i + 1));
  return m.finish();
}

describe('HeadMatcher', () => {
  it('accepts heads kept at a position, or anywhere when no position was kept', () => {
    const r = feed(
      new HeadMatcher([
        { position: '20/0', logHead: h(2), eventsCount: 2, label: 'a' },
        { logHead: h(3), label: 'b' },
      ]),
    );
    expect(r.map((x) => [x.label, x.ok, x.position, x.actualCount])).toEqual([
      ['a', true, '20/0', 2],
      ['b', true, '30/0', 3],
    ]);
  });

  it('names a changed head, a changed count, a vanished position, a log that ends early and a head found nowhere', () => {
    const r = feed(
      new HeadMatcher([
        { position: '30/0', logHead: h(9), label: 'changed' },
        { position: '10/0', logHead: h(1), eventsCount: 5, label: 'count' },
        { position: '15/0', logHead: h(1), label: 'gone' },
        { position: '40/0', logHead: h(4), label: 'beyond' },
        { logHead: h(8), label: 'nowhere' },
      ]),
    );
    expect(Object.fromEntries(r.map((x) => [x.label, x.problem]))).toEqual({
      changed: 'HEAD_MISMATCH',
      count: 'HEAD_MISMATCH',
      gone: 'HEAD_POSITION_MISSING',
      beyond: 'HEAD_POSITION_MISSING',
      nowhere: 'HEAD_NOT_IN_LOG',
    });
    expect(r.find((x) => x.label === 'changed')).toMatchObject({ actualHead: h(3), expectedHead: h(9), ok: false });
  });
});
