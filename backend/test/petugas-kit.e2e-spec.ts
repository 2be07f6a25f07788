import { startTestApp, type TestApp } from './support/app.js';

/** GET /api/officer/kit: what the officers' app keeps on the phone (TPS with area names, candidates, contacts). */
describe('GET /api/officer/kit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, 'kit');
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers the officer's own TPS, the default contest and the contacts of every incident category", async () => {
    const r = await t.call('GET', '/api/officer/kit', { token: await t.login('1673061002001', '123456') });
    expect(r.status).toBe(200);
    expect(r.body.tps).toEqual({
      id: '1673061002001',
      number: 1,
      special: false,
      kelurahan: { code: '1673061002', name: expect.any(String) },
      kecamatan: { code: '167306', name: expect.any(String) },
    });
    expect(r.body.contest.code).toBe('PPWP');
    expect(r.body.contest.candidates.map((c: { number: string }) => c.number)).toEqual(['01', '02', '03']);
    expect(Object.keys(r.body.contacts).sort()).toEqual([
      'disaster',
      'fire',
      'logistics',
      'medical',
      'other',
      'procedure',
      'security',
      'vote_buying',
    ]);
    expect(r.body.contacts.medical.map((c: { phone: string }) => c.phone)).toEqual(['118', '0000-DEMO-POSKO']);
    expect(r.body.contacts.other.map((c: { role: string }) => c.role)).toEqual(['posko']);
  });

  it('is for officers only', async () => {
    expect((await t.call('GET', '/api/officer/kit')).status).toBe(401);
    const r = await t.call('GET', '/api/officer/kit', { token: await t.login('operator', 'operator123') });
    expect([r.status, r.body.code]).toEqual([403, 'AUTH.FORBIDDEN']);
  });
});
