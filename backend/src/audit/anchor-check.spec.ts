/** Anchors against the store: clean, then each kind of tampering named by its position, stream and revision. */
import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import { ev, recordAll } from '../projections/testing/events.js';
import { AnchorCheck } from './anchor-check.js';
import { anchorRows, type AnchorRow } from './anchors.projection.js';
import { GENESIS_HASH } from './event-hash.js';

const TPS = '1673061002001';
const withHashes = (events: RecordedEvent[]) => events.map((e, i) => ({ ...e, metadata: { ...e.metadata, hash: `h${i}` } }));
const log = withHashes(
  recordAll([
    ev.checkIn(TPS, '2024-02-14T06:30:00+07:00'),
    ev.tally(TPS, { '01': 1 }),
    ev.correct(TPS, 1, { '01': 2 }),
    ev.checkIn('1673061002002', '2024-02-14T06:40:00+07:00'),
  ]),
);

async function* from<T>(items: T[]) {
  yield* items;
}

async function check(events: RecordedEvent[], anchors: AnchorRow[], upTo = log[log.length - 1].position) {
  const c = new AnchorCheck(upTo);
  const broken = await c.run(from(events), from(anchors));
  return { broken: broken.map((b) => [b.problem, b.stream, b.revision, b.position]), summary: c.summary() };
}

describe('AnchorCheck', () => {
  const anchors = anchorRows(GENESIS_HASH, log);

  it('finds nothing on an untouched log and reports the anchored head', async () => {
    const r = await check(log, anchors);
    expect(r.broken).toEqual([]);
    expect(r.summary).toEqual({ anchors: 4, upTo: '4/4', unanchored: 0, head: anchors[3].log_head });
  });

  it('names a deleted event, even the last of its stream', async () => {
    expect((await check([log[0], log[1], log[3]], anchors)).broken).toEqual([['EVENT_DELETED', `tps-${TPS}`, 2, '3/3']]);
  });

  it('names an inserted event inside the anchored range, but only counts events past it', async () => {
    expect((await check(log, [anchors[0], anchors[2], anchors[3]])).broken).toEqual([
      ['EVENT_INSERTED', `tps-${TPS}`, 1, '2/2'],
      ['ANCHOR_BROKEN', `tps-${TPS}`, 2, '3/3'],
    ]);
    const lagging = await check(log, anchors.slice(0, 2), log[1].position);
    expect([lagging.broken, lagging.summary.unanchored]).toEqual([[], 2]);
  });

  it('names a rehashed or swapped event, and an edited anchor', async () => {
    const rehashed = log.map((e, i) => (i === 1 ? { ...e, metadata: { ...e.metadata, hash: 'forged' } } : e));
    expect((await check(rehashed, anchors)).broken).toEqual([['EVENT_REPLACED', `tps-${TPS}`, 1, '2/2']]);
    const swapped = [log[0], { ...log[2], position: log[1].position }, { ...log[1], position: log[2].position }, log[3]];
    expect((await check(swapped, anchors)).broken.map((b) => b[0])).toEqual(['EVENT_REPLACED', 'EVENT_REPLACED']);
    const edited = anchors.map((a, i) => (i === 1 ? { ...a, event_hash: 'other' } : a));
    expect((await check(log, edited)).broken).toEqual([
      ['ANCHOR_BROKEN', `tps-${TPS}`, 1, '2/2'],
      ['EVENT_REPLACED', `tps-${TPS}`, 1, '2/2'],
    ]);
  });
});
