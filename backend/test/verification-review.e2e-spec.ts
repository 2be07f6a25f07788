import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { hashPin } from '../src/auth/pin-hash.js';
import { UserDirectory } from '../src/auth/user-directory.js';
import { ProjectionsHost } from '../src/projections/projections.host.js';
import { goodTally, startTestApp, type TestApp } from './support/app.js';

const KEL = '1673061002';
const TPS = { a: '1673061002001', b: '1673061002002', c: '1673061002003', d: '1673061002004' };
/** V.C 190 against B.4 180: rule 9 broken, stored flagged only when acknowledged (the paper form says so). */
const flaggedTally = () => goodTally({ votes: { '01': 70, '02': 80, '03': 35 }, acknowledgeWarnings: true });
const otherTally = () => goodTally({ votes: { '01': 70, '02': 70, '03': 35 } });

async function addUser(t: TestApp, nip: string, role: string, password: string) {
  await t.app
    .get(DataSource)
    .query(`INSERT INTO users (nip, name, role, tps_id, pin_hash, demo) VALUES ($1, $1, $2, NULL, $3, false)`, [
      nip,
      role,
      await hashPin(password),
    ]);
}

/** Summary, kelurahan and the live TPS view, read at (or after) a write's position. */
async function read(t: TestApp, token: string, position: string) {
  const summary = (await t.call('GET', `/api/summary?minPosition=${position}`, { token })).body;
  const kel = (await t.call('GET', `/api/kelurahan/${KEL}?minPosition=${position}`, { token })).body;
  const kec = (await t.call('GET', `/api/kecamatan?minPosition=${position}`, { token })).body.find(
    (k: { code: string }) => k.code === KEL.slice(0, 6),
  );
  const votes = (x: { candidates: { number: string; votes: number }[] }) =>
    Object.fromEntries(x.candidates.map((c) => [c.number, c.votes]));
  return { summary, kel, kec, votes: votes(summary), kelVotes: votes(kel) };
}

