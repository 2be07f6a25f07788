import { readFileSync } from 'node:fs';
import { assemble, DEFAULT_REFERENCE_CSV, expandRanges, loadReferenceData, parseReferenceCsv } from './reference-data.js';
import { nationShapeFor, SYNTHETIC_PROVINCE_CODES, syntheticNationCsv } from './synthetic-nation.js';

describe('reference data of Kota Lubuklinggau', () => {
  const ref = loadReferenceData();

  it('has 8 kecamatan, 72 kelurahan and 635 TPS', () => {
    expect(ref.kecamatan).toHaveLength(8);
    expect(ref.kelurahan).toHaveLength(72);
    expect(ref.tps).toHaveLength(635);
    expect(new Set(ref.tps.map((t) => t.id)).size).toBe(635);
  });

  it('takes codes from the file, gaps included, and builds 13-digit TPS ids', () => {
    const timurI = ref.kelurahan.filter((k) => k.kecamatanCode === '167301').map((k) => k.code.slice(6));
    expect(timurI).toEqual(['1001', '1002', '1003', '1004', '1005', '1007', '1015', '1016']);
    const ulakLebar = ref.kelurahanByCode.get('1673061002');
    expect(ulakLebar?.name).toBe('Ulak Lebar');
    expect(ref.tpsById.get('1673061002901')).toMatchObject({ number: 901, special: true, kecamatanCode: '167306' });
    expect(ref.tpsById.get('1673061002013')).toBeUndefined();
  });

  it('holds the TPS compactly and answers like the list it replaces: same ids, order, lookups and counts', () => {
    // The list as the file spells it: kelurahan in file order, each one's numbers in file order.
    const csv = readFileSync(DEFAULT_REFERENCE_CSV, 'utf8').trim().split('\n').slice(1);
    expect(csv).toHaveLength(72);
    const ids = [...ref.tpsById.keys()];
    expect(ids).toEqual(ref.kelurahan.flatMap((k) => ref.tpsOf(k.code).map((t) => t.id)));
    expect(ref.tps.map((t) => t.id)).toEqual(ids);
    expect([ref.tpsTotal, ref.tpsById.size, new Set(ids).size]).toEqual([635, 635, 635]);
    for (const t of ref.tpsById.values()) {
      expect(ref.tpsById.get(t.id)).toEqual(t);
      expect(t).toEqual({
        id: t.kelurahanCode + String(t.number).padStart(3, '0'),
        number: t.number,
        kelurahanCode: t.kelurahanCode,
        kecamatanCode: ref.kelurahanByCode.get(t.kelurahanCode)!.kecamatanCode,
        special: t.number >= 900,
      });
    }
    expect(ref.kelurahan.every((k) => ref.tpsOf(k.code).length === k.tpsCount)).toBe(true);
    for (const bad of ['', '1673061002', '16730610020011', '167306100200a', '9999999999001', '1673061002000'])
      expect([bad, ref.tpsById.has(bad), ref.tpsById.get(bad)]).toEqual([bad, false, undefined]);
    expect(ref.tpsOf('9999999999')).toEqual([]);
  });

  it('places the city in the national hierarchy: provinsi 16 Sumatera Selatan > kota 1673, the root', () => {
    expect(ref.provinsi).toEqual([{ code: '16', name: 'Sumatera Selatan' }]);
    expect(ref.kabupaten).toEqual([{ code: '1673', name: 'Kota Lubuklinggau', provinsiCode: '16' }]);
    expect(ref.root).toEqual({ level: 'kabupaten', code: '1673', name: 'Kota Lubuklinggau' });
    expect(ref.city).toEqual({ code: '1673', name: 'Kota Lubuklinggau' });
    expect(new Set(ref.kecamatan.map((k) => k.kabupatenCode))).toEqual(new Set(['1673']));
  });

  it('expands TPS number ranges', () => {
    expect(expandRanges('1-3,901-902')).toEqual([1, 2, 3, 901, 902]);
    expect(() => expandRanges('x-2')).toThrow('bad TPS range');
  });
});

