import { describe, expect, it } from '@jest/globals';
import { ev, recordAll } from '../projections/testing/events.js';
import { evolveTps, initialTps, type TpsDoc } from '../projections/tps-doc.js';
import type { TpsEvent } from '../tps/tps.events.js';
import { reconcilePaperForms } from './paper-forms.js';

const doc = (id: string, events: TpsEvent[]): TpsDoc =>
  recordAll(events).reduce(evolveTps, initialTps({ id, number: 1, kelurahanCode: id.slice(0, 10), kecamatanCode: id.slice(0, 6) }));

describe('reconcilePaperForms', () => {
  it('compares the latest paper form with the latest online tally, whichever came first', () => {
    const [a, b, c, d, e] = ['1673061002001', '1673061002002', '1673061002003', '1673061002004', '1673061002005'];
    const r = reconcilePaperForms(
      [
        // Paper typed after a misread tally: differs in 02.
        { id: a, doc: doc(a, [ev.tally(a, { '01': 60, '02': 85 }), ev.paper(a, { '01': 60, '02': 80 }, 0, false)]) },
        // Paper typed first, then a correction settles it: the stored comparison (false) is stale and ignored.
        {
          id: b,
          doc: doc(b, [
            ev.tally(b, { '01': 1, '02': 2 }),
            ev.paper(b, { '01': 1, '02': 3 }, 0, false),
            ev.correct(b, 0, { '01': 1, '02': 3 }),
          ]),
        },
        // Reported online, no paper form yet.
        { id: c, doc: doc(c, [ev.tally(c, { '01': 5 })]) },
        { id: d, doc: null },
        { id: e, doc: doc(e, [ev.paper(e, { '01': 5 }, null, null)]) },
      ],
      'PPWP',
    );
    expect(r.mismatched).toEqual([
      {
        tpsId: a,
        kelurahanCode: '1673061002',
        kecamatanCode: '167306',
        contest: 'PPWP',
        onlineRevision: 0,
        fields: [
          { path: 'ballots.unused', online: 138, paper: 143 },
          { path: 'ballots.used', online: 148, paper: 143 },
          { path: 'voters.fromDpt', online: 148, paper: 143 },
          { path: 'votes.02', online: 85, paper: 80 },
        ],
      },
    ]);
    expect([r.missing, r.missingReported, r.paperOnly]).toEqual([[c, d], [c], [e]]);
  });
});
