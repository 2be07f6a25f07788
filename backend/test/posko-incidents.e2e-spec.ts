import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AdjustableClock, CLOCK } from '../src/incidents/clock.js';
import { startTestApp, type TestApp } from './support/app.js';
import { INCIDENT_CATEGORIES } from '../src/tps/tally-form.schema.js';

const TPS = '1673061002001';
const TPS2 = '1673061002002';
const OTHER_KEL_TPS = '1673061001001';
const MIN = 60_000;

describe('posko incidents: lifecycle, deadlines, queue (e2e, real PostgreSQL)', () => {
  let t: TestApp;
  let clock: AdjustableClock;
  const tok: Record<string, string> = {};

  const report = async (tpsId: string, severity: string, category = 'medical') => {
    const r = await t.call('POST', `/api/tps/${tpsId}/incidents`, {
      token: tpsId === TPS ? tok.officer : tok.operator,
      body: { category, severity, description: 'Pemilih lansia pingsan di antrean' },
    });
    expect(r.status).toBe(201);
    return r.body as { incidentId: string; position: string };
  };
  const act = (id: string, action: string, body: unknown, who = 'operator', headers?: Record<string, string>) =>
    t.call('POST', `/api/incidents/${id}/${action}`, { token: tok[who], body, headers });
  const list = (query: string, position?: string) =>
    t.call('GET', `/api/incidents?${query}${position ? `&minPosition=${position}` : ''}`, { token: tok.display });

  beforeAll(async () => {
    t = await startTestApp({ INCIDENT_DEADLINES: 'critical=5/30,high=15/60,medium=30/240,low=60/720' }, 'posko_incidents');
    clock = t.app.get(CLOCK, { strict: false });
    tok.officer = await t.login(TPS, '123456');
    for (const w of ['operator', 'auditor', 'display', 'admin']) tok[w] = await t.login(w, `${w}123`);
  });
  afterAll(() => t?.close());

  it('takes an incident through every transition, each an event of the TPS stream, and refuses the invalid ones with the state', async () => {
    const { incidentId: id } = await report(TPS, 'high');
    const steps: [string, unknown, string, number, string?][] = [
      ['assign', { assignee: 'operator' }, 'reported', 409, 'INCIDENT.INVALID_TRANSITION'],
      ['escalate', { to: 'police', note: 'butuh polisi' }, 'reported', 409, 'INCIDENT.INVALID_TRANSITION'],
      ['reopen', { reason: 'belum selesai sama sekali' }, 'reported', 409, 'INCIDENT.INVALID_TRANSITION'],
      ['acknowledge', {}, 'acknowledged', 201],
      ['acknowledge', {}, 'acknowledged', 409, 'INCIDENT.INVALID_TRANSITION'],
      ['assign', { assignee: 'admin', note: 'Hubungi puskesmas' }, 'assigned', 201],
      ['assign', { assignee: 'admin' }, 'assigned', 409, 'INCIDENT.INVALID_TRANSITION'],
      ['escalate', { to: 'ambulance', note: 'Butuh ambulans' }, 'escalated', 201],
      ['escalate', { to: 'kpu', note: 'Lapor ke KPU juga' }, 'escalated', 201],
      ['resolve', { note: 'Sudah dibawa ke puskesmas' }, 'resolved', 201],
      ['resolve', { note: 'Sudah dibawa ke puskesmas' }, 'resolved', 409, 'INCIDENT.ALREADY_RESOLVED'],
      ['acknowledge', {}, 'resolved', 409, 'INCIDENT.INVALID_TRANSITION'],
      ['assign', { assignee: 'operator' }, 'resolved', 409, 'INCIDENT.INVALID_TRANSITION'],
      ['reopen', { reason: 'Pemilih pingsan lagi di antrean' }, 'reopened', 201],
      ['reopen', { reason: 'Pemilih pingsan lagi di antrean' }, 'reopened', 409, 'INCIDENT.INVALID_TRANSITION'],
      ['acknowledge', {}, 'acknowledged', 201, undefined],
      ['resolve', { note: 'Selesai ditangani kedua kali' }, 'resolved', 201],
    ];
    const seen = [];
    const want = [];
    let last = '';
    for (const [action, body, state, status, code] of steps) {
      const r = await act(id, action, body, action === 'escalate' ? 'admin' : 'operator');
      seen.push({ action, status: r.status, state: r.body.state, code: r.body.code });
      want.push({ action, status, state, code });
      if (r.status === 201) last = r.body.position as string;
    }
    expect(seen).toEqual(want);

    const one = await t.call('GET', `/api/incidents/${id}?minPosition=${last}`, { token: tok.auditor });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ status: 'resolved', resolutionNote: 'Selesai ditangani kedua kali' });
    expect(one.body.lifecycle).toMatchObject({
      state: 'resolved',
      assignee: 'admin',
      assignNote: 'Hubungi puskesmas',
      acknowledgedBy: 'operator',
      reopenCount: 1,
      reopenReason: 'Pemilih pingsan lagi di antrean',
    });
    expect(one.body.lifecycle.escalations.map((e: { to: string; by: string }) => [e.to, e.by])).toEqual([
      ['ambulance', 'admin'],
      ['kpu', 'admin'],
    ]);

    const history = await t.call('GET', `/api/tps/${TPS}/history`, { token: tok.auditor });
    const mine = (history.body.events ?? history.body).filter((e: { values: { incidentId?: string } }) => e.values.incidentId === id);
    expect(mine.map((e: { type: string; actor: string }) => `${e.type}:${e.actor}`)).toEqual([
      `IncidentReported:${TPS}`,
      'IncidentAcknowledged:operator',
      'IncidentAssigned:operator',
      'IncidentEscalated:admin',
      'IncidentEscalated:admin',
      'IncidentResolved:operator',
      'IncidentReopened:operator',
      'IncidentAcknowledged:operator',
      'IncidentResolved:operator',
    ]);
  });

  it('lets only operators and admins act; names every bad field; 404 for incidents that do not exist', async () => {
    const { incidentId: id } = await report(TPS, 'low');
    const bodies: Record<string, unknown> = {
      acknowledge: {},
      assign: { assignee: 'operator' },
      escalate: { to: 'fire', note: 'api kecil' },
      resolve: { note: 'sudah beres' },
      reopen: { reason: 'ternyata belum beres' },
    };
    const roles: Record<string, number[]> = {};
    for (const action of Object.keys(bodies)) {
      roles[action] = [];
      for (const who of ['officer', 'auditor', 'display']) roles[action].push((await act(id, action, bodies[action], who)).status);
      roles[action].push((await t.call('POST', `/api/incidents/${id}/${action}`, { body: bodies[action] })).status);
    }
    expect(roles).toEqual(Object.fromEntries(Object.keys(bodies).map((a) => [a, [403, 403, 403, 401]])));
    const forbidden = await act(id, 'acknowledge', {}, 'officer');
    expect(forbidden.body.code).toBe('AUTH.FORBIDDEN');

    const bad: [string, unknown, string][] = [
      ['assign', { assignee: TPS }, 'assignee'],
      ['assign', { assignee: 'nobody-here' }, 'assignee'],
      ['assign', { assignee: 'operator', extra: 1 }, 'extra'],
      ['escalate', { to: 'army', note: 'tidak ada di daftar' }, 'to'],
      ['escalate', { to: 'police' }, 'note'],
      ['resolve', {}, 'note'],
      ['reopen', { reason: 'pendek' }, 'reason'],
      ['acknowledge', { note: 'tidak perlu' }, 'note'],
    ];
    const got = [];
    for (const [action, body, field] of bad) {
      const r = await act(id, action, body);
      got.push({ action, field, status: r.status, code: r.body.code, path: r.body.fields?.[0]?.path });
    }
    expect(got).toEqual(bad.map(([action, , field]) => ({ action, field, status: 400, code: 'REQUEST.INVALID', path: field })));

    const missing = [`${TPS}-99`, 'nonsense', '9999999999999-1'];
    for (const m of missing) {
      const r = await act(m, 'acknowledge', {});
      expect({ m, status: r.status, code: r.body.code }).toEqual({ m, status: 404, code: 'INCIDENT.NOT_FOUND' });
    }
    expect((await t.call('GET', `/api/incidents/${TPS}-99`, { token: tok.display })).status).toBe(404);

    const ok = await act(id, 'acknowledge', {}, 'admin', { 'idempotency-key': 'posko-ack-0001' });
    const again = await act(id, 'acknowledge', {}, 'admin', { 'idempotency-key': 'posko-ack-0001' });
    expect([ok.status, again.status, again.body.replayed, again.body.eventId]).toEqual([201, 201, true, ok.body.eventId]);
  });

  it('marks incidents overdue by the injected clock, sorts them first and filters by overdue', async () => {
    const crit = await report(TPS2, 'critical', 'security');
    const low = await report(TPS2, 'low', 'logistics');
    const first = await list(`kelurahan=1673061002&state=reported`, low.position);
    const byId = (r: typeof first, id: string) =>
      (r.body as { incidentId: string; deadlines: { overdue: string | null } }[]).find((i) => i.incidentId === id);
    expect(byId(first, crit.incidentId)?.deadlines.overdue).toBeNull();
    expect((await list('overdue=true', low.position)).body).toEqual([]);

    clock.advance(6 * MIN);
    const late = await list('kelurahan=1673061002&sort=overdue', low.position);
    expect(late.body[0]).toMatchObject({ incidentId: crit.incidentId, deadlines: { overdue: 'acknowledge' } });
    expect(byId(late, low.incidentId)?.deadlines.overdue).toBeNull();
    expect((await list('overdue=true', low.position)).body.map((i: { incidentId: string }) => i.incidentId)).toEqual([crit.incidentId]);

    const ack = await act(crit.incidentId, 'acknowledge', {});
    expect((await list('overdue=true', ack.body.position)).body).toEqual([]);
    clock.advance(25 * MIN); // 31 minutes after the report: past the 30 minutes to resolve
    const resolveLate = await list('overdue=true', ack.body.position);
    expect(
      resolveLate.body.map((i: { incidentId: string; deadlines: { overdue: string } }) => [i.incidentId, i.deadlines.overdue]),
    ).toEqual([[crit.incidentId, 'resolve']]);
    const done = await act(crit.incidentId, 'resolve', { note: 'Keamanan sudah terkendali' });
    expect((await list('overdue=true', done.body.position)).body).toEqual([]);
    clock.reset();
  });

  it('filters by state, severity, area and assignee, pages with a total, and refuses bad parameters', async () => {
    const a = await report(OTHER_KEL_TPS, 'medium', 'procedure');
    const b = await report(OTHER_KEL_TPS, 'critical', 'fire');
    await act(a.incidentId, 'acknowledge', {});
    const assigned = await act(a.incidentId, 'assign', { assignee: 'admin' });
    const pos = assigned.body.position as string;
    const ids = (r: { body: { incidentId: string }[] }) => r.body.map((i) => i.incidentId);
    expect(ids(await list('kelurahan=1673061001', pos))).toEqual([b.incidentId, a.incidentId]);
    expect(ids(await list('kecamatan=167306&assignee=admin&status=open', pos))).toEqual([a.incidentId]);
    expect(ids(await list('kelurahan=1673061001&severity=critical,high', pos))).toEqual([b.incidentId]);
    expect(ids(await list('kelurahan=1673061001&state=assigned', pos))).toEqual([a.incidentId]);
    expect(ids(await list('kelurahan=1673061001&status=open&overdue=false', pos))).toEqual([b.incidentId, a.incidentId]);

    const all = await list('', pos);
    const total = Number(all.headers.get('x-total-count'));
    expect(total).toBeGreaterThanOrEqual(6);
    expect(all.body).toHaveLength(total);
    const paged: string[] = [];
    let query: string | null = 'limit=2';
    while (query) {
      const r = await list(query, pos);
      expect(r.body.length).toBeLessThanOrEqual(2);
      paged.push(...ids(r));
      const next = r.headers.get('x-next-cursor');
      query = next ? `limit=2&cursor=${next}` : null;
    }
    expect(paged).toEqual(ids(all));
    const sortedPaged: string[] = [];
    query = 'limit=3&sort=overdue&status=open';
    while (query) {
      const r = await list(query, pos);
      sortedPaged.push(...ids(r));
      const next = r.headers.get('x-next-cursor');
      query = next ? `limit=3&sort=overdue&status=open&cursor=${next}` : null;
    }
    expect(sortedPaged).toEqual(ids(await list('sort=overdue&status=open', pos)));

    const bad = await list(
      'state=closed&severity=huge&kelurahan=12&kecamatan=999999&overdue=maybe&limit=0&cursor=nope&sort=up&assignee=a%20b',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { path: string }) => f.path).sort()).toEqual(
      ['assignee', 'cursor', 'kecamatan', 'kelurahan', 'limit', 'overdue', 'severity', 'sort', 'state'].sort(),
    );
    expect((await t.call('GET', '/api/incidents')).status).toBe(401);
  });

  it('serves the deadline policy and the escalation parties the server was configured with', async () => {
    const r = await t.call('GET', '/api/incidents/policy', { token: tok.display });
    expect(r.body).toMatchObject({
      deadlines: { critical: { ackMinutes: 5, resolveMinutes: 30 }, low: { ackMinutes: 60, resolveMinutes: 720 } },
      escalationParties: ['police', 'fire', 'ambulance', 'kpu', 'bawaslu', 'forkompimda'],
    });
    // Whom to call, per category, from the CONTACTS_FILE: the category's services first, the posko always last.
    expect(r.body.contacts.medical.map((c: { phone: string }) => c.phone)).toEqual(['118', '0000-DEMO-POSKO']);
    // Every category has its list, as the officers' kit does.
    expect(Object.keys(r.body.contacts).sort()).toEqual([...INCIDENT_CATEGORIES].sort());
  });
});