describe('review and hold (e2e, real PostgreSQL): FLAGGED_TALLIES=count', () => {
  let t: TestApp;
  const tok: Record<string, string> = {};
  let flaggedRevision = 0;

  beforeAll(async () => {
    t = await startTestApp({ QUICKCOUNT_MIN_TPS: '2' }, 'review_count');
    for (const [k, id] of Object.entries(TPS)) tok[k] = await t.login(id, '123456');
    for (const w of ['operator', 'supervisor', 'auditor', 'display']) tok[w] = await t.login(w, `${w}123`);
    await addUser(t, 'supervisor2', 'supervisor', 'supervisor2pass');
    tok.supervisor2 = await t.login('supervisor2', 'supervisor2pass');
  });
  afterAll(() => t?.close());

  it('a flagged tally is queued and counts until held; a hold leaves it out of summary, areas and quick count; accepting restores it', async () => {
    await t.call('POST', `/api/tps/${TPS.a}/tally`, { token: tok.a, body: goodTally() });
    await t.call('POST', `/api/tps/${TPS.b}/tally`, { token: tok.b, body: otherTally() });
    const f = await t.call('POST', `/api/tps/${TPS.c}/tally`, { token: tok.c, body: flaggedTally() });
    expect([f.status, f.body.flagged]).toEqual([201, true]);
    flaggedRevision = f.body.revision;

    const all = await read(t, tok.display, f.body.position);
    expect(all.summary).toMatchObject({ tpsReported: 3, tpsHeld: 0 });
    expect(all.votes).toEqual({ '01': 200, '02': 230, '03': 105 });
    expect(all.summary.estimate.reportedTps).toBe(3);

    const queue = await t.call('GET', '/api/reviews', { token: tok.supervisor });
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((i: { tpsId: string }) => i.tpsId)).toEqual([TPS.c]);
    expect(queue.body.items[0]).toMatchObject({ status: 'pending', counted: true, revision: flaggedRevision, mayDecide: true });
    expect(queue.body.items[0].reasons.map((r: { kind: string; code: string }) => `${r.kind}:${r.code}`)).toContain('rule:VOTES_VS_VOTERS');

    const hold = await t.call('POST', `/api/tps/${TPS.c}/tally/review`, {
      token: tok.supervisor,
      body: { revision: flaggedRevision, decision: 'hold', reason: 'V.C tidak sama dengan B.4, tunggu formulir kertas' },
    });
    expect([hold.status, hold.body.type, hold.body.decision]).toEqual([201, 'TallyReviewed', 'hold']);
    const held = await read(t, tok.display, hold.body.position);
    expect(held.summary).toMatchObject({ tpsReported: 2, tpsHeld: 1 });
    expect(held.votes).toEqual({ '01': 130, '02': 150, '03': 70 });
    expect(held.summary.validVotes).toBe(350);
    expect(held.summary.estimate.reportedTps).toBe(2);
    expect(held.kel).toMatchObject({ tpsReported: 2, tpsHeld: 1, validVotes: 350 });
    expect(held.kec).toMatchObject({ tpsReported: 2, tpsHeld: 1 });
    // The quick count of the two counted TPS equals one computed from them alone: a held TPS is out of the sample.
    const shares = held.summary.estimate.candidates.map((c: { share: number }) => c.share);
    expect(shares.map((s: number) => s.toFixed(6))).toEqual([130 / 350, 150 / 350, 70 / 350].map((s) => s.toFixed(6)));
    const view = (await t.call('GET', `/api/tps/${TPS.c}`, { token: tok.display })).body;
    expect(view.tallies[0].review).toMatchObject({ status: 'held', counted: false, last: { decision: 'hold', by: 'supervisor' } });
    expect((await t.call('GET', '/api/reviews', { token: tok.supervisor })).body.items).toEqual([]);
    expect(
      (await t.call('GET', '/api/reviews?status=held', { token: tok.auditor })).body.items.map((i: { tpsId: string }) => i.tpsId),
    ).toEqual([TPS.c]);

    const again = await t.call('POST', `/api/tps/${TPS.c}/tally/review`, {
      token: tok.supervisor,
      body: { revision: flaggedRevision, decision: 'hold', reason: 'sekali lagi ditahan, salah klik' },
    });
    expect([again.status, again.body.code]).toEqual([409, 'REVIEW.NO_CHANGE']);

    const accept = await t.call('POST', `/api/tps/${TPS.c}/tally/review`, {
      token: tok.supervisor2,
      body: { revision: flaggedRevision, decision: 'accept', reason: 'Formulir kertas memang begitu, diterima' },
    });
    expect(accept.status).toBe(201);
    const back = await read(t, tok.display, accept.body.position);
    expect(back.summary).toMatchObject({ tpsReported: 3, tpsHeld: 0, validVotes: all.summary.validVotes });
    expect(back.votes).toEqual(all.votes);
    expect(back.summary.estimate.candidates).toEqual(all.summary.estimate.candidates);
    expect(back.kel).toMatchObject({ tpsReported: 3, tpsHeld: 0 });
  });

  it('only a supervisor decides, on the current revision, with a reason; nobody decides on a tally they wrote', async () => {
    const body = { revision: flaggedRevision, decision: 'hold', reason: 'Perlu dicek lagi oleh posko' };
    for (const who of ['operator', 'auditor', 'display', 'c']) {
      const r = await t.call('POST', `/api/tps/${TPS.c}/tally/review`, { token: tok[who], body });
      expect({ who, status: r.status, code: r.body.code }).toEqual({ who, status: 403, code: 'AUTH.FORBIDDEN' });
    }
    const stale = await t.call('POST', `/api/tps/${TPS.c}/tally/review`, {
      token: tok.supervisor,
      body: { ...body, revision: flaggedRevision + 5 },
    });
    expect([stale.status, stale.body.code, stale.body.currentRevision]).toEqual([409, 'TALLY.STALE_REVISION', flaggedRevision]);
    const bad = await t.call('POST', `/api/tps/${TPS.c}/tally/review`, {
      token: tok.supervisor,
      body: { revision: flaggedRevision, decision: 'maybe', reason: 'x' },
    });
    expect([bad.status, bad.body.fields.map((f: { path: string }) => f.path).sort()]).toEqual([400, ['decision', 'reason']]);
    const none = await t.call('POST', `/api/tps/${TPS.d}/tally/review`, { token: tok.supervisor, body: { ...body, revision: 0 } });
    expect([none.status, none.body.code]).toEqual([409, 'TALLY.NOT_SUBMITTED']);

    // A tally the supervisor wrote (here: an operator account made supervisor later, who had entered it on the
    // monitor's behalf) cannot be decided by them; another supervisor can.
    const entered = await t.call('POST', `/api/tps/${TPS.d}/tally`, {
      token: tok.operator,
      body: goodTally({ reason: 'HP petugas rusak, dibacakan lewat telepon', source: 'phone' }),
    });
    expect(entered.status).toBe(201);
    const q = (await t.call('GET', `/api/reviews?minPosition=${entered.body.position}`, { token: tok.supervisor })).body.items;
    expect(q.find((i: { tpsId: string }) => i.tpsId === TPS.d)).toMatchObject({
      reasons: [{ kind: 'on_behalf', code: 'ON_BEHALF' }],
      authors: ['operator'],
    });
    await t.app.get(DataSource).query(`UPDATE users SET role = 'supervisor' WHERE nip = 'operator'`);
    t.app.get(UserDirectory).forget('operator');
    const promoted = await t.login('operator', 'operator123');
    const own = await t.call('POST', `/api/tps/${TPS.d}/tally/review`, {
      token: promoted,
      body: { revision: entered.body.revision, decision: 'accept', reason: 'Saya sendiri yang mengentri ini' },
    });
    expect([own.status, own.body.code]).toEqual([403, 'REVIEW.OWN_TALLY']);
    const queueSeenByAuthor = (await t.call('GET', '/api/reviews', { token: promoted })).body.items;
    expect(queueSeenByAuthor.find((i: { tpsId: string }) => i.tpsId === TPS.d).mayDecide).toBe(false);
    const other = await t.call('POST', `/api/tps/${TPS.d}/tally/review`, {
      token: tok.supervisor,
      body: { revision: entered.body.revision, decision: 'accept', reason: 'Dikonfirmasi lewat telepon ke petugas' },
    });
    expect(other.status).toBe(201);
    await t.app.get(DataSource).query(`UPDATE users SET role = 'operator' WHERE nip = 'operator'`);
    t.app.get(UserDirectory).forget('operator');
    tok.operator = await t.login('operator', 'operator123');
  });

  it('a later correction that is still flagged goes back to the queue; a clean one leaves it', async () => {
    const hold = await t.call('POST', `/api/tps/${TPS.c}/tally/review`, {
      token: tok.supervisor,
      body: { revision: flaggedRevision, decision: 'hold', reason: 'Ditahan sampai petugas mengoreksi' },
    });
    expect(hold.status).toBe(201);
    const still = await t.call('POST', `/api/tps/${TPS.c}/tally/corrections`, {
      token: tok.c,
      body: { ...flaggedTally(), invalid: 6, expectedRevision: flaggedRevision, reason: 'Salah baca suara tidak sah' },
    });
    expect([still.status, still.body.flagged]).toEqual([201, true]);
    const queue = (await t.call('GET', `/api/reviews?minPosition=${still.body.position}`, { token: tok.supervisor })).body.items;
    expect(queue.find((i: { tpsId: string }) => i.tpsId === TPS.c)).toMatchObject({
      status: 'pending',
      revision: still.body.revision,
      counted: true,
      last: { decision: 'hold', revision: flaggedRevision },
    });
    expect((await read(t, tok.display, still.body.position)).summary).toMatchObject({ tpsReported: 4, tpsHeld: 0 });

    const clean = await t.call('POST', `/api/tps/${TPS.c}/tally/corrections`, {
      token: tok.c,
      body: { ...goodTally(), expectedRevision: still.body.revision, reason: 'Angka paslon 01 dibaca ulang' },
    });
    expect([clean.status, clean.body.flagged]).toEqual([201, false]);
    const after = (await t.call('GET', `/api/reviews?minPosition=${clean.body.position}`, { token: tok.supervisor })).body.items;
    expect(after.find((i: { tpsId: string }) => i.tpsId === TPS.c)).toBeUndefined();
    const history = (await t.call('GET', `/api/tps/${TPS.c}/history`, { token: tok.auditor })).body;
    const entries = history.events as { type: string; actor: string; reason: string | null }[];
    expect(entries.filter((e) => e.type === 'TallyReviewed').map((e) => e.actor)).toEqual(['supervisor', 'supervisor2', 'supervisor']);
  });
});

