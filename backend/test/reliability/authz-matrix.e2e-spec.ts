import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT } from 'jose';
import { io } from 'socket.io-client';
import { LIVE_NAMESPACE } from '../../src/live/live.contract.js';
import { startTestApp, type TestApp } from '../support/app.js';

const TPS = '1673061002001';
const OTHER_TPS = '1673061002002';
const WHO = ['anonymous', 'officer', 'otherOfficer', 'operator', 'supervisor', 'auditor', 'display', 'admin'] as const;
type Who = (typeof WHO)[number];

/** One row per route: the status each caller gets. Writes carry an unknown field, so "allowed" shows as 400 and nothing is written. */
const ALLOWED_WRITE = 400;
function row(allowed: Who[], ok: number, otherOfficer?: number): Record<Who, number> {
  const r = Object.fromEntries(WHO.map((w) => [w, w === 'anonymous' ? 401 : allowed.includes(w) ? ok : 403])) as Record<Who, number>;
  if (otherOfficer !== undefined) r.otherOfficer = otherOfficer;
  return r;
}
const ANY: Who[] = ['officer', 'otherOfficer', 'operator', 'supervisor', 'auditor', 'display', 'admin'];
const PUBLIC = Object.fromEntries(WHO.map((w) => [w, 200])) as Record<Who, number>;

