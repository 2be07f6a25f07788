import { io, type Socket } from 'socket.io-client';
import {
  comparePositionStrings,
  LIVE_NAMESPACE,
  LiveMessage,
  LiveRequest,
  type ClientToServer,
  type KelurahanSummary,
  type Positioned,
  type ResumeAnswer,
  type ServerToClient,
  type Summary,
  type TpsView,
} from '../src/live/live.contract.js';
import { goodTally, startTestApp, type TestApp } from './support/app.js';

type LiveClient = Socket<ServerToClient, ClientToServer>;

const ULAK_LEBAR = '1673061002';
const TPS_A = `${ULAK_LEBAR}001`;
/** Another kecamatan (Timur I, Air Kuti). */
const TPS_OTHER = '1673011001001';

/** What a screen holds: the newest item per id, by the position that came with it (the dashboard's rule). */
class Mirror {
  position: string | null = null;
  summary: Summary | null = null;
  readonly tps = new Map<string, TpsView>();
  readonly kelurahan = new Map<string, { at: string | null; data: KelurahanSummary }>();
  private readonly tpsAt = new Map<string, string | null>();
  private summaryAt: string | null = null;

  listen(s: LiveClient): void {
    s.on(LiveMessage.SummaryUpdated, (m) => this.setSummary(m.position, m.data));
    s.on(LiveMessage.TpsUpdated, (m) => this.setTps(m.position, m.data));
    s.on(LiveMessage.KelurahanUpdated, (m) => this.setKel(m.position, m.data));
  }

  applyResume(a: ResumeAnswer): void {
    if (a.mode === 'snapshot') {
      this.tps.clear();
      this.kelurahan.clear();
      this.tpsAt.clear();
      this.summaryAt = null;
    }
    this.setSummary(a.position, a.summary);
    for (const k of a.kelurahan) this.setKel(a.position, k);
    for (const t of a.tps) this.setTps(a.position, t);
  }

  private bump(p: string | null) {
    if (comparePositionStrings(p, this.position) > 0) this.position = p;
  }
  private setSummary(p: string | null, s: Summary) {
    if (comparePositionStrings(p, this.summaryAt) < 0) return;
    [this.summaryAt, this.summary] = [p, s];
    this.bump(p);
  }
  private setTps(p: string | null, t: TpsView) {
    if (comparePositionStrings(p, this.tpsAt.get(t.id) ?? null) < 0) return;
    this.tpsAt.set(t.id, p);
    this.tps.set(t.id, t);
    this.bump(p);
  }
  private setKel(p: string | null, k: KelurahanSummary) {
    if (comparePositionStrings(p, this.kelurahan.get(k.code)?.at ?? null) < 0) return;
    this.kelurahan.set(k.code, { at: p, data: k });
    this.bump(p);
  }
}