describe('review and hold (e2e, real PostgreSQL): FLAGGED_TALLIES=hold', () => {
  let t: TestApp;
  const tok: Record<string, string> = {};
  beforeAll(async () => {
    t = await startTestApp({ QUICKCOUNT_MIN_TPS: '2', FLAGGED_TALLIES: 'hold' }, 'review_hold');
    for (const [k, id] of Object.entries(TPS)) tok[k] = await t.login(id, '123456');
    for (const w of ['supervisor', 'display']) tok[w] = await t.login(w, `${w}123`);
  });
  afterAll(() => t?.close());

  it('a flagged tally counts only once accepted; a hold after acceptance takes it out again', async () => {
    await t.call('POST', `/api/tps/${TPS.a}/tally`, { token: tok.a, body: goodTally() });
    const f = await t.call('POST', `/api/tps/${TPS.c}/tally`, { token: tok.c, body: flaggedTally() });
    const before = await read(t, tok.display, f.body.position);
    expect(before.summary).toMatchObject({ tpsReported: 1, tpsHeld: 1, validVotes: 175 });
    expect(before.kel).toMatchObject({ tpsReported: 1, tpsHeld: 1 });
    const view = (await t.call('GET', `/api/tps/${TPS.c}`, { token: tok.display })).body;
    expect(view.tallies[0].review).toMatchObject({ status: 'pending', counted: false });

    const accept = await t.call('POST', `/api/tps/${TPS.c}/tally/review`, {
      token: tok.supervisor,
      body: { revision: f.body.revision, decision: 'accept', reason: 'Formulir kertas memang begitu' },
    });
    const after = await read(t, tok.display, accept.body.position);
    expect(after.summary).toMatchObject({ tpsReported: 2, tpsHeld: 0, validVotes: 175 + 185 });
    expect(after.votes).toEqual({ '01': 130, '02': 160, '03': 70 });

    const hold = await t.call('POST', `/api/tps/${TPS.c}/tally/review`, {
      token: tok.supervisor,
      body: { revision: f.body.revision, decision: 'hold', reason: 'Ada laporan foto C.Hasil berbeda' },
    });
    expect((await read(t, tok.display, hold.body.position)).summary).toMatchObject({ tpsReported: 1, tpsHeld: 1 });
    // An unflagged tally counts at once under either policy.
    const clean = await t.call('POST', `/api/tps/${TPS.b}/tally`, { token: tok.b, body: otherTally() });
    expect((await read(t, tok.display, clean.body.position)).summary).toMatchObject({ tpsReported: 2, tpsHeld: 1 });
  });
});