const MATRIX: [string, string, Record<Who, number>][] = [
  ['GET', '/api/health', PUBLIC],
  ['GET', '/api/metrics', PUBLIC],
  ['GET', '/api/docs.json', PUBLIC],
  ['GET', '/api/root', PUBLIC],
  ['GET', '/api/summary', row(ANY, 200)],
  ['GET', '/api/kecamatan', row(ANY, 200)],
  ['GET', '/api/kelurahan', row(ANY, 200)],
  ['GET', '/api/kelurahan/1673061002', row(ANY, 200)],
  ['GET', '/api/tps', row(ANY, 200)],
  ['GET', '/api/areas', row(ANY, 200)],
  ['GET', '/api/areas/167306', row(ANY, 200)],
  ['GET', '/api/areas/1673061002/tps', row(ANY, 200)],
  ['GET', `/api/tps/${TPS}`, row(ANY, 200)],
  ['GET', '/api/coverage', row(ANY, 200)],
  ['GET', '/api/incidents', row(ANY, 200)],
  ['GET', '/api/map/config', row(ANY, 200)],
  ['GET', '/api/map/boundaries', row(ANY, 404)], // allowed; no boundary file configured in tests
  ['GET', `/api/tps/${TPS}/history`, row(['operator', 'supervisor', 'auditor', 'admin'], 200)],
  ['GET', '/api/audit/corrections', row(['operator', 'supervisor', 'auditor', 'admin'], 200)],
  ['GET', '/api/audit/paper-forms', row(['operator', 'supervisor', 'auditor', 'admin'], 200)],
  ['GET', '/api/audit/verify', row(['auditor', 'admin'], 200)],
  ['GET', '/api/audit/export', row(['auditor', 'admin'], 200)],
  ['GET', '/api/audit/meta', row(['operator', 'supervisor', 'auditor', 'admin'], 200)],
  ['GET', '/api/audit/checkpoints', PUBLIC],
  ['GET', '/api/reports/results', row(['operator', 'supervisor', 'auditor', 'admin'], 200)],
  ['GET', '/api/reports/incidents', row(['operator', 'supervisor', 'auditor', 'admin'], 200)],
  ['GET', '/api/reports/summary.pdf', row(['operator', 'supervisor', 'auditor', 'admin'], 200)],
  // Public; 503 AUDIT.SIGNING_OFF for everyone here: this test app has no AUDIT_SIGNING_KEY_FILE.
  ['GET', '/api/audit/public-key', Object.fromEntries(WHO.map((w) => [w, 503])) as Record<Who, number>],
  ['POST', '/api/auth/refresh', row(ANY, 200)],
  ['GET', '/api/auth/locks', row(['operator', 'admin'], 200)],
  ['POST', '/api/auth/unlock', row(['operator', 'admin'], ALLOWED_WRITE)],
  ['POST', `/api/tps/${TPS}/check-in`, row(['officer'], ALLOWED_WRITE, 403)],
  ['POST', `/api/tps/${TPS}/tally`, row(['officer', 'operator'], ALLOWED_WRITE, 403)],
  ['POST', `/api/tps/${TPS}/tally/corrections`, row(['officer', 'otherOfficer', 'operator'], ALLOWED_WRITE, 403)],
  ['POST', `/api/tps/${TPS}/paper-forms`, row(['operator', 'auditor'], ALLOWED_WRITE)],
  ['POST', `/api/tps/${TPS}/incidents`, row(['officer', 'otherOfficer', 'operator'], ALLOWED_WRITE, 403)],
  ['GET', '/api/incidents/policy', row(ANY, 200)],
  ['GET', `/api/incidents/${TPS}-1`, row(ANY, 404)], // allowed; no incident reported in this test
  ['POST', `/api/incidents/${TPS}-1/acknowledge`, row(['operator', 'admin'], ALLOWED_WRITE)],
  ['POST', `/api/incidents/${TPS}-1/assign`, row(['operator', 'admin'], ALLOWED_WRITE)],
  ['POST', `/api/incidents/${TPS}-1/escalate`, row(['operator', 'admin'], ALLOWED_WRITE)],
  ['POST', `/api/incidents/${TPS}-1/resolve`, row(['operator', 'admin'], ALLOWED_WRITE)],
  ['POST', `/api/incidents/${TPS}-1/reopen`, row(['operator', 'admin'], ALLOWED_WRITE)],
  ['GET', '/api/rollcall', row(['operator', 'admin'], 200)],
  ['GET', `/api/tps/${TPS}/officer`, row(['operator', 'admin'], 200)],
  ['POST', `/api/tps/${TPS}/contact-attempts`, row(['operator', 'admin'], ALLOWED_WRITE)],
  ['POST', `/api/tps/${TPS}/officer`, row(['operator', 'admin'], ALLOWED_WRITE)],
  ['GET', '/api/messages', row(['officer', 'otherOfficer', 'operator', 'auditor', 'admin'], 200)],
  ['POST', '/api/messages', row(['operator', 'admin'], ALLOWED_WRITE)],
  ['POST', '/api/messages/00000000-0000-4000-8000-000000000000/read', row(['officer', 'otherOfficer'], 404)],
  ['POST', '/api/admin/projections/rebuild', row(['admin'], ALLOWED_WRITE)],
  ['POST', '/api/audit/checkpoints', row(['auditor', 'admin'], ALLOWED_WRITE)],
  // No page in the query: "allowed" shows as 400 before any body is read.
  ['POST', `/api/tps/${TPS}/photos`, row(['officer', 'operator'], ALLOWED_WRITE, 403)],
  // Allowed roles learn only that no event points at this hash.
  ['GET', `/api/photos/${'f'.repeat(64)}`, row(['officer', 'otherOfficer', 'operator', 'auditor'], 404)],
  // Each officer gets the kit of its own TPS.
  ['GET', '/api/officer/kit', row(['officer', 'otherOfficer'], 200)],
  // Verification (docs/audit.md).
  ['GET', '/api/reviews', row(['operator', 'supervisor', 'auditor', 'admin'], 200)],
  ['POST', `/api/tps/${TPS}/tally/review`, row(['supervisor'], ALLOWED_WRITE)],
  ['POST', `/api/tps/${TPS}/tally/corrections/from-paper`, row(['supervisor'], ALLOWED_WRITE)],
  ['GET', `/api/tps/${TPS}/paper-entries`, row(['operator', 'supervisor', 'auditor', 'admin'], 200)],
  ['GET', '/api/official/differences', row(['operator', 'supervisor', 'auditor', 'admin'], 200)],
];

