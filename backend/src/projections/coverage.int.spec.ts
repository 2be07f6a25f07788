/**
 * The missing-officer pages (missing-tps.ts) and GET /api/coverage's bounded answer (coverage.ts), against the plain
 * filter over every TPS of the reference, on real PostgreSQL read models: the city, and a small synthetic nation
 * paged at every level.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { QueryRunner } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import { parseReferenceCsv, type ReferenceData } from '../reference/reference-data.js';
import { syntheticNationCsv } from '../reference/synthetic-nation.js';
import { decodeCursor } from './area-cursor.js';
import { areaIndexOf } from './area-index.js';
import { readMissingPage } from './missing-tps.js';
import { inSnapshot } from './snapshot.js';
import { ev } from './testing/events.js';
import { openBench, REF, type Bench } from './testing/fixture.js';

const AFTER_DEADLINE = new Date('2024-02-14T08:00:00+07:00');

/** Every page of an area's missing TPS, `limit` at a time, following the cursors. */
async function allPages(bench: Bench, ref: ReferenceData, code: string, limit: number) {
  const ctx = { ref, index: areaIndexOf(ref) };
  const pages = [];
  let after: string | undefined;
  for (;;) {
    const page = await inSnapshot(bench.ds, (tx: QueryRunner) => readMissingPage(tx, ctx, code, { limit, after }));
    pages.push(page);
    if (!page.nextCursor) return pages;
    after = decodeCursor(page.nextCursor, /^\d{13}$/)!;
  }
}

describe('the city', () => {
  let db: TestDatabase;
  let bench: Bench;
  const all = [...REF.tpsById.values()];
  // Every TPS of the first two kelurahan, half of the third's, one of the fourth's; none elsewhere.
  const [k1, k2, k3, k4] = REF.kelurahan;
  const checkedIn = [
    ...REF.tpsOf(k1.code),
    ...REF.tpsOf(k2.code),
    ...REF.tpsOf(k3.code).filter((_, i) => i % 2 === 0),
    REF.tpsOf(k4.code)[0],
  ].map((t) => t.id);
  const done = new Set(checkedIn);
  const want = all.filter((t) => !done.has(t.id)).map((t) => t.id);

  beforeAll(async () => {
    db = await createTestDatabase('coverage');
    bench = await openBench(db.url);
    await bench.append(checkedIn.map((id) => ev.checkIn(id, '2024-02-14T06:30:00+07:00')));
    await bench.catchUp();
  });

  afterAll(async () => {
    await bench?.close();
    await db?.drop();
  });

  it('lists the same TPS, in reference order, as filtering every TPS: whole, and a page at a time', async () => {
    expect(want.length).toBe(REF.tpsTotal - checkedIn.length);
    const [whole] = await allPages(bench, REF, REF.root.code, 1000);
    expect(whole.tps.map((t) => t.id)).toEqual(want);
    expect([whole.total, whole.nextCursor]).toEqual([want.length, null]);
    for (const limit of [1, 7, 250]) {
      const pages = await allPages(bench, REF, REF.root.code, limit);
      expect(pages.flatMap((p) => p.tps.map((t) => t.id))).toEqual(want);
      expect(pages.length).toBe(Math.ceil(want.length / limit));
      for (const p of pages) expect(p.total).toBe(want.length);
    }
  });

  it('answers the whole city as before: every kelurahan row and every missing TPS, no next page', async () => {
    bench.now.value = AFTER_DEADLINE;
    const c = (await bench.reads.coverage())!;
    expect(c.area).toEqual({ level: 'kabupaten', code: '1673', name: 'Kota Lubuklinggau' });
    expect(c.rows.map((r) => r.kelurahanCode)).toEqual(REF.kelurahan.map((k) => k.code));
    expect(c.rows.find((r) => r.kelurahanCode === k3.code)).toMatchObject({ assigned: k3.tpsCount, checkedIn: Math.ceil(k3.tpsCount / 2) });
    expect([c.rowsTotal, c.nextCursor]).toEqual([72, null]);
    expect(c.missing).toEqual(want.map((id) => ({ tpsId: id, kelurahanCode: id.slice(0, 10), officer: null })));
    expect(c.missingTotal).toBe(want.length);
  });

  it('scopes rows and missing to a kecamatan and to a kelurahan', async () => {
    bench.now.value = AFTER_DEADLINE;
    const kec = (await bench.reads.coverage({ area: k3.kecamatanCode }))!;
    const inKec = REF.kelurahan.filter((k) => k.kecamatanCode === k3.kecamatanCode).map((k) => k.code);
    expect(kec.rows.map((r) => r.kelurahanCode)).toEqual(inKec);
    expect(kec.missing.map((m) => m.tpsId)).toEqual(want.filter((id) => id.startsWith(k3.kecamatanCode)));
    expect(kec.missingTotal).toBe(kec.missing.length);
    const kel = (await bench.reads.coverage({ area: k3.code }))!;
    expect(kel.rows).toHaveLength(1);
    expect(kel.missing.map((m) => m.tpsId)).toEqual(want.filter((id) => id.startsWith(k3.code)));
    expect(kel.missingTotal).toBe(Math.floor(k3.tpsCount / 2));
    expect(await bench.reads.coverage({ area: '9999' })).toBeNull();
  });

  it('pages the kelurahan rows with a cursor', async () => {
    const first = (await bench.reads.coverage({ limit: 30 }))!;
    expect(first.rows).toHaveLength(30);
    const second = (await bench.reads.coverage({ limit: 30, after: decodeCursor(first.nextCursor!, /^\d{10}$/)! }))!;
    const third = (await bench.reads.coverage({ limit: 30, after: decodeCursor(second.nextCursor!, /^\d{10}$/)! }))!;
    expect([...first.rows, ...second.rows, ...third.rows].map((r) => r.kelurahanCode)).toEqual(REF.kelurahan.map((k) => k.code));
    expect(third.nextCursor).toBeNull();
  });

  it('lists no one missing before the deadline', async () => {
    bench.now.value = new Date('2024-02-14T07:00:00+07:00');
    const c = (await bench.reads.coverage())!;
    expect([c.missing, c.missingTotal, c.rows.length]).toEqual([[], 0, 72]);
  });
});