describe('reference files', () => {
  const HEAD = 'kode_kemendagri,kecamatan_kode,kecamatan,kelurahan,tps_count,tps_numbers';

  it('a city file without the upper columns takes provinsi and kabupaten from the codes', () => {
    const ref = parseReferenceCsv(`${HEAD}\n16.73.01.1001,16.73.01,Timur I,Air Kuti,2,1-2\n`);
    expect(ref.root).toEqual({ level: 'kabupaten', code: '1673', name: 'Kota Lubuklinggau' });
    expect(ref.provinsi).toEqual([{ code: '16', name: 'Provinsi 16' }]);
  });

  it('refuses codes that do not nest, and half of the upper columns', () => {
    expect(() => parseReferenceCsv(`${HEAD}\n16.73.01.1001,16.73.02,Timur I,Air Kuti,1,1\n`)).toThrow('is not its first 6 digits');
    expect(() => parseReferenceCsv(`provinsi_kode,provinsi,${HEAD}\n16,S,16.73.01.1001,16.73.01,T,A,1,1\n`)).toThrow('give all of');
    expect(() =>
      parseReferenceCsv(`provinsi_kode,provinsi,kabupaten_kode,kabupaten,${HEAD}\n17,S,16.73,K,16.73.01.1001,16.73.01,T,A,1,1\n`),
    ).toThrow("must be the code's first 2 and 4 digits");
  });

  it('the root is the province for one province, the nation for several', () => {
    const kec = (code: string) => ({ code, kemendagri: code, name: code, kabupatenCode: code.slice(0, 4) });
    const one = assemble(
      [{ code: '16', name: 'S' }],
      [
        { code: '1673', name: 'A', provinsiCode: '16' },
        { code: '1671', name: 'B', provinsiCode: '16' },
      ],
      [kec('167301')],
      [],
      [],
    );
    expect(one.root).toEqual({ level: 'provinsi', code: '16', name: 'S' });
    const two = assemble(
      [
        { code: '16', name: 'S' },
        { code: '17', name: 'B' },
      ],
      [],
      [],
      [],
      [],
    );
    expect(two.root).toEqual({ level: 'nation', code: '', name: 'Indonesia' });
  });
});

describe('the synthetic nation (npm run reference:synthetic)', () => {
  it('at 820,000 TPS is shaped like Indonesia: 38 / about 514 / 7,300 / 83,000', () => {
    const s = nationShapeFor(820_000);
    expect(s.provinsi).toBe(38);
    expect(Math.abs(s.kabupaten - 514) / 514).toBeLessThan(0.05);
    expect(Math.abs(s.kecamatan - 7_300) / 7_300).toBeLessThan(0.05);
    expect(Math.abs(s.kelurahan - 83_000) / 83_000).toBeLessThan(0.05);
  });

  it('writes a file the server accepts as REFERENCE_FILE: every level, 1 to 40 TPS a kelurahan, no real province code, all SINTETIS', () => {
    const shape = nationShapeFor(20_000);
    const csv = [...syntheticNationCsv(shape, 7)].join('\n');
    const ref = parseReferenceCsv(csv);
    expect([ref.provinsi.length, ref.kabupaten.length, ref.kecamatan.length, ref.kelurahan.length, ref.tps.length]).toEqual([
      shape.provinsi,
      shape.kabupaten,
      shape.kecamatan,
      shape.kelurahan,
      20_000,
    ]);
    expect(ref.root.level).toBe('nation');
    expect(ref.kelurahan.every((k) => k.tpsCount >= 1 && k.tpsCount <= 40)).toBe(true);
    expect(ref.provinsi.every((p) => SYNTHETIC_PROVINCE_CODES.includes(p.code) && p.name.startsWith('SINTETIS'))).toBe(true);
    expect(ref.provinsi[0].code).toBe('99');
    expect(ref.kelurahan.every((k) => k.name.startsWith('SINTETIS') && k.code.startsWith(k.kecamatanCode))).toBe(true);
    expect(new Set(ref.tps.map((t) => t.id)).size).toBe(20_000);
    // Deterministic for a seed.
    expect([...syntheticNationCsv(shape, 7)].join('\n')).toBe(csv);
  });
});
