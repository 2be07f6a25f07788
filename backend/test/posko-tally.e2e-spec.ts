import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io } from 'socket.io-client';
import { LIVE_NAMESPACE, LiveMessage, type Positioned, type TpsView } from '../src/live/live.contract.js';
import { goodTally, startTestApp, type TestApp } from './support/app.js';

const TPS = '1673061002003';
const KEL = '1673061002';

describe('a first tally entered by the posko on the monitor’s behalf (e2e, real PostgreSQL, socket.io-client)', () => {
  let t: TestApp;
  const tok: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({}, 'posko_tally');
    tok.officer = await t.login(TPS, '123456');
    for (const w of ['operator', 'auditor', 'display', 'admin']) tok[w] = await t.login(w, `${w}123`);
  });
  afterAll(() => t?.close());

  it('needs a reason and a source from an operator, refuses them from a monitor, and other roles may not', async () => {
    const missing = await t.call('POST', `/api/tps/${TPS}/tally`, { token: tok.operator, body: goodTally() });
    expect([missing.status, missing.body.code]).toEqual([400, 'REQUEST.INVALID']);
    expect(missing.body.fields.map((f: { path: string }) => f.path).sort()).toEqual(['reason', 'source']);
    const badSource = await t.call('POST', `/api/tps/${TPS}/tally`, {
      token: tok.operator,
      body: goodTally({ reason: 'HP petugas rusak, dibacakan lewat telepon', source: 'fax' }),
    });
    expect(badSource.body.fields).toEqual([{ path: 'source', problem: 'must be phone, paper or other' }]);
    const shortReason = await t.call('POST', `/api/tps/${TPS}/tally`, {
      token: tok.operator,
      body: goodTally({ reason: 'rusak', source: 'phone' }),
    });
    expect(shortReason.body.fields.map((f: { path: string }) => f.path)).toEqual(['reason']);
    const fromOfficer = await t.call('POST', `/api/tps/${TPS}/tally`, {
      token: tok.officer,
      body: goodTally({ reason: 'saya sendiri yang kirim', source: 'phone' }),
    });
    expect([fromOfficer.status, fromOfficer.body.fields]).toEqual([400, [{ path: 'reason', problem: 'unknown fields reason, source' }]]);
    for (const who of ['auditor', 'display', 'admin']) {
      const r = await t.call('POST', `/api/tps/${TPS}/tally`, {
        token: tok[who],
        body: goodTally({ reason: 'HP petugas rusak, dibacakan lewat telepon', source: 'phone' }),
      });
      expect({ who, status: r.status, code: r.body.code }).toEqual({ who, status: 403, code: 'AUTH.FORBIDDEN' });
    }
  });

  it('is marked as entered by the posko on the TPS, the kelurahan view, the live channel and the history; the monitor corrects it', async () => {
    const live = io(t.url + LIVE_NAMESPACE, {
      auth: { token: tok.display },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    await new Promise<void>((resolve, reject) => (live.once('connect', () => resolve()), live.once('connect_error', reject)));
    const pushed = new Promise<Positioned<TpsView>>((resolve) =>
      live.on(LiveMessage.TpsUpdated, (m: Positioned<TpsView>) => {
        if (m.data.id === TPS && m.data.tallies[0]?.enteredByPosko) resolve(m);
      }),
    );
    const reason = 'HP petugas rusak, angka dibacakan lewat telepon';
    const r = await t.call('POST', `/api/tps/${TPS}/tally`, {
      token: tok.operator,
      body: goodTally({ reason, source: 'phone' }),
      headers: { 'idempotency-key': 'posko-onbehalf-0001' },
    });
    expect([r.status, r.body.type]).toEqual([201, 'TallySubmitted']);
    const mark = { by: 'operator', reason, source: 'phone' };

    const view = await t.call('GET', `/api/tps/${TPS}?minPosition=${r.body.position}`, { token: tok.display });
    expect(view.body.tallies[0]).toMatchObject({ revision: r.body.revision, corrected: false, enteredByPosko: mark });
    const kel = await t.call('GET', `/api/kelurahan/${KEL}?minPosition=${r.body.position}`, { token: tok.display });
    expect(kel.body.tps.find((x: TpsView) => x.id === TPS).tallies[0].enteredByPosko).toEqual(mark);
    expect((await pushed).data.tallies[0].enteredByPosko).toEqual(mark);
    live.close();

    const again = await t.call('POST', `/api/tps/${TPS}/tally`, { token: tok.operator, body: goodTally({ reason, source: 'paper' }) });
    expect([again.status, again.body.code]).toEqual([409, 'TALLY.ALREADY_SUBMITTED']);

    const corrected = await t.call('POST', `/api/tps/${TPS}/tally/corrections`, {
      token: tok.officer,
      body: {
        ...goodTally({ votes: { '01': 61, '02': 79, '03': 35 } }),
        expectedRevision: r.body.revision,
        reason: 'Salah dengar angka paslon 01 dan 02',
      },
    });
    expect(corrected.status).toBe(201);
    const after = await t.call('GET', `/api/tps/${TPS}?minPosition=${corrected.body.position}`, { token: tok.display });
    expect(after.body.tallies[0]).toMatchObject({ corrected: true, enteredByPosko: null, votes: { '01': 61 } });

    const history = await t.call('GET', `/api/tps/${TPS}/history`, { token: tok.auditor });
    const events = (history.body.events ?? history.body) as { type: string; actor: string; role: string; reason: string; values: any }[];
    const tallies = events.filter((e) => e.type.startsWith('Tally'));
    expect(tallies.map((e) => [e.type, e.actor, e.role, e.values.onBehalf ?? null])).toEqual([
      ['TallySubmitted', 'operator', 'operator', { reason, source: 'phone' }],
      ['TallyCorrected', TPS, 'officer', null],
    ]);
    expect(tallies[0].reason).toBe(reason);
  });
});
