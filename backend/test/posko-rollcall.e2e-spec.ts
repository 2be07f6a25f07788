import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AdjustableClock, CLOCK } from '../src/incidents/clock.js';
import type { RollCall, RollCallRow } from '../src/rollcall/rollcall.contract.js';
import { startTestApp, type TestApp } from './support/app.js';

const TPS = '1673061002001';
const ARRIVED = '1673061002002';
const OTHER = '1673061002003';
const ELECTION_DATE = '2030-02-14';

describe('posko roll call, contact attempts and reserve monitors (e2e, real PostgreSQL)', () => {
  let t: TestApp;
  let clock: AdjustableClock;
  const tok: Record<string, string> = {};
  const rollCall = async (position?: string) =>
    (await t.call('GET', `/api/rollcall${position ? `?minPosition=${position}` : ''}`, { token: tok.operator })).body as RollCall;
  const rowOf = (r: RollCall, id: string) => r.rows.find((x) => x.tpsId === id) as RollCallRow;

  beforeAll(async () => {
    t = await startTestApp({ ELECTION_DATE, CHECKIN_DEADLINE: '07:30' }, 'posko_rollcall');
    clock = t.app.get(CLOCK, { strict: false });
    tok.officer = await t.login(TPS, '123456');
    tok.arrived = await t.login(ARRIVED, '123456');
    for (const w of ['operator', 'auditor', 'display', 'admin']) tok[w] = await t.login(w, `${w}123`);
  });
  afterAll(() => t?.close());

  it('a reserve without a TPS cannot sign in yet, and says why', async () => {
    const r = await t.call('POST', '/api/auth/login', { body: { nip: 'cadangan02', pin: '123456' } });
    expect([r.status, r.body.code]).toEqual([403, 'AUTH.NO_TPS']);
  });

  it('lists nothing before the check-in deadline and, after it, every TPS without a check-in with its monitor’s name and phone', async () => {
    const before = await rollCall();
    expect(before).toMatchObject({ deadline: `${ELECTION_DATE}T07:30:00+07:00`, passed: false, rows: [], total: 0, nextCursor: null });

    const came = await t.call('POST', `/api/tps/${ARRIVED}/check-in`, { token: tok.arrived, body: {} });
    expect(came.status).toBe(201);
    clock.advance(Date.parse(`${ELECTION_DATE}T07:31:00+07:00`) - clock.now().getTime());
    const after = await rollCall(came.body.position);
    expect(after.passed).toBe(true);
    expect(after.rows).toHaveLength(634);
    expect(rowOf(after, ARRIVED)).toBeUndefined();
    expect(rowOf(after, TPS)).toMatchObject({
      tpsNumber: 1,
      kelurahanCode: '1673061002',
      monitor: { nip: TPS, name: 'Pemantau TPS 1 (demo)', phone: '0000-DEMO-002001' },
      contactAttempts: [],
    });

    const roles: Record<string, number> = {};
    for (const who of ['officer', 'auditor', 'display', 'admin'])
      roles[who] = (await t.call('GET', '/api/rollcall', { token: tok[who] })).status;
    roles.anonymous = (await t.call('GET', '/api/rollcall')).status;
    expect(roles).toEqual({ officer: 403, auditor: 403, display: 403, admin: 200, anonymous: 401 });
    expect((await t.call('GET', `/api/tps/${TPS}/officer`, { token: tok.display })).status).toBe(403);
  });

  it('pages the roll call (limit, cursor, X-Next-Cursor and Link) with its total, scoped by ?area=; refuses bad parameters', async () => {
    const whole = await rollCall();
    expect([whole.total, whole.rows.length, whole.nextCursor, whole.area.code]).toEqual([634, 634, null, '1673']);
    const seen: string[] = [];
    let path = '/api/rollcall?limit=250';
    for (let n = 0; n < 5 && path; n++) {
      const r = await t.call('GET', path, { token: tok.operator });
      const body = r.body as RollCall;
      expect([r.status, body.total]).toEqual([200, 634]);
      seen.push(...body.rows.map((x) => x.tpsId));
      expect(r.headers.get('x-next-cursor')).toBe(body.nextCursor);
      path = body.nextCursor ? (/^<([^>]+)>; rel="next"$/.exec(r.headers.get('link') ?? '')?.[1] ?? 'no link') : '';
    }
    expect(seen).toEqual(whole.rows.map((x) => x.tpsId));

    const kel = (await t.call('GET', '/api/rollcall?area=1673061002', { token: tok.operator })).body as RollCall;
    expect(kel.area).toEqual({ level: 'kelurahan', code: '1673061002', name: expect.any(String) });
    expect(kel.rows.map((x) => x.tpsId)).toEqual(whole.rows.map((x) => x.tpsId).filter((id) => id.startsWith('1673061002')));
    expect(kel.total).toBe(14);
    const kec = (await t.call('GET', '/api/rollcall?area=167306', { token: tok.operator })).body as RollCall;
    expect(kec.total).toBe(kec.rows.length);
    expect(kec.rows.every((x) => x.tpsId.startsWith('167306'))).toBe(true);

    const bad = await t.call('GET', '/api/rollcall?area=12345&limit=0&cursor=zz', { token: tok.operator });
    expect([bad.status, bad.body.code, bad.body.fields.map((d: { path: string }) => d.path).sort()]).toEqual([
      400,
      'REQUEST.INVALID',
      ['area', 'cursor', 'limit'],
    ]);
    const none = await t.call('GET', '/api/rollcall?area=1674', { token: tok.operator });
    expect([none.status, none.body.code]).toEqual([404, 'AREA.NOT_FOUND']);
  });

  it('records contact attempts as events of the TPS, shown on the roll call; refuses bad outcomes and other roles', async () => {
    const first = await t.call('POST', `/api/tps/${TPS}/contact-attempts`, {
      token: tok.operator,
      body: { outcome: 'no_answer', note: 'Dua kali ditelepon' },
    });
    expect([first.status, first.body.type]).toEqual([201, 'ContactAttempted']);
    const second = await t.call('POST', `/api/tps/${TPS}/contact-attempts`, { token: tok.admin, body: { outcome: 'reached' } });
    expect(second.status).toBe(201);
    const row = rowOf(await rollCall(second.body.position), TPS);
    expect(row.contactAttempts.map((a) => [a.by, a.outcome, a.note])).toEqual([
      ['operator', 'no_answer', 'Dua kali ditelepon'],
      ['admin', 'reached', null],
    ]);
    const monitor = await t.call('GET', `/api/tps/${TPS}/officer?minPosition=${second.body.position}`, { token: tok.operator });
    expect(monitor.body).toMatchObject({ tpsId: TPS, checkedIn: false, monitor: { nip: TPS }, contactAttempts: [{}, {}] });

    const bad = await t.call('POST', `/api/tps/${TPS}/contact-attempts`, { token: tok.operator, body: { outcome: 'busy' } });
    expect([bad.status, bad.body.fields]).toEqual([
      400,
      [{ path: 'outcome', problem: 'must be reached, no_answer, wrong_number or unreachable' }],
    ]);
    const unknown = await t.call('POST', '/api/tps/1673999999001/contact-attempts', { token: tok.operator, body: { outcome: 'reached' } });
    expect([unknown.status, unknown.body.fields[0].path]).toEqual([400, 'tpsId']);
    for (const who of ['officer', 'auditor', 'display']) {
      const r = await t.call('POST', `/api/tps/${TPS}/contact-attempts`, { token: tok[who], body: { outcome: 'reached' } });
      expect({ who, status: r.status }).toEqual({ who, status: 403 });
    }
    const history = await t.call('GET', `/api/tps/${TPS}/history`, { token: tok.auditor });
    const events = (history.body.events ?? history.body) as { type: string; actor: string; values: { officer: string } }[];
    expect(events.filter((e) => e.type === 'ContactAttempted').map((e) => [e.actor, e.values.officer])).toEqual([
      ['operator', TPS],
      ['admin', TPS],
    ]);
  });

  it('gives the TPS to a reserve: the previous monitor’s token stops working at once, the reserve reports', async () => {
    const before = await t.call('POST', `/api/tps/${TPS}/incidents`, {
      token: tok.officer,
      body: { category: 'logistics', severity: 'low', description: 'Tinta kurang' },
    });
    expect(before.status).toBe(201);

    const refusals: [unknown, string, number, string][] = [
      [{ nip: 'operator' }, TPS, 400, 'REQUEST.INVALID'],
      [{ nip: 'nobody' }, TPS, 400, 'REQUEST.INVALID'],
      [{ nip: ARRIVED }, TPS, 409, 'OFFICER.HOLDS_OTHER_TPS'],
      [{ nip: TPS }, TPS, 409, 'OFFICER.ALREADY_ASSIGNED'],
      [{}, TPS, 400, 'REQUEST.INVALID'],
    ];
    for (const [body, tpsId, status, code] of refusals) {
      const r = await t.call('POST', `/api/tps/${tpsId}/officer`, { token: tok.operator, body });
      expect({ body, status: r.status, code: r.body.code }).toEqual({ body, status, code });
    }
    for (const who of ['officer', 'auditor', 'display']) {
      const r = await t.call('POST', `/api/tps/${TPS}/officer`, { token: tok[who], body: { nip: 'cadangan01' } });
      expect({ who, status: r.status }).toEqual({ who, status: 403 });
    }

    const moved = await t.call('POST', `/api/tps/${TPS}/officer`, {
      token: tok.operator,
      body: { nip: 'cadangan01' },
      headers: { 'idempotency-key': 'posko-reserve-0001' },
    });
    expect(moved.body).toMatchObject({ type: 'OfficerAssigned', officer: 'cadangan01', previous: TPS });
    const retried = await t.call('POST', `/api/tps/${TPS}/officer`, {
      token: tok.operator,
      body: { nip: 'cadangan01' },
      headers: { 'idempotency-key': 'posko-reserve-0001' },
    });
    expect([retried.status, retried.body.replayed, retried.body.eventId]).toEqual([201, true, moved.body.eventId]);

    const stale = await t.call('POST', `/api/tps/${TPS}/check-in`, { token: tok.officer, body: {} });
    expect([stale.status, stale.body.code]).toEqual([401, 'AUTH.REVOKED']);
    const relogged = await t.call('POST', '/api/auth/login', { body: { nip: TPS, pin: '123456' } });
    expect([relogged.status, relogged.body.code]).toEqual([403, 'AUTH.NO_TPS']);

    const reserve = await t.login('cadangan01', '123456');
    const checkIn = await t.call('POST', `/api/tps/${TPS}/check-in`, { token: reserve, body: {} });
    expect(checkIn.status).toBe(201);
    expect(rowOf(await rollCall(checkIn.body.position), TPS)).toBeUndefined();
    const monitor = await t.call('GET', `/api/tps/${TPS}/officer`, { token: tok.admin });
    expect(monitor.body).toMatchObject({ checkedIn: true, monitor: { nip: 'cadangan01', name: 'Pemantau cadangan 01 (demo)' } });

    const other = await t.call('POST', `/api/tps/${OTHER}/officer`, { token: tok.admin, body: { nip: 'cadangan01' } });
    expect([other.status, other.body.code, other.body.tpsId]).toEqual([409, 'OFFICER.HOLDS_OTHER_TPS', TPS]);
    const history = await t.call('GET', `/api/tps/${TPS}/history`, { token: tok.auditor });
    const events = (history.body.events ?? history.body) as { type: string; actor: string; values: Record<string, unknown> }[];
    expect(events.filter((e) => e.type === 'OfficerAssigned').map((e) => [e.actor, e.values.officer, e.values.previous])).toEqual([
      ['operator', 'cadangan01', TPS],
    ]);
  });
});