function connect(t: TestApp, token?: string): LiveClient {
  return io(t.url + LIVE_NAMESPACE, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

function connected(s: LiveClient): Promise<void> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
}

function refused(s: LiveClient): Promise<string> {
  return new Promise((resolve, reject) => {
    s.once('connect', () => reject(new Error('connected without a valid token')));
    s.once('connect_error', (e) => resolve(e.message));
  });
}

/** The first message of this kind the predicate accepts. */
function next<T>(
  s: LiveClient,
  name: (typeof LiveMessage)[keyof typeof LiveMessage],
  ok: (m: Positioned<T>) => boolean,
): Promise<Positioned<T>> {
  return new Promise((resolve) => {
    const on = (m: Positioned<T>) => {
      if (!ok(m)) return;
      s.off(name, on as never);
      resolve(m);
    };
    s.on(name, on as never);
  });
}

const resumeFrom = (s: LiveClient, after: unknown) =>
  s.emitWithAck(LiveRequest.Resume, { after } as { after: string | null }) as Promise<ResumeAnswer | { error: string }>;

describe('live channel (e2e, socket.io-client)', () => {
  let t: TestApp;
  let display: string;
  const sockets: LiveClient[] = [];
  const track = (s: LiveClient) => (sockets.push(s), s);

  beforeAll(async () => {
    t = await startTestApp({}, 'live');
    display = await t.login('display', 'display123');
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });
  afterAll(() => t?.close());

  async function tally(tpsId: string, votes = { '01': 60, '02': 80, '03': 35 }) {
    const officer = await t.login(tpsId, '123456');
    const r = await t.call('POST', `/api/tps/${tpsId}/tally`, { token: officer, body: goodTally({ votes }) });
    expect(r.status).toBe(201);
    return r.body.position as string;
  }

  it('refuses a handshake without a token, with a forged one or an officer token, with a stable message', async () => {
    expect(await refused(track(connect(t)))).toBe('AUTH.UNAUTHENTICATED');
    const [h, p] = display.split('.');
    expect(await refused(track(connect(t, `${h}.${p}.${'A'.repeat(43)}`)))).toBe('AUTH.INVALID_TOKEN');
    expect(await refused(track(connect(t, 'garbage')))).toBe('AUTH.INVALID_TOKEN');
    expect(await refused(track(connect(t, await t.login(TPS_OTHER, '123456'))))).toBe('AUTH.FORBIDDEN');
    const ok = track(connect(t, display));
    await connected(ok);
    expect(ok.connected).toBe(true);
  });

  it('a tally POSTed over HTTP arrives as tps:updated and summary:updated with its numbers and position', async () => {
    const s = track(connect(t, display));
    await connected(s);
    const tpsMsg = next<TpsView>(s, LiveMessage.TpsUpdated, (m) => m.data.id === TPS_A && m.data.tallies.length > 0);
    const summaryMsg = next<Summary>(s, LiveMessage.SummaryUpdated, (m) => m.data.tpsReported >= 1);
    const written = await tally(TPS_A);

    const tps = await tpsMsg;
    expect(comparePositionStrings(tps.position, written)).toBeGreaterThanOrEqual(0);
    expect(tps.data).toMatchObject({ id: TPS_A, kelurahanCode: ULAK_LEBAR, state: 'reported' });
    expect(tps.data.tallies[0]).toMatchObject({ votes: { '01': 60, '02': 80, '03': 35 }, invalid: 5, validVotes: 175 });

    const summary = await summaryMsg;
    expect(comparePositionStrings(summary.position, written)).toBeGreaterThanOrEqual(0);
    expect(summary.data.candidates.map((c) => [c.number, c.votes])).toEqual([
      ['01', 60],
      ['02', 80],
      ['03', 35],
    ]);
    expect([summary.data.validVotes, summary.data.invalidVotes, summary.data.tpsReported]).toEqual([175, 5, 1]);
    const http = await t.call('GET', `/api/summary?minPosition=${encodeURIComponent(written)}`, { token: display });
    expect(summary.data.candidates).toEqual(http.body.candidates);
  });

  it('follow narrows tps:updated to one kelurahan while summary:updated still reaches everyone', async () => {
    const city = track(connect(t, display));
    const kel = track(connect(t, display));
    await Promise.all([connected(city), connected(kel)]);
    expect(await kel.emitWithAck(LiveRequest.Follow, { level: 'kelurahan', code: ULAK_LEBAR })).toEqual({ ok: true });
    expect(await kel.emitWithAck(LiveRequest.Follow, { level: 'kelurahan', code: '9999999999' })).toEqual({
      ok: false,
      error: 'FOLLOW.UNKNOWN_AREA',
    });
    const seenByKel: string[] = [];
    kel.on(LiveMessage.TpsUpdated, (m) => seenByKel.push(m.data.id));
    const cityGotOther = next<TpsView>(city, LiveMessage.TpsUpdated, (m) => m.data.id === TPS_OTHER);
    await tally(TPS_OTHER, { '01': 10, '02': 100, '03': 65 });
    const last = await tally(`${ULAK_LEBAR}002`);
    // A summary at or after the last write comes in the same flush as (or after) every TPS message before it.
    await next<Summary>(kel, LiveMessage.SummaryUpdated, (m) => comparePositionStrings(m.position, last) >= 0);
    expect((await cityGotOther).data.kelurahanCode).toBe('1673011001');
    expect(seenByKel).toContain(`${ULAK_LEBAR}002`);
    expect(seenByKel.every((id) => id.startsWith(ULAK_LEBAR))).toBe(true);
  });

  it('a client that was away for 50 tallies resumes to exactly GET /api/summary and GET /api/kelurahan', async () => {
    const mirror = new Mirror();
    const first = track(connect(t, display));
    mirror.listen(first);
    await connected(first);
    const snapshot = (await resumeFrom(first, null)) as ResumeAnswer;
    expect([snapshot.mode, snapshot.tps.length, snapshot.kelurahan.length]).toEqual(['snapshot', 635, 72]);
    mirror.applyResume(snapshot);
    first.disconnect();

    // Kelurahan 1673061002 has 15 TPS; the rest come from the first kelurahan of other kecamatan.
    const away = (await t.call('GET', '/api/tps', { token: display })).body
      .map((v: TpsView) => v.id)
      .filter((id: string) => id !== TPS_A && id !== TPS_OTHER && id !== `${ULAK_LEBAR}002`)
      .slice(0, 50) as string[];
    let lastWrite = '0/0';
    for (let i = 0; i < away.length; i += 10) {
      const positions = await Promise.all(away.slice(i, i + 10).map((id, j) => tally(id, { '01': 60 + j, '02': 80 - j, '03': 35 })));
      for (const p of positions) if (comparePositionStrings(p, lastWrite) > 0) lastWrite = p;
    }

    // Wait until the read models hold every write, so all 50 must come from the resume (no broadcast can reach a socket
    // that is not connected).
    const summary = await t.call('GET', `/api/summary?minPosition=${encodeURIComponent(lastWrite)}`, { token: display });
    const kelurahan = await t.call('GET', '/api/kelurahan', { token: display });
    expect(summary.body.tpsReported).toBe(53);

    const again = track(connect(t, display));
    mirror.listen(again);
    await connected(again);
    const answer = (await resumeFrom(again, mirror.position)) as ResumeAnswer;
    expect(answer.mode).toBe('changes');
    expect(answer.tps.map((v) => v.id)).toEqual(expect.arrayContaining(away));
    mirror.applyResume(answer);
    expect(comparePositionStrings(mirror.position, lastWrite)).toBeGreaterThanOrEqual(0);
    expect(mirror.summary).toEqual(summary.body);
    expect([...mirror.kelurahan.values()].map((k) => k.data).sort((a, b) => a.code.localeCompare(b.code))).toEqual(
      [...(kelurahan.body as KelurahanSummary[])].sort((a, b) => a.code.localeCompare(b.code)),
    );
    for (const id of away) expect(mirror.tps.get(id)?.state).toBe('reported');
  });

  it('under a burst the last state of every item arrives, and the screen ends equal to the read API', async () => {
    const mirror = new Mirror();
    const s = track(connect(t, display));
    mirror.listen(s);
    await connected(s);
    mirror.applyResume((await resumeFrom(s, null)) as ResumeAnswer);
    const ids = Array.from({ length: 12 }, (_, i) => `1673051009${String(i + 1).padStart(3, '0')}`);
    const officers = await Promise.all(ids.map((id) => t.login(id, '123456')));
    const written = await Promise.all(
      ids.map((id, i) => t.call('POST', `/api/tps/${id}/tally`, { token: officers[i], body: goodTally() })),
    );
    expect(written.map((w) => w.status)).toEqual(ids.map(() => 201));
    // Then a run of corrections to one TPS: only its last version may stay on screen.
    let last = '';
    for (let rev = 0; rev < 6; rev++) {
      const body = {
        ...goodTally({ votes: { '01': 60 + rev + 1, '02': 80 - rev - 1, '03': 35 } }),
        expectedRevision: rev,
        reason: `koreksi pembacaan ke-${rev + 1}`,
      };
      const r = await t.call('POST', `/api/tps/${ids[0]}/tally/corrections`, { token: officers[0], body });
      expect(r.status).toBe(201);
      last = r.body.position;
    }
    await next<Summary>(s, LiveMessage.SummaryUpdated, (m) => comparePositionStrings(m.position, last) >= 0);
    const tps = await t.call('GET', `/api/tps/${ids[0]}`, { token: display });
    expect(mirror.tps.get(ids[0])).toEqual(tps.body);
    expect(mirror.tps.get(ids[0])?.tallies[0].votes).toEqual({ '01': 66, '02': 74, '03': 35 });
    const kelurahan = await t.call('GET', '/api/kelurahan', { token: display });
    expect((kelurahan.body as KelurahanSummary[]).map((k) => mirror.kelurahan.get(k.code)?.data)).toEqual(kelurahan.body);
  });

  it('the map routes need a sign-in and say when no boundary file is configured', async () => {
    expect((await t.call('GET', '/api/map/config')).status).toBe(401);
    expect((await t.call('GET', '/api/map/config', { token: display })).body).toEqual({ tileUrl: null, hasBoundaries: false });
    const none = await t.call('GET', '/api/map/boundaries', { token: display });
    expect([none.status, none.body.code]).toEqual([404, 'MAP.NO_BOUNDARIES']);
  });

  it('answers a snapshot to a position ahead of the server and an error to a malformed one', async () => {
    const s = track(connect(t, display));
    await connected(s);
    expect(((await resumeFrom(s, '99999999999/1')) as ResumeAnswer).mode).toBe('snapshot');
    expect(await resumeFrom(s, 'DROP TABLE')).toEqual({ error: 'RESUME.BAD_POSITION' });
  });
});
