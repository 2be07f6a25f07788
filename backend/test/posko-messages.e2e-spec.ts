import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE } from '../src/live/live.contract.js';
import { MONITORS_NAMESPACE, MonitorMessage, type InboxMessage, type SentMessage } from '../src/messages/messages.contract.js';
import { startTestApp, type TestApp } from './support/app.js';

const KEL = '1673061002'; // Ulak Lebar, 15 TPS
const OTHER_KEL = '1673061001';
const TPS = `${KEL}001`;
const OTHER_TPS = `${OTHER_KEL}001`;

/** A monitor's phone on its channel: every message it was given, by id (backlog and pushes alike). */
class Phone {
  readonly got = new Map<string, InboxMessage>();
  readonly socket: Socket;
  constructor(url: string, token: string) {
    this.socket = io(url + MONITORS_NAMESPACE, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket.on(MonitorMessage.New, (m: InboxMessage) => this.got.set(m.messageId, m));
    this.socket.on(MonitorMessage.Backlog, (list: InboxMessage[]) => list.forEach((m) => this.got.set(m.messageId, m)));
  }
  /** Connected and the backlog received. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once(MonitorMessage.Backlog, () => resolve());
      this.socket.once('connect_error', reject);
    });
  }
  waitFor(id: string): Promise<InboxMessage> {
    return new Promise((resolve) => {
      const check = () => {
        const m = this.got.get(id);
        if (!m) return;
        this.socket.off(MonitorMessage.New, check);
        this.socket.off(MonitorMessage.Backlog, check);
        resolve(m);
      };
      this.socket.on(MonitorMessage.New, check);
      this.socket.on(MonitorMessage.Backlog, check);
      check();
    });
  }
}

function refusal(url: string, ns: string, token: string | undefined): Promise<string> {
  const s = io(url + ns, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve) => {
    s.once('connect', () => (s.close(), resolve('connected')));
    s.once('connect_error', (e) => (s.close(), resolve(e.message)));
  });
}

describe('posko messages to monitors (e2e, real PostgreSQL, socket.io-client)', () => {
  let t: TestApp;
  const tok: Record<string, string> = {};
  const phones: Phone[] = [];
  const phone = (token: string) => (phones.push(new Phone(t.url, token)), phones[phones.length - 1]);
  const send = (body: unknown, who = 'operator') => t.call('POST', '/api/messages', { token: tok[who], body });

  beforeAll(async () => {
    t = await startTestApp({}, 'posko_messages');
    tok.officer = await t.login(TPS, '123456');
    tok.neighbour = await t.login(`${KEL}002`, '123456');
    tok.other = await t.login(OTHER_TPS, '123456');
    for (const w of ['operator', 'auditor', 'display', 'admin']) tok[w] = await t.login(w, `${w}123`);
  });
  afterAll(async () => {
    phones.forEach((p) => p.socket.close());
    await t?.close();
  });

  it('lets only monitors on their own namespace, and keeps them off /live', async () => {
    const got: Record<string, string> = {};
    for (const who of ['officer', 'operator', 'display', 'admin']) got[who] = await refusal(t.url, MONITORS_NAMESPACE, tok[who]);
    got.anonymous = await refusal(t.url, MONITORS_NAMESPACE, undefined);
    got.officerOnLive = await refusal(t.url, LIVE_NAMESPACE, tok.officer);
    expect(got).toEqual({
      officer: 'connected',
      operator: 'AUTH.FORBIDDEN',
      display: 'AUTH.FORBIDDEN',
      admin: 'AUTH.FORBIDDEN',
      anonymous: 'AUTH.UNAUTHENTICATED',
      officerOnLive: 'AUTH.FORBIDDEN',
    });
  });

  it('delivers a message to a kelurahan live to its monitors and not to another kelurahan’s; a reconnect brings the missed ones', async () => {
    const mine = phone(tok.officer);
    const other = phone(tok.other);
    await Promise.all([mine.ready(), other.ready()]);

    const toMine = await send({ to: { kelurahan: [KEL] }, text: 'Kirim C.Hasil sekarang', priority: 'urgent' });
    expect([toMine.status, toMine.body.recipients]).toEqual([201, 15]);
    const toOther = await send({ to: { kelurahan: [OTHER_KEL] }, text: 'Waspada hujan deras', priority: 'normal' });
    expect(toOther.status).toBe(201);
    const live = await mine.waitFor(toMine.body.messageId);
    expect(live).toMatchObject({ text: 'Kirim C.Hasil sekarang', priority: 'urgent', read: false, sentBy: 'operator' });
    await other.waitFor(toOther.body.messageId);
    expect(mine.got.has(toOther.body.messageId)).toBe(false);
    expect(other.got.has(toMine.body.messageId)).toBe(false);

    // The phone loses its connection; two messages are sent meanwhile; it comes back.
    mine.socket.disconnect();
    const missed1 = await send({ to: { tps: [TPS] }, text: 'Pesan pertama saat terputus', priority: 'normal' });
    const missed2 = await send({ to: { all: true }, text: 'Pesan kedua saat terputus', priority: 'normal' });
    expect(missed2.body.recipients).toBe(635);
    const notMine = await send({ to: { kecamatan: ['167301'] }, text: 'Untuk kecamatan lain', priority: 'normal' });
    mine.socket.connect();
    await mine.waitFor(missed1.body.messageId);
    await mine.waitFor(missed2.body.messageId);
    await other.waitFor(missed2.body.messageId);
    expect(mine.got.has(notMine.body.messageId)).toBe(false);
  });

  it('lists a monitor’s own messages newest first with read state, marks them read once, and shows the posko "n of m read"', async () => {
    const sent = await send({ to: { tps: [TPS, `${KEL}002`] }, text: 'Laporkan jumlah pemilih pukul 11', priority: 'normal' });
    const id = sent.body.messageId as string;
    const inbox = async (at?: string) =>
      (await t.call('GET', `/api/messages${at ? `?minPosition=${at}` : ''}`, { token: tok.officer })).body as InboxMessage[];
    await phone(tok.officer).waitFor(id); // projected
    const before = await inbox();
    expect(before[0]).toMatchObject({ messageId: id, read: false, readAt: null });
    const times = before.map((m) => Date.parse(m.sentAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(before.map((m) => m.text)).not.toContain('Waspada hujan deras');

    const r1 = await t.call('POST', `/api/messages/${id}/read`, { token: tok.officer });
    expect([r1.status, r1.body.messageId]).toEqual([201, id]);
    const r2 = await t.call('POST', `/api/messages/${id}/read`, { token: tok.officer });
    expect([r2.status, r2.body.alreadyRead, r2.body.readAt]).toEqual([200, true, r1.body.readAt]);
    const list = async () =>
      ((await t.call('GET', `/api/messages?minPosition=${r1.body.position}`, { token: tok.operator })).body as SentMessage[]).find(
        (m) => m.messageId === id,
      );
    expect(await list()).toMatchObject({ recipients: 2, read: 1, to: { tps: [TPS, `${KEL}002`] } });
    expect((await inbox(r1.body.position)).find((m) => m.messageId === id)).toMatchObject({ read: true, readAt: r1.body.readAt });

    const notForThem = await t.call('POST', `/api/messages/${id}/read`, { token: tok.other });
    expect([notForThem.status, notForThem.body.code]).toEqual([404, 'MESSAGE.NOT_FOUND']);
    const unknown = await t.call('POST', '/api/messages/00000000-0000-4000-8000-000000000000/read', { token: tok.officer });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'MESSAGE.NOT_FOUND']);
    const neighbour = await t.call('POST', `/api/messages/${id}/read`, { token: tok.neighbour });
    expect(neighbour.status).toBe(201);
    const history = await t.call('GET', `/api/messages`, { token: tok.auditor });
    expect(history.status).toBe(200);
  });

  it('refuses bad messages with the fields named, and other roles with 403', async () => {
    const bad: [unknown, string][] = [
      [{ to: {}, text: 'x', priority: 'normal' }, 'to'],
      [{ to: { kelurahan: ['9999999999'] }, text: 'x', priority: 'normal' }, 'to.kelurahan.0'],
      [{ to: { tps: ['123'] }, text: 'x', priority: 'normal' }, 'to.tps.0'],
      [{ to: { all: true }, text: '', priority: 'normal' }, 'text'],
      [{ to: { all: true }, text: 'x', priority: 'loud' }, 'priority'],
      [{ to: { all: true }, text: 'x', priority: 'normal', cc: 1 }, 'cc'],
    ];
    for (const [body, field] of bad) {
      const r = await send(body);
      expect({ field, status: r.status, code: r.body.code, path: r.body.fields?.[0]?.path }).toEqual({
        field,
        status: 400,
        code: 'REQUEST.INVALID',
        path: field,
      });
    }
    const roles: Record<string, number> = {};
    for (const who of ['officer', 'auditor', 'display'])
      roles[who] = (await send({ to: { all: true }, text: 'x', priority: 'normal' }, who)).status;
    roles.displayList = (await t.call('GET', '/api/messages', { token: tok.display })).status;
    roles.operatorRead = (await t.call('POST', '/api/messages/00000000-0000-4000-8000-000000000000/read', { token: tok.operator })).status;
    expect(roles).toEqual({ officer: 403, auditor: 403, display: 403, displayList: 403, operatorRead: 403 });

    const body = { to: { tps: [TPS] }, text: 'Sekali saja', priority: 'normal' };
    const headers = { 'idempotency-key': 'posko-message-0001' };
    const a = await t.call('POST', '/api/messages', { token: tok.operator, body, headers });
    const b = await t.call('POST', '/api/messages', { token: tok.operator, body, headers });
    const c = await t.call('POST', '/api/messages', { token: tok.operator, body: { ...body, text: 'Lain' }, headers });
    expect([a.status, b.status, b.body.replayed, b.body.messageId, c.status, c.body.code]).toEqual([
      201,
      201,
      true,
      a.body.messageId,
      422,
      'IDEMPOTENCY.KEY_REUSED',
    ]);
  });
});
