import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { hashPin } from '../src/auth/pin-hash.js';
import { goodTally, startTestApp, type TestApp } from './support/app.js';

const id = (n: number) => `1673061002${String(n).padStart(3, '0')}`;
/** A paper reading: the C.Hasil boxes without the monitor-only fields. */
const paper = (overrides: Record<string, unknown> = {}) => {
  const { disabledVoters: _d, ...form } = goodTally(overrides);
  return form;
};

describe('blind double entry of the paper forms (e2e, real PostgreSQL)', () => {
  let t: TestApp;
  const tok: Record<string, string> = {};
  const online: Record<number, number> = {};
  const entry = (who: string, n: number, body: unknown) => t.call('POST', `/api/tps/${id(n)}/paper-forms`, { token: tok[who], body });
  const entries = (who: string, n: number) => t.call('GET', `/api/tps/${id(n)}/paper-entries`, { token: tok[who] });

  beforeAll(async () => {
    t = await startTestApp({}, 'double_entry');
    const db = t.app.get(DataSource);
    for (const [nip, role] of [
      ['clerk2', 'operator'],
      ['supervisor2', 'supervisor'],
    ]) {
      await db.query(`INSERT INTO users (nip, name, role, tps_id, pin_hash, demo) VALUES ($1, $1, $2, NULL, $3, false)`, [
        nip,
        role,
        await hashPin(`${nip}-pass`),
      ]);
      tok[nip] = await t.login(nip, `${nip}-pass`);
    }
    for (const w of ['operator', 'supervisor', 'auditor']) tok[w] = await t.login(w, `${w}123`);
    for (const n of [1, 2, 3, 4]) {
      const officer = await t.login(id(n), '123456');
      const r = await t.call('POST', `/api/tps/${id(n)}/tally`, { token: officer, body: goodTally() });
      online[n] = r.body.revision;
    }
  });
  afterAll(() => t?.close());

  it('a first reading that agrees with the online tally needs nothing more', async () => {
    const r = await entry('operator', 1, paper());
    expect([r.status, r.body.entry, r.body.matches, r.body.differences]).toEqual([201, 1, true, []]);
    const round = (await entries('clerk2', 1)).body;
    expect(round).toMatchObject({ agreement: 'matches', agreed: 'online', entries: [{ entry: 1, by: 'operator' }] });
  });

  it('two clerks: the second (another user, blind) agrees with the online tally; the supervisor accepts it', async () => {
    const first = await entry('operator', 2, paper({ invalid: 6 }));
    expect([first.status, first.body.entry, first.body.matches, first.body.differences]).toEqual([
      201,
      1,
      false,
      [{ path: 'invalid', before: 5, after: 6 }],
    ]);
    const queue = (await t.call('GET', `/api/reviews?minPosition=${first.body.position}`, { token: tok.supervisor })).body.items;
    expect(queue.find((i: { tpsId: string }) => i.tpsId === id(2)).reasons.map((r: { kind: string }) => r.kind)).toEqual([
      'paper_mismatch',
    ]);

    const peek = await entries('clerk2', 2);
    expect([peek.status, peek.body.code]).toEqual([403, 'PAPER.BLIND']);
    const sameClerk = await entry('operator', 2, paper());
    expect([sameClerk.status, sameClerk.body.code, sameClerk.body.firstEntryBy]).toEqual([403, 'PAPER.SAME_CLERK', 'operator']);

    const second = await entry('clerk2', 2, paper());
    expect(second.body).toMatchObject({
      entry: 2,
      matches: true,
      comparedWithEntry: first.body.revision,
      differencesFromEntry: [{ path: 'invalid', before: 6, after: 5 }],
    });
    const round = (await entries('clerk2', 2)).body;
    expect(round).toMatchObject({
      agreement: 'online_and_second',
      agreed: 'online',
      online: { revision: online[2] },
      entries: [
        { entry: 1, by: 'operator', revision: first.body.revision },
        { entry: 2, by: 'clerk2', revision: second.body.revision },
      ],
    });
    const third = await entry('auditor', 2, paper());
    expect([third.status, third.body.code]).toEqual([409, 'PAPER.ENTRIES_COMPLETE']);
    const notAgreed = await t.call('POST', `/api/tps/${id(2)}/tally/corrections/from-paper`, {
      token: tok.supervisor,
      body: { expectedRevision: online[2] },
    });
    expect([notAgreed.status, notAgreed.body.code, notAgreed.body.agreement]).toEqual([409, 'PAPER.NOT_AGREED', 'online_and_second']);
    const accept = await t.call('POST', `/api/tps/${id(2)}/tally/review`, {
      token: tok.supervisor,
      body: { revision: online[2], decision: 'accept', reason: 'Entri kedua sama dengan data online' },
    });
    expect(accept.status).toBe(201);
    const after = (await t.call('GET', `/api/reviews?minPosition=${accept.body.position}`, { token: tok.supervisor })).body.items;
    expect(after.find((i: { tpsId: string }) => i.tpsId === id(2))).toBeUndefined();
  });

  it('two clerks agree against the online tally: one action turns their reading into a correction naming the entries', async () => {
    // The agreed paper breaks rule 9 (V.C 181, B.4 180): the corrected tally stays flagged and goes back to the queue.
    const read = paper({ votes: { '01': 61, '02': 79, '03': 36 } });
    const first = await entry('operator', 3, read);
    const second = await entry('clerk2', 3, read);
    expect([first.body.matches, second.body.matches, second.body.differencesFromEntry]).toEqual([false, false, []]);
    expect((await entries('operator', 3)).body).toMatchObject({ agreement: 'papers_agree', agreed: 'paper' });

    const stale = await t.call('POST', `/api/tps/${id(3)}/tally/corrections/from-paper`, {
      token: tok.supervisor,
      body: { expectedRevision: online[3] + 10 },
    });
    expect([stale.status, stale.body.code]).toEqual([409, 'TALLY.STALE_REVISION']);
    for (const who of ['operator', 'auditor']) {
      const r = await t.call('POST', `/api/tps/${id(3)}/tally/corrections/from-paper`, {
        token: tok[who],
        body: { expectedRevision: online[3] },
      });
      expect(r.status).toBe(403);
    }
    const c = await t.call('POST', `/api/tps/${id(3)}/tally/corrections/from-paper`, {
      token: tok.supervisor,
      body: { expectedRevision: online[3] },
    });
    expect([c.status, c.body.type, c.body.correctsRevision, c.body.flagged]).toEqual([201, 'TallyCorrected', online[3], true]);
    const view = (await t.call('GET', `/api/tps/${id(3)}?minPosition=${c.body.position}`, { token: tok.auditor })).body;
    expect(view.tallies[0]).toMatchObject({ votes: { '01': 61, '02': 79, '03': 36 }, corrected: true });
    expect(view.tallies[0].review).toMatchObject({ status: 'pending', authors: [id(3), 'supervisor'] });
    const history = (await t.call('GET', `/api/tps/${id(3)}/history`, { token: tok.auditor })).body.events;
    const typed = history.filter((e: { type: string }) => e.type === 'PaperFormRecorded');
    expect(typed.map((e: { actor: string; values: { entry: number } }) => [e.actor, e.values.entry])).toEqual([
      ['operator', 1],
      ['clerk2', 2],
    ]);
    const correction = history.find((e: { type: string }) => e.type === 'TallyCorrected');
    expect(correction).toMatchObject({ actor: 'supervisor', role: 'supervisor' });
    expect(correction.reason).toBe(
      `Koreksi dari formulir kertas: entri 1 (revisi ${first.body.revision}, oleh operator) dan entri 2 (revisi ${second.body.revision}, oleh clerk2) sama`,
    );

    // The two-person rule: the supervisor who made the correction cannot decide on it; another one can.
    const own = await t.call('POST', `/api/tps/${id(3)}/tally/review`, {
      token: tok.supervisor,
      body: { revision: c.body.revision, decision: 'accept', reason: 'Formulir kertas memang begitu' },
    });
    expect([own.status, own.body.code]).toEqual([403, 'REVIEW.OWN_TALLY']);
    const other = await t.call('POST', `/api/tps/${id(3)}/tally/review`, {
      token: tok.supervisor2,
      body: { revision: c.body.revision, decision: 'accept', reason: 'Formulir kertas memang begitu' },
    });
    expect(other.status).toBe(201);
  });

  it('three readings that all differ: no agreement, no correction from paper', async () => {
    await entry('operator', 4, paper({ invalid: 6 }));
    await entry('clerk2', 4, paper({ invalid: 7 }));
    const round = (await entries('supervisor', 4)).body;
    expect([round.agreement, round.agreed]).toEqual(['none', null]);
    const r = await t.call('POST', `/api/tps/${id(4)}/tally/corrections/from-paper`, {
      token: tok.supervisor,
      body: { expectedRevision: online[4] },
    });
    expect([r.status, r.body.code, r.body.agreement]).toEqual([409, 'PAPER.NOT_AGREED', 'none']);
  });
});