describe('a small synthetic nation', () => {
  const ref = parseReferenceCsv(
    [...syntheticNationCsv({ provinsi: 3, kabupaten: 6, kecamatan: 12, kelurahan: 40, tps: 300 }, 5)].join('\n'),
  );
  let db: TestDatabase;
  let bench: Bench;
  // Whole kabupaten checked in (the first), scattered TPS elsewhere: pages must skip complete kelurahan and areas.
  const firstKab = ref.kabupaten[0].code;
  const checkedIn = ref.tps.filter((t, i) => t.id.startsWith(firstKab) || i % 4 === 0).map((t) => t.id);
  const done = new Set(checkedIn);
  // Code order (the reference lists the synthetic provinces from 99 down).
  const want = ref.tps
    .map((t) => t.id)
    .filter((id) => !done.has(id))
    .sort();

  beforeAll(async () => {
    db = await createTestDatabase('coveragenation');
    bench = await openBench(db.url, {}, { ref });
    await bench.append(checkedIn.map((id) => ev.checkIn(id, '2024-02-14T06:30:00+07:00')));
    await bench.catchUp();
  });

  afterAll(async () => {
    await bench?.close();
    await db?.drop();
  });

  it('pages the missing TPS of every area at every level, equal to the plain filter, the total from the area row', async () => {
    const areas = [
      '',
      ...ref.provinsi.map((p) => p.code),
      ...ref.kabupaten.map((k) => k.code),
      ref.kecamatan[5].code,
      ref.kelurahan[17].code,
    ];
    for (const code of areas) {
      const expected = want.filter((id) => id.startsWith(code));
      for (const limit of [1, 9, 1000]) {
        const pages = await allPages(bench, ref, code, limit);
        expect(pages.flatMap((p) => p.tps.map((t) => t.id))).toEqual(expected);
        for (const p of pages) expect(p.total).toBe(expected.length);
      }
    }
    expect(want.some((id) => id.startsWith(firstKab))).toBe(false);
  });

  it('answers coverage for a provinsi: its kelurahan rows and missing TPS only', async () => {
    bench.now.value = AFTER_DEADLINE;
    const p = ref.provinsi[1].code;
    const c = (await bench.reads.coverage({ area: p }))!;
    expect(c.area.level).toBe('provinsi');
    expect(c.rows.map((r) => r.kelurahanCode)).toEqual(ref.kelurahan.filter((k) => k.code.startsWith(p)).map((k) => k.code));
    expect(c.rowsTotal).toBe(c.rows.length);
    expect(c.missing.map((m) => m.tpsId)).toEqual(want.filter((id) => id.startsWith(p)));
    expect(c.missingTotal).toBe(c.missing.length);
    const whole = (await bench.reads.coverage())!;
    expect([whole.area.level, whole.rowsTotal, whole.missingTotal]).toEqual(['nation', 40, want.length]);
  });
});