describe('authorization matrix: every route and the live channel against every role', () => {
  let t: TestApp;
  const tokens = new Map<Who, string | undefined>();

  beforeAll(async () => {
    t = await startTestApp({}, 'authz');
    tokens.set('anonymous', undefined);
    tokens.set('officer', await t.login(TPS, '123456'));
    tokens.set('otherOfficer', await t.login(OTHER_TPS, '123456'));
    for (const w of ['operator', 'supervisor', 'auditor', 'display', 'admin'] as const) tokens.set(w, await t.login(w, `${w}123`));
  });
  afterAll(() => t?.close());

  it('answers each route with the expected status for each caller', async () => {
    const got: Record<string, Record<Who, number>> = {};
    const want: Record<string, Record<Who, number>> = {};
    for (const [method, path, expected] of MATRIX) {
      const key = `${method} ${path}`;
      want[key] = expected;
      got[key] = {} as Record<Who, number>;
      for (const who of WHO) {
        const body = method === 'POST' && !path.endsWith('/refresh') ? { name: 7, notAField: true } : undefined;
        got[key][who] = (await t.call(method, path, { token: tokens.get(who), body })).status;
      }
    }
    expect(got).toEqual(want);
  });

  it('covers every route the OpenAPI document lists', async () => {
    const doc = (await t.call('GET', '/api/docs.json')).body as { paths: Record<string, Record<string, unknown>> };
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const covered = new Set(
      MATRIX.map(
        ([m, p]) =>
          `${m} ${p
            .replace(TPS + '-1', '{incidentId}')
            .replace(/\/areas\/\d+/, '/areas/{code}')
            .replace(/\/\d{13}(?=\/|$)/, '/{tpsId}')
            .replace(/\/\d{10}$/, '/{code}')
            .replace(/\/messages\/[0-9a-f-]{36}\//, '/messages/{messageId}/')
            .replace(/\/[0-9a-f]{64}$/, '/{photoId}')}`,
      ),
    );
    covered.add('POST /api/auth/login');
    expect(listed.filter((r) => !covered.has(r))).toEqual([]);
  });

  it('refuses expired, forged, wrong-algorithm and unsigned tokens with 401', async () => {
    const key = new TextEncoder().encode(t.config.jwtSecret);
    const claims = { role: 'admin' };
    const sign = (alg: string, k: Uint8Array, exp: number | string = '1h') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg })
        .setSubject('admin')
        .setIssuer('sipantaumilu')
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(k);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const cases: [string, string, string][] = [
      ['expired', await sign('HS256', key, Math.floor(Date.now() / 1000) - 60), 'AUTH.TOKEN_EXPIRED'],
      ['forged', await sign('HS256', new TextEncoder().encode('x'.repeat(40))), 'AUTH.INVALID_TOKEN'],
      ['HS512', await sign('HS512', key), 'AUTH.INVALID_TOKEN'],
      [
        'alg none',
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, sub: 'admin', iss: 'sipantaumilu', exp: 9e9 })}.`,
        'AUTH.INVALID_TOKEN',
      ],
      ['garbage', 'not.a.token', 'AUTH.INVALID_TOKEN'],
    ];
    for (const [name, token, code] of cases) {
      const r = await t.call('GET', '/api/audit/verify', { token });
      expect({ name, status: r.status, code: r.body.code }).toEqual({ name, status: 401, code });
      const refused = await liveHandshake(token);
      expect({ name, refused }).toEqual({ name, refused: code });
    }
  });

  it('lets posko roles join the live channel and its rooms, and refuses anonymous callers and officers', async () => {
    const results: Partial<Record<Who, string>> = {};
    for (const who of WHO) results[who] = await liveHandshake(tokens.get(who), true);
    expect(results).toEqual({
      anonymous: 'AUTH.UNAUTHENTICATED',
      officer: 'AUTH.FORBIDDEN',
      otherOfficer: 'AUTH.FORBIDDEN',
      operator: 'connected; city, kecamatan and kelurahan rooms joined',
      supervisor: 'connected; city, kecamatan and kelurahan rooms joined',
      auditor: 'connected; city, kecamatan and kelurahan rooms joined',
      display: 'connected; city, kecamatan and kelurahan rooms joined',
      admin: 'connected; city, kecamatan and kelurahan rooms joined',
    });
  });

  /** The connect_error message, or a description of a successful connection (and room follows when asked). */
  async function liveHandshake(token: string | undefined, follow = false): Promise<string> {
    const s = io(t.url + LIVE_NAMESPACE, {
      auth: token === undefined ? {} : { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    try {
      const outcome = await new Promise<string>((ok) => {
        s.once('connect', () => ok('connected'));
        s.once('connect_error', (e) => ok(e.message));
      });
      if (outcome !== 'connected' || !follow) return outcome;
      const scopes = [{ level: 'city' }, { level: 'kecamatan', code: '167306' }, { level: 'kelurahan', code: '1673061002' }];
      const acks = await Promise.all(scopes.map((sc) => s.timeout(10_000).emitWithAck('follow', sc as never)));
      return acks.every((a) => (a as { ok: boolean }).ok) ? 'connected; city, kecamatan and kelurahan rooms joined' : JSON.stringify(acks);
    } finally {
      s.disconnect();
    }
  }
});
