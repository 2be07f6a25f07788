import { describe, expect, it } from '@jest/globals';
import { loadReferenceData, parseReferenceCsv } from '../reference/reference-data.js';
import { syntheticNationCsv } from '../reference/synthetic-nation.js';
import { areaIndexOf } from './area-index.js';
import { idRange } from './area-reads.js';

const city = loadReferenceData();
const nation = parseReferenceCsv(
  [...syntheticNationCsv({ provinsi: 3, kabupaten: 5, kecamatan: 9, kelurahan: 20, tps: 90 }, 7)].join('\n'),
);

describe('area index', () => {
  it('holds the city from its root (kabupaten 1673) down, and nothing above it', () => {
    const i = areaIndexOf(city);
    expect(i.root).toEqual({ level: 'kabupaten', code: '1673', name: 'Kota Lubuklinggau' });
    expect([i.has('1673'), i.has('167306'), i.has('1673061002'), i.has('16'), i.has(''), i.has('1674')]).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(i.children('1673')).toHaveLength(8);
    expect(i.parents('1673061002').map((p) => p.code)).toEqual(['1673', '167306']);
    expect(i.parents('1673')).toEqual([]);
    expect(['1673', '167306', '1673061002'].map((c) => i.childLevel(c))).toEqual(['kecamatan', 'kelurahan', 'tps']);
    expect(i.selfAndAncestors('1673061002')).toEqual(['1673061002', '167306', '1673']);
  });

  it('counts and lists the kelurahan and kecamatan of an area at every level, from a code on', () => {
    const i = areaIndexOf(nation);
    const kel = nation.kelurahan.map((k) => k.code).sort();
    const kec = nation.kecamatan.map((k) => k.code).sort();
    for (const code of ['', ...nation.provinsi.map((p) => p.code), ...nation.kabupaten.map((k) => k.code), kec[3], kel[7]]) {
      const inside = kel.filter((k) => k.startsWith(code));
      expect([code, i.kelurahanCount(code), [...i.kelurahanOf(code)]]).toEqual([code, inside.length, inside]);
      if (code.length <= 6) expect([code, [...i.kecamatanOf(code)]]).toEqual([code, kec.filter((k) => k.startsWith(code))]);
    }
    expect([...i.kecamatanOf('', kec[4])]).toEqual(kec.slice(4));
    expect([...i.kelurahanOf('', kel[11])]).toEqual(kel.slice(11));
    expect(i.kelurahanCount('9999')).toBe(0);
    expect(areaIndexOf(city).kelurahanCount('1673')).toBe(72);
  });

  it('lists a kelurahan’s TPS by id from the reference, special (9xx) numbers included', () => {
    const i = areaIndexOf(city);
    for (const k of city.kelurahan)
      expect(i.tpsOf(k.code)).toEqual(
        city.tps
          .filter((t) => t.kelurahanCode === k.code)
          .map((t) => t.id)
          .sort(),
      );
  });

  it('walks the kelurahan of an area in code order, from a given code on', () => {
    const i = areaIndexOf(nation);
    const prov = nation.provinsi[1].code;
    const all = nation.kelurahan
      .map((k) => k.code)
      .filter((c) => c.startsWith(prov))
      .sort();
    expect([...i.kelurahanOf(prov)]).toEqual(all);
    expect([...i.kelurahanOf(prov, all[2])]).toEqual(all.slice(2));
    expect([...i.kelurahanOf('')]).toHaveLength(20);
    expect(i.root).toMatchObject({ level: 'nation', code: '' });
    expect([...i.children('')]).toEqual(nation.provinsi.map((p) => p.code).sort());
  });

  it('bounds the TPS ids under an area code', () => {
    expect(idRange('1673')).toEqual({ lo: '1673', hi: '1674' });
    expect(idRange('1679')).toEqual({ lo: '1679', hi: '168' });
    expect(idRange('99')).toEqual({ lo: '99', hi: null });
    expect(idRange('')).toEqual({ lo: '', hi: null });
  });
});
