/**
 * Review findings on the HTTP edge (issue 13): Idempotency-Key scope, strict UTF-8, bidi characters, the CSP's
 * connect-src, optional parameters in the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './support/app.js';

const TPS = '1673061002001';

describe('HTTP edge hardening (e2e)', () => {
  let t: TestApp;
  let officer: string;

  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://posko.example.id' }, 'httphard');
    officer = await t.login(TPS, '123456');
  });
  afterAll(() => t?.close());

  it('scopes an Idempotency-Key to the route and its parameters, not to the spelling of the path', async () => {
    const body = { category: 'logistics', severity: 'low', description: 'Kotak suara terlambat datang' };
    const headers = { 'idempotency-key': 'scope-test-0001' };
    const first = await t.call('POST', `/api/tps/${TPS}/incidents`, { token: officer, body, headers });
    expect(first.status).toBe(201);
    for (const path of [`/api/tps/${TPS}/incidents/`, `/api/TPS/${TPS}/Incidents`, `/API/tps/${TPS}/incidents/`]) {
      const again = await t.call('POST', path, { token: officer, body, headers });
      expect([path, again.status, again.body.eventId, again.body.replayed]).toEqual([path, 201, first.body.eventId, true]);
    }
    // The same key on another route is another scope.
    const checkIn = await t.call('POST', `/api/tps/${TPS}/check-in`, { token: officer, body: {}, headers });
    expect([checkIn.status, checkIn.body.replayed]).toEqual([201, undefined]);
  });

  it('refuses a body that is not valid UTF-8 instead of storing U+FFFD', async () => {
    const json = Buffer.from(JSON.stringify({ category: 'other', severity: 'low', description: 'Laporan XX rusak' }));
    const at = json.indexOf('XX');
    json[at] = 0xc3; // a lead byte followed by an ASCII byte: invalid
    json[at + 1] = 0x28;
    const res = await fetch(`${t.url}/api/tps/${TPS}/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${officer}` },
      body: json,
    });
    const answer = (await res.json()) as { code: string };
    expect([res.status, answer.code]).toEqual([400, 'REQUEST.INVALID_ENCODING']);
    // Valid multi-byte text still goes through.
    const ok = await t.call('POST', `/api/tps/${TPS}/incidents`, {
      token: officer,
      body: { category: 'other', severity: 'low', description: 'Pemilih lansia — kursi roda, ±3 orang' },
    });
    expect(ok.status).toBe(201);
  });

  it('refuses bidirectional formatting characters in free text with the field named', async () => {
    for (const ch of ['\u202E', '\u202A', '\u2066', '\u2069', '\u200F']) {
      const r = await t.call('POST', `/api/tps/${TPS}/incidents`, {
        token: officer,
        body: { category: 'other', severity: 'low', description: `Suara paslon ${ch}20 dicoret` },
      });
      expect([ch.codePointAt(0)!.toString(16), r.status, r.body.code, r.body.fields?.map((f: { path: string }) => f.path)]).toEqual([
        ch.codePointAt(0)!.toString(16),
        400,
        'REQUEST.INVALID',
        ['description'],
      ]);
    }
  });

  it('lets the page connect only to its own origin and the configured ones (CSP connect-src)', async () => {
    const r = await t.call('GET', '/api/health');
    const csp = r.headers.get('content-security-policy') ?? '';
    const connect = /connect-src ([^;]*)/.exec(csp)?.[1].split(' ') ?? [];
    expect(connect.sort()).toEqual(["'self'", 'https://posko.example.id', 'wss://posko.example.id'].sort());
  });

  it('marks Idempotency-Key, asOf and the other query parameters optional in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/api/docs.json')).body as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>>;
    };
    const required: string[] = [];
    let keys = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const p of op.parameters ?? []) {
          if (p.name.toLowerCase() === 'idempotency-key') keys++;
          if (p.in !== 'path' && p.required) required.push(`${method} ${path} ${p.in} ${p.name}`);
        }
      }
    }
    // The only query parameter a route cannot do without: which C.Hasil page a photo shows (400 without it).
    expect(required).toEqual(['post /api/tps/{tpsId}/photos query page']);
    expect(keys).toBeGreaterThanOrEqual(6);
    const summary = doc.paths['/api/summary'].get.parameters ?? [];
    expect(summary.filter((p) => p.name === 'asOf')).toEqual([expect.objectContaining({ in: 'query', required: false })]);
    // The bounded lists say how to narrow and page them.
    for (const path of ['/api/coverage', '/api/rollcall'])
      expect([path, (doc.paths[path].get.parameters ?? []).map((p) => p.name).sort()]).toEqual([
        path,
        ['area', 'cursor', 'limit', 'minPosition'],
      ]);
  });
});
