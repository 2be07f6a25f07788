import type { RecordedEvent } from '../event-store/event-store.port.js';
import { DomainError } from '../http/domain-error.js';
import type { OwnDecision } from './tps-command.handler.js';
import { evolve, initialState } from './tps.decider.js';
import type { TallyForm, TpsEvent } from './tps.events.js';
import { correctionFromPaperDecision, paperEntryDecision, reviewDecision } from './verification.decider.js';

const TPS = '1673061002001';
const form = (votes: [number, number, number] = [60, 80, 35], invalid = 5): TallyForm => ({
  votes: { '01': votes[0], '02': votes[1], '03': votes[2] },
  invalid,
  voters: { dpt: 250, fromDpt: 170, fromDptb: 6, fromDpk: 4 },
  ballots: { received: 255, used: 180, spoiled: 2, unused: 73 },
});
const flags = { rules: [], oddities: [] };
const submitted = (f: TallyForm): TpsEvent => ({
  type: 'TallySubmitted',
  data: { tpsId: TPS, contest: 'PPWP', form: f, flags, formSerial: null, observedAt: null },
});

/** given events with their actors (revisions 0..n-1), when a decision, then events or an error code. */
function given(events: [TpsEvent, string][]) {
  const history = events.map(
    ([e, actor], i) =>
      ({
        id: `e${i}`,
        stream: `tps-${TPS}`,
        revision: BigInt(i),
        position: { commit: BigInt(i), prepare: BigInt(i) },
        type: e.type,
        data: e.data,
        metadata: { actor, role: 'x', serverTime: `2024-02-14T13:0${i}:00Z` },
        recordedAt: new Date(),
      }) as unknown as RecordedEvent,
  );
  const state = events.reduce((s, [e], i) => evolve(s, e, i), initialState());
  const run = (d: OwnDecision) => d.decideOver(history, state);
  return {
    when: (d: OwnDecision) => ({
      then: (expected: Record<string, unknown>[]) => expect(run(d)).toMatchObject(expected),
      thenFails: (code: string) => {
        let err: unknown;
        try {
          run(d);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(DomainError);
        expect((err as DomainError).code).toBe(code);
      },
    }),
  };
}

const paper = (by: string, f: TallyForm) => paperEntryDecision({ tpsId: TPS, contest: 'PPWP', form: f, formSerial: null, by });
const review = (by: string, revision = 0, decision: 'accept' | 'hold' = 'hold') =>
  reviewDecision({ tpsId: TPS, contest: 'PPWP', revision, decision, reason: 'Perlu dicek posko', by, at: '2024-02-14T14:00:00Z' });

describe('review decisions', () => {
  it('holds the current version, refuses a stale one, the author, and the same decision twice', () => {
    const history: [TpsEvent, string][] = [[submitted(form()), TPS]];
    given(history)
      .when(review('supervisor'))
      .then([{ type: 'TallyReviewed', data: { revision: 0, decision: 'hold', by: 'supervisor' } }]);
    given(history).when(review('supervisor', 3)).thenFails('TALLY.STALE_REVISION');
    given(history).when(review(TPS)).thenFails('REVIEW.OWN_TALLY');
    given([]).when(review('supervisor')).thenFails('TALLY.NOT_SUBMITTED');
    const held: TpsEvent = {
      type: 'TallyReviewed',
      data: { tpsId: TPS, contest: 'PPWP', revision: 0, decision: 'hold', reason: 'x', by: 'supervisor', at: '' },
    };
    given([...history, [held, 'supervisor']])
      .when(review('supervisor2'))
      .thenFails('REVIEW.NO_CHANGE');
    given([...history, [held, 'supervisor']])
      .when(review('supervisor2', 0, 'accept'))
      .then([{ type: 'TallyReviewed', data: { decision: 'accept' } }]);
  });
});

describe('blind double entry', () => {
  const online: [TpsEvent, string] = [submitted(form()), TPS];
  const entry = (f: TallyForm, n: 1 | 2 = 1): TpsEvent => ({
    type: 'PaperFormRecorded',
    data: { tpsId: TPS, contest: 'PPWP', form: f, formSerial: null, comparedWithRevision: 0, matches: false, differences: [], entry: n },
  });

  it('a second entry comes from another clerk, only after a first that differed, and no third', () => {
    given([online])
      .when(paper('budi', form([60, 80, 35], 6)))
      .then([{ data: { entry: 1, matches: false, differences: [{ path: 'invalid', before: 5, after: 6 }] } }]);
    const afterFirst: [TpsEvent, string][] = [online, [entry(form([60, 80, 35], 6)), 'budi']];
    given(afterFirst).when(paper('budi', form())).thenFails('PAPER.SAME_CLERK');
    given(afterFirst)
      .when(paper('sari', form()))
      .then([
        { data: { entry: 2, matches: true, comparedWithEntry: 1, differencesFromEntry: [{ path: 'invalid', before: 6, after: 5 }] } },
      ]);
    given([...afterFirst, [entry(form(), 2), 'sari']])
      .when(paper('ani', form()))
      .thenFails('PAPER.ENTRIES_COMPLETE');
  });

  it('turns two agreeing readings into a correction naming the entries; anything else is refused', () => {
    const agreed = form([61, 79, 35]);
    const both: [TpsEvent, string][] = [online, [entry(agreed), 'budi'], [entry(agreed, 2), 'sari']];
    const fromPaper = (expectedRevision = 0) =>
      correctionFromPaperDecision({ tpsId: TPS, contest: 'PPWP', expectedRevision, special: false });
    given(both)
      .when(fromPaper())
      .then([
        {
          type: 'TallyCorrected',
          data: {
            form: agreed,
            correctsRevision: 0,
            reason: 'Koreksi dari formulir kertas: entri 1 (revisi 1, oleh budi) dan entri 2 (revisi 2, oleh sari) sama',
            diff: [
              { path: 'votes.01', before: 60, after: 61 },
              { path: 'votes.02', before: 80, after: 79 },
            ],
          },
        },
      ]);
    given(both).when(fromPaper(5)).thenFails('TALLY.STALE_REVISION');
    given([online, [entry(agreed), 'budi'], [entry(form([1, 2, 3]), 2), 'sari']])
      .when(fromPaper())
      .thenFails('PAPER.NOT_AGREED');
    given([online, [entry(agreed), 'budi']])
      .when(fromPaper())
      .thenFails('PAPER.NOT_AGREED');
  });
});
