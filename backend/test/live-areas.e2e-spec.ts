/**
 * Live at every level on a small synthetic nation (REFERENCE_FILE, 3 provinces), with a real socket.io-client: a
 * screen following a province gets `area:updated` for that province and its kabupaten/kota only, never for another
 * province or for areas further down; /api/areas answers the nation root and its paging.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import {
  LIVE_NAMESPACE,
  LiveMessage,
  LiveRequest,
  type AreaNode,
  type ClientToServer,
  type Positioned,
  type ServerToClient,
} from '../src/live/live.contract.js';
import { comparePositionStrings } from '../src/live/live.contract.js';
import { parseReferenceCsv } from '../src/reference/reference-data.js';
import { syntheticNationCsv } from '../src/reference/synthetic-nation.js';
import { goodTally, startTestApp, type TestApp } from './support/app.js';

type LiveClient = Socket<ServerToClient, ClientToServer>;

const csv = [...syntheticNationCsv({ provinsi: 3, kabupaten: 6, kecamatan: 9, kelurahan: 18, tps: 60 }, 11)].join('\n');
const ref = parseReferenceCsv(csv);
const [P1, P2] = ref.provinsi.map((p) => p.code);
const tpsIn = (prov: string) => ref.tps.find((t) => t.id.startsWith(prov))!.id;

describe('live areas (e2e, synthetic nation)', () => {
  let t: TestApp;
  let display: string;
  let socket: LiveClient;

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'nation-')), 'nation.csv');
    writeFileSync(file, csv);
    t = await startTestApp({ REFERENCE_FILE: file, QUICKCOUNT_MIN_TPS: '2' }, 'liveareas');
    display = await t.login('display', 'display123');
  });
  afterAll(async () => {
    socket?.disconnect();
    await t?.close();
  });

  async function tally(tpsId: string) {
    const officer = await t.login(tpsId, '123456');
    const r = await t.call('POST', `/api/tps/${tpsId}/tally`, { token: officer, body: goodTally() });
    expect(r.status).toBe(201);
    return r.body.position as string;
  }

  it('follows a province: area:updated for it and its kabupaten/kota only', async () => {
    socket = io(t.url + LIVE_NAMESPACE, { auth: { token: display }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    expect(await socket.emitWithAck(LiveRequest.Follow, { level: 'provinsi', code: '17' })).toEqual({
      ok: false,
      error: 'FOLLOW.UNKNOWN_AREA',
    });
    expect(await socket.emitWithAck(LiveRequest.Follow, { level: 'kabupaten', code: P1 })).toEqual({
      ok: false,
      error: 'FOLLOW.UNKNOWN_AREA',
    });
    expect(await socket.emitWithAck(LiveRequest.Follow, { level: 'provinsi', code: P1 })).toEqual({ ok: true });

    const got: Positioned<AreaNode>[] = [];
    socket.on(LiveMessage.AreaUpdated, (m) => got.push(m));
    // A province shows its children's totals: no TPS or kelurahan rows reach it (those go to the kabupaten and below).
    const rows: string[] = [];
    socket.on(LiveMessage.TpsUpdated, (m) => rows.push(`tps ${m.data.id}`));
    socket.on(LiveMessage.KelurahanUpdated, (m) => rows.push(`kelurahan ${m.data.code}`));
    // The other province first: a flush carrying it comes before (or with) the one carrying P1's write.
    await tally(tpsIn(P2));
    const at = await tally(tpsIn(P1));
    const mine = await new Promise<Positioned<AreaNode>>((resolve) => {
      const check = () => {
        const m = got.find((x) => x.data.code === P1 && comparePositionStrings(x.position, at) >= 0);
        if (m) resolve(m);
        else setTimeout(check, 20);
      };
      check();
    });
    expect(mine.data).toMatchObject({ level: 'provinsi', code: P1, tpsReported: 1, validVotes: 175 });
    const kab = tpsIn(P1).slice(0, 4);
    expect(got.some((m) => m.data.code === kab && m.data.level === 'kabupaten' && m.data.tpsReported === 1)).toBe(true);
    // Only P1 and its children: never the other province, the nation, or a kecamatan/kelurahan of P1.
    for (const m of got) {
      expect(m.data.code.startsWith(P1)).toBe(true);
      expect(m.data.code.length === 2 || m.data.code.length === 4).toBe(true);
    }
    expect(rows).toEqual([]);
  });

  it('under a national root, TPS rows go to their kabupaten/kota and below, the root gets its provinces only', async () => {
    // Another TPS of the province than the one the test above tallied.
    const id = ref.tps.filter((x) => x.id.startsWith(P1))[1].id;
    const kab = id.slice(0, 4);
    const s2 = io(t.url + LIVE_NAMESPACE, { auth: { token: display }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        s2.once('connect', () => resolve());
        s2.once('connect_error', reject);
      });
      expect(await s2.emitWithAck(LiveRequest.Follow, { level: 'kabupaten', code: kab })).toEqual({ ok: true });
      // The nation's own screen (the root, followed as the city): its provinces' totals, never a TPS or kelurahan row.
      expect(await socket.emitWithAck(LiveRequest.Follow, { level: 'city' })).toEqual({ ok: true });
      const atRoot: string[] = [];
      socket.on(LiveMessage.TpsUpdated, (m) => atRoot.push(`tps ${m.data.id}`));
      socket.on(LiveMessage.KelurahanUpdated, (m) => atRoot.push(`kelurahan ${m.data.code}`));
      const rootAreas: string[] = [];
      socket.on(LiveMessage.AreaUpdated, (m) => rootAreas.push(m.data.code));
      const seen: string[] = [];
      s2.on(LiveMessage.TpsUpdated, (m) => seen.push(m.data.id));
      await tally(id);
      await new Promise<void>((resolve) => {
        const check = () => (seen.includes(id) && rootAreas.includes(P1) ? resolve() : setTimeout(check, 20));
        check();
      });
      expect(seen.every((x) => x.startsWith(kab))).toBe(true);
      expect(atRoot).toEqual([]);
    } finally {
      s2.close();
    }
  });

  it('answers the nation root and pages its provinces', async () => {
    const root = await t.call('GET', '/api/areas', { token: display });
    expect(root.body).toMatchObject({
      area: { level: 'nation', code: '', tpsTotal: 60 },
      parents: [],
      childLevel: 'provinsi',
      childrenTotal: 3,
    });
    const first = await t.call('GET', '/api/areas?limit=2', { token: display });
    expect(first.body.children.map((c: AreaNode) => c.code)).toEqual(
      ref.provinsi
        .map((p) => p.code)
        .sort()
        .slice(0, 2),
    );
    const rest = await t.call('GET', `/api/areas?limit=2&cursor=${first.body.nextCursor}`, { token: display });
    expect([rest.body.children.length, rest.body.nextCursor]).toEqual([1, null]);
    const summary = await t.call('GET', '/api/summary', { token: display });
    expect(summary.body).toMatchObject({ area: { level: 'city', code: '' }, tpsTotal: 60, validVotes: root.body.area.validVotes });
  });
});
