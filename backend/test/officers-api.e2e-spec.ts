import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.port.js';
import { TokenService } from '../src/auth/token.service.js';
import { startTestApp, goodTally, type TestApp } from './support/app.js';

const TPS = '1673061002001';
const OTHER = '1673061002002';
const SPECIAL = '1673061002901';

describe("officers' API (e2e, real PostgreSQL)", () => {
  let t: TestApp;
  let officer: string;
  let operator: string;
  let auditor: string;
  let display: string;

  beforeAll(async () => {
    t = await startTestApp({}, 'officers');
    [officer, operator, auditor, display] = await Promise.all([
      t.login(TPS, '123456'),
      t.login('operator', 'operator123'),
      t.login('auditor', 'auditor123'),
      t.login('display', 'display123'),
    ]);
  });
  afterAll(() => t?.close());

  it('publishes an OpenAPI document generated from the routes, with an example for every write route', async () => {
    const r = await t.call('GET', '/api/docs.json');
    expect(r.status).toBe(200);
    const paths = r.body.paths as Record<string, Record<string, any>>;
    const writes = [
      '/api/auth/login',
      '/api/tps/{tpsId}/check-in',
      '/api/tps/{tpsId}/tally',
      '/api/tps/{tpsId}/tally/corrections',
      '/api/tps/{tpsId}/paper-forms',
      '/api/tps/{tpsId}/incidents',
      '/api/incidents/{incidentId}/resolve',
    ];
    for (const path of writes) {
      const op = paths[path]?.post;
      expect({ path, hasExample: Boolean(op?.requestBody?.content?.['application/json']?.examples?.example?.value) }).toEqual({
        path,
        hasExample: true,
      });
    }
    const tally = paths['/api/tps/{tpsId}/tally'].post.requestBody.content['application/json'].schema;
    expect(tally.properties.invalid).toMatchObject({ type: 'integer', minimum: 0, maximum: 999 });
    expect(tally.additionalProperties).toBe(false);
    expect((await t.call('GET', '/api/docs')).status).toBe(200);
  });

  it('answers every request with a request id and security headers; unknown routes and huge bodies get stable codes', async () => {
    const r = await t.call('GET', '/api/health', { headers: { 'x-request-id': 'drill-request-0001' } });
    expect(r.status).toBe(200);
    // The server generates the id (a client cannot choose the events' correlationId); the client's is only logged.
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-powered-by')).toBeNull();
    const missing = await t.call('GET', '/api/nothing-here', { token: display });
    expect([missing.status, missing.body.code]).toEqual([404, 'HTTP.NOT_FOUND']);
    const huge = await t.call('POST', `/api/tps/${TPS}/incidents`, {
      token: officer,
      body: { category: 'other', severity: 'low', description: 'x'.repeat(100_000) },
    });
    expect([huge.status, huge.body.code]).toEqual([413, 'REQUEST.TOO_LARGE']);
  });

  describe('sign-in', () => {
    it('answers a token, its lifetime, the role and the TPS', async () => {
      const r = await t.call('POST', '/api/auth/login', { body: { nip: TPS, pin: '123456' } });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ role: 'officer', tpsId: TPS, expiresIn: 43200 });
      expect(r.body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    });

    it('refuses a wrong PIN with a stable code, and locks the NIP after 5 failures in 15 minutes', async () => {
      const nip = '1673011001001';
      for (let i = 0; i < 5; i++) {
        const r = await t.call('POST', '/api/auth/login', { body: { nip, pin: '000000' } });
        expect(r.status).toBe(401);
        expect(r.body.code).toBe('AUTH.INVALID_CREDENTIALS');
      }
      const locked = await t.call('POST', '/api/auth/login', { body: { nip, pin: '123456' } });
      // Parallel guesses on a fresh NIP are serialised: exactly 5 PINs get checked, the rest meet the lock.
      const fresh = '1673011001002';
      const burst = await Promise.all(
        Array.from({ length: 12 }, () => t.call('POST', '/api/auth/login', { body: { nip: fresh, pin: '000000' } })),
      );
      expect(burst.map((r) => r.status).sort()).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
      expect(locked.status).toBe(429);
      expect(locked.body.code).toBe('AUTH.LOCKED');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    });

    it('refreshes keep the original sign-in time: after 36 hours the screen must sign in again', async () => {
      const tokens = t.app.get(TokenService);
      const stale = await tokens.sign({ sub: 'display', role: 'display', signedInAt: Math.floor(Date.now() / 1000) - 37 * 3600 });
      const r = await t.call('POST', '/api/auth/refresh', { token: stale });
      // No token outlives its sign-in by 36 h (exp is capped there), so this one has already expired.
      expect([r.status, r.body.code]).toEqual([401, 'AUTH.TOKEN_EXPIRED']);
      const recent = await tokens.sign({ sub: 'display', role: 'display', signedInAt: Math.floor(Date.now() / 1000) - 3600 });
      const ok = await t.call('POST', '/api/auth/refresh', { token: recent });
      expect(ok.status).toBe(200);
      expect((await tokens.verify(ok.body.accessToken)).signedInAt).toBe((await tokens.verify(recent)).signedInAt);
    });

    it('rejects malformed sign-in bodies with field names', async () => {
      const r = await t.call('POST', '/api/auth/login', { body: { nip: 12, extra: true } });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('REQUEST.INVALID');
      expect(r.body.fields.map((f: { path: string }) => f.path).sort()).toEqual(['extra', 'nip', 'pin']);
    });

    it('refreshes a valid token; anonymous, forged and garbage tokens are 401', async () => {
      const r = await t.call('POST', '/api/auth/refresh', { token: display });
      expect(r.status).toBe(200);
      expect(r.body.role).toBe('display');
      expect((await t.call('POST', `/api/tps/${TPS}/check-in`, { body: {} })).body.code).toBe('AUTH.UNAUTHENTICATED');
      const [h, p] = officer.split('.');
      const forged = `${h}.${p}.${'A'.repeat(43)}`;
      const f = await t.call('POST', `/api/tps/${TPS}/check-in`, { token: forged, body: {} });
      expect([f.status, f.body.code]).toEqual([401, 'AUTH.INVALID_TOKEN']);
      const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
      expect((await t.call('POST', `/api/tps/${TPS}/check-in`, { token: none, body: {} })).status).toBe(401);
    });
  });

  describe('writes and roles', () => {
    it('an officer writes only for the assigned TPS; auditors and display users only read', async () => {
      const other = await t.call('POST', `/api/tps/${OTHER}/check-in`, { token: officer, body: {} });
      expect([other.status, other.body.code]).toEqual([403, 'AUTH.WRONG_TPS']);
      for (const token of [auditor, display]) {
        const r = await t.call('POST', `/api/tps/${OTHER}/tally`, { token, body: goodTally() });
        expect([r.status, r.body.code]).toEqual([403, 'AUTH.FORBIDDEN']);
      }
    });

    it('check-in answers 201 with event id, revision and position; a second check-in is 409', async () => {
      const r = await t.call('POST', `/api/tps/${TPS}/check-in`, {
        token: officer,
        body: { at: '2024-02-14T06:45:00+07:00', location: { lat: -3.2967, lon: 102.8617, accuracyM: 12 } },
      });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ revision: 0, tpsId: TPS, checkedInAt: '2024-02-14T06:45:00+07:00' });
      expect(r.body.eventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.body.position).toMatch(/^\d+\/\d+$/);
      const again = await t.call('POST', `/api/tps/${TPS}/check-in`, { token: officer, body: {} });
      expect([again.status, again.body.code]).toEqual([409, 'CHECKIN.ALREADY_CHECKED_IN']);
    });

    it('malformed tallies are 400 with every field named, and nothing is appended', async () => {
      const r = await t.call('POST', `/api/tps/${TPS}/tally`, {
        token: officer,
        body: { votes: { '01': -1, '02': 1.5, '04': 3 }, invalid: 1000, voters: { dpt: '250' }, ballots: {}, bogus: 1 },
      });
      expect(r.status).toBe(400);
      const paths = r.body.fields.map((f: { path: string }) => f.path);
      expect(paths).toEqual(
        expect.arrayContaining(['votes.01', 'votes.02', 'invalid', 'voters.dpt', 'voters.fromDpt', 'ballots.received', 'bogus']),
      );
      const unknownCandidate = await t.call('POST', `/api/tps/${TPS}/tally`, {
        token: officer,
        body: goodTally({ votes: { '01': 60, '02': 80, '04': 35 } }),
      });
      expect(unknownCandidate.body.fields).toEqual([
        { path: 'votes.04', problem: 'unknown candidate for this contest' },
        { path: 'votes.03', problem: 'required' },
      ]);
      const unknownContest = await t.call('POST', `/api/tps/${TPS}/tally`, { token: officer, body: goodTally({ contest: 'DPD' }) });
      expect([unknownContest.status, unknownContest.body.fields[0].path]).toEqual([400, 'contest']);
      const unknownTps = await t.call('POST', `/api/tps/1673061002099/tally/corrections`, {
        token: operator,
        body: { ...goodTally(), expectedRevision: 0, reason: 'TPS yang tidak ada' },
      });
      expect([unknownTps.status, unknownTps.body.fields[0].path]).toEqual([400, 'tpsId']);
      const notJson = await t.call('POST', `/api/tps/${TPS}/tally`, {
        token: officer,
        body: '{"votes":',
        headers: { 'content-type': 'application/json' },
      });
      expect([notJson.status, notJson.body.code]).toEqual([400, 'REQUEST.MALFORMED_JSON']);
      const history = await t.call('POST', `/api/tps/${TPS}/tally/corrections`, {
        token: officer,
        body: { ...goodTally({ invalid: 6 }), expectedRevision: 0, reason: 'tidak ada tally' },
      });
      expect(history.body.code).toBe('TALLY.NOT_SUBMITTED');
      const stored = await t.app.get<EventStore>(EVENT_STORE).readStream(`tps-${TPS}`);
      expect(stored.map((e) => e.type)).toEqual(['OfficerCheckedIn']);
    });

    it('an inconsistent tally is 422 listing every broken rule; acknowledged, it is stored and flagged', async () => {
      const typo = goodTally({ votes: { '01': 60, '02': 85, '03': 35 } });
      const r = await t.call('POST', `/api/tps/${TPS}/tally`, { token: officer, body: typo });
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('TALLY.INCONSISTENT');
      expect(r.body.rules).toEqual([
        expect.objectContaining({ rule: 9, code: 'VOTES_VS_VOTERS', values: { grandTotal: 185, voters: 180 } }),
      ]);
      const ok = await t.call('POST', `/api/tps/${TPS}/tally`, { token: officer, body: { ...typo, acknowledgeWarnings: true } });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ revision: 1, flagged: true, flags: { rules: [expect.objectContaining({ rule: 9 })] } });
      const second = await t.call('POST', `/api/tps/${TPS}/tally`, { token: officer, body: goodTally() });
      expect([second.status, second.body.code, second.body.currentRevision]).toEqual([409, 'TALLY.ALREADY_SUBMITTED', 1]);
    });

    it('a correction needs a reason and the current revision, and answers the difference', async () => {
      const noReason = await t.call('POST', `/api/tps/${TPS}/tally/corrections`, {
        token: officer,
        body: { ...goodTally(), expectedRevision: 1, reason: 'salah' },
      });
      expect([noReason.status, noReason.body.fields[0].path]).toEqual([400, 'reason']);
      const stale = await t.call('POST', `/api/tps/${TPS}/tally/corrections`, {
        token: officer,
        body: { ...goodTally(), expectedRevision: 0, reason: 'salah baca angka paslon 02' },
      });
      expect([stale.status, stale.body.code, stale.body.currentRevision]).toEqual([409, 'TALLY.STALE_REVISION', 1]);
      const ok = await t.call('POST', `/api/tps/${TPS}/tally/corrections`, {
        token: officer,
        body: { ...goodTally(), expectedRevision: 1, reason: 'salah baca angka paslon 02' },
      });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({
        revision: 2,
        correctsRevision: 1,
        flagged: false,
        diff: [{ path: 'votes.02', before: 85, after: 80 }],
      });
    });

    it('two corrections racing on one revision: exactly one wins, the other is 409', async () => {
      const body = (n: number) => ({
        ...goodTally({ votes: { '01': 60 - n, '02': 80 + n, '03': 35 } }),
        expectedRevision: 2,
        reason: `koreksi balapan nomor ${n}`,
      });
      const answers = await Promise.all(
        [1, 2, 3, 4].map((n) => t.call('POST', `/api/tps/${TPS}/tally/corrections`, { token: operator, body: body(n) })),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409]);
      expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'TALLY.STALE_REVISION')).toBe(true);
    });

    it('Idempotency-Key: the same body returns the first answer and appends nothing; another body is 422', async () => {
      const key = 'phone-retry-0001';
      const body = { category: 'medical', severity: 'high', description: 'pemilih lansia pingsan di antrean' };
      const first = await t.call('POST', `/api/tps/${TPS}/incidents`, { token: officer, body, headers: { 'idempotency-key': key } });
      const again = await t.call('POST', `/api/tps/${TPS}/incidents`, { token: officer, body, headers: { 'idempotency-key': key } });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect({ ...again.body, replayed: undefined }).toEqual({ ...first.body, replayed: undefined });
      expect(again.body.replayed).toBe(true);
      const reused = await t.call('POST', `/api/tps/${TPS}/incidents`, {
        token: officer,
        body: { ...body, severity: 'low' },
        headers: { 'idempotency-key': key },
      });
      expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY.KEY_REUSED']);
      const next = await t.call('POST', `/api/tps/${TPS}/incidents`, {
        token: officer,
        body: { ...body, description: 'kotak suara kurang satu' },
      });
      expect(next.body.revision).toBe(first.body.revision + 1);
    });

    it('Idempotency-Key: concurrent sends of one key with two bodies store one and refuse the other', async () => {
      const key = 'phone-race-0001';
      const tps = '1673061002003';
      const token = await t.login(tps, '123456');
      const send = (severity: string) =>
        t.call('POST', `/api/tps/${tps}/incidents`, {
          token,
          body: { category: 'logistics', severity, description: 'surat suara kurang' },
          headers: { 'idempotency-key': key },
        });
      const answers = await Promise.all([send('low'), send('high')]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
      const won = answers.find((a) => a.status === 201)!;
      const stored = await t.app.get<EventStore>(EVENT_STORE).readStream(`tps-${tps}`);
      expect(stored).toHaveLength(1);
      expect(stored[0].id).toBe(won.body.eventId);
      expect(answers.find((a) => a.status === 422)!.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
    });

    it('Idempotency-Key is scoped to what the request acts on: one key on two incidents resolves both', async () => {
      const tps = '1673061002004';
      const report = () =>
        t.call('POST', `/api/tps/${tps}/incidents`, {
          token: operator,
          body: { category: 'other', severity: 'low', description: 'antrean panjang' },
        });
      const [a, b] = [await report(), await report()];
      const resolve = (id: string) =>
        t.call('POST', `/api/incidents/${id}/resolve`, {
          token: operator,
          body: { note: 'Selesai' },
          headers: { 'idempotency-key': 'posko-resolve-01' },
        });
      const ra = await resolve(a.body.incidentId);
      const rb = await resolve(b.body.incidentId);
      expect([ra.status, ra.body.incidentId, ra.body.replayed]).toEqual([201, a.body.incidentId, undefined]);
      expect([rb.status, rb.body.incidentId, rb.body.replayed]).toEqual([201, b.body.incidentId, undefined]);
    });

    it('text PostgreSQL cannot store (NUL, broken Unicode) is 400 with the field named, never 500', async () => {
      const bad = [
        {
          path: `/api/tps/${TPS}/incidents`,
          token: officer,
          body: { category: 'other', severity: 'low', description: 'a\u0000b' },
          field: 'description',
        },
        {
          path: `/api/tps/${TPS}/incidents`,
          token: officer,
          body: { category: 'other', severity: 'low', description: 'x\ud800y' },
          field: 'description',
        },
        { path: `/api/tps/${SPECIAL}/paper-forms`, token: operator, body: goodTally({ formSerial: 'C\u0000' }), field: 'formSerial' },
        { path: '/api/auth/login', token: undefined, body: { nip: '1673061002001\u0000', pin: '123456' }, field: 'nip' },
      ];
      for (const b of bad) {
        const r = await t.call('POST', b.path, { token: b.token, body: b.body });
        expect({ status: r.status, code: r.body.code, field: r.body.fields?.[0]?.path }).toEqual({
          status: 400,
          code: 'REQUEST.INVALID',
          field: b.field,
        });
      }
    });

    it('an incident answers its id and whom to call; the operator resolves it once', async () => {
      const r = await t.call('POST', `/api/tps/${OTHER}/incidents`, {
        token: operator,
        body: { category: 'fire', severity: 'critical', description: 'kebakaran di dekat TPS' },
      });
      expect(r.status).toBe(201);
      expect(r.body.incidentId).toBe(`${OTHER}-1`);
      expect(r.body.contacts.map((c: { role: string }) => c.role)).toEqual(['fire_brigade', 'posko']);
      const byOfficer = await t.call('POST', `/api/incidents/${r.body.incidentId}/resolve`, {
        token: officer,
        body: { note: 'api sudah padam' },
      });
      expect(byOfficer.status).toBe(403);
      const ok = await t.call('POST', `/api/incidents/${r.body.incidentId}/resolve`, {
        token: operator,
        body: { note: 'api sudah padam' },
      });
      expect([ok.status, ok.body.incidentId]).toEqual([201, r.body.incidentId]);
      const twice = await t.call('POST', `/api/incidents/${r.body.incidentId}/resolve`, {
        token: operator,
        body: { note: 'api sudah padam' },
      });
      expect([twice.status, twice.body.code]).toEqual([409, 'INCIDENT.ALREADY_RESOLVED']);
      const missing = await t.call('POST', `/api/incidents/${OTHER}-9/resolve`, { token: operator, body: { note: 'tidak ada' } });
      expect([missing.status, missing.body.code]).toEqual([404, 'INCIDENT.NOT_FOUND']);
      const bad = await t.call('POST', `/api/incidents/nonsense/resolve`, { token: operator, body: { note: 'tidak ada' } });
      expect([bad.status, bad.body.code]).toEqual([404, 'INCIDENT.NOT_FOUND']);
    });

    it('a paper form typed at the posko answers whether it matches and every differing field', async () => {
      const latest = await t.call('POST', `/api/tps/${TPS}/paper-forms`, { token: auditor, body: goodTally({ invalid: 5 }) });
      expect(latest.status).toBe(201);
      expect(latest.body.comparedWithRevision).toBeGreaterThanOrEqual(3);
      const mismatch = await t.call('POST', `/api/tps/${SPECIAL}/paper-forms`, { token: operator, body: goodTally() });
      expect(mismatch.body).toMatchObject({ matches: null, differences: [] });
      const byOfficer = await t.call('POST', `/api/tps/${TPS}/paper-forms`, { token: officer, body: goodTally() });
      expect(byOfficer.status).toBe(403);
    });
  });
});