describe('switching FLAGGED_TALLIES on a log already projected (e2e, real PostgreSQL, restarts)', () => {
  let t: TestApp | undefined;
  afterAll(() => t?.close());

  it('the leader rebuilds the totals once, so every TPS follows the new policy', async () => {
    t = await startTestApp({}, 'review_switch');
    const a = await t.login(TPS.a, '123456');
    const c = await t.login(TPS.c, '123456');
    await t.call('POST', `/api/tps/${TPS.a}/tally`, { token: a, body: goodTally() });
    const f = await t.call('POST', `/api/tps/${TPS.c}/tally`, { token: c, body: flaggedTally() });
    const display = await t.login('display', 'display123');
    expect((await read(t, display, f.body.position)).summary).toMatchObject({ tpsReported: 2, tpsHeld: 0 });

    for (const [policy, reported, held] of [
      ['hold', 1, 1],
      ['count', 2, 0],
    ] as const) {
      const db = t.db;
      await t.app.close();
      t = await startTestApp({ FLAGGED_TALLIES: policy }, 'review_switch', undefined, db);
      await t.app.get(ProjectionsHost).settling;
      const token = await t.login('display', 'display123');
      const summary = (await t.call('GET', `/api/summary?minPosition=${f.body.position}`, { token })).body;
      expect({ policy, tpsReported: summary.tpsReported, tpsHeld: summary.tpsHeld, valid: summary.validVotes }).toEqual({
        policy,
        tpsReported: reported,
        tpsHeld: held,
        valid: reported === 2 ? 175 + 185 : 175,
      });
    }
  });
});
