/** Which rooms hear about a kelurahan: the city's rooms unchanged; under a national root, rows stop at the kabupaten. */
import { loadReferenceData, parseReferenceCsv } from '../reference/reference-data.js';
import { syntheticNationCsv } from '../reference/synthetic-nation.js';
import { CITY_ROOM, roomsOfKelurahan, roomsOfKelurahanRows } from './rooms.js';

describe('rooms of a kelurahan', () => {
  it('in the city (root Kota Lubuklinggau): the city room, the kecamatan and the kelurahan, for incidents and rows alike', () => {
    const city = loadReferenceData();
    const kel = city.kelurahan[0];
    const expected = [CITY_ROOM, `kec:${kel.kecamatanCode}`, `kel:${kel.code}`];
    expect(roomsOfKelurahan(city, kel.code)).toEqual(expected);
    expect(roomsOfKelurahanRows(city, kel.code)).toEqual(expected);
  });

  it('under a national root: incidents reach every level, TPS and kelurahan rows only the kabupaten/kota and below', () => {
    const nation = parseReferenceCsv(
      [...syntheticNationCsv({ provinsi: 3, kabupaten: 6, kecamatan: 9, kelurahan: 18, tps: 60 }, 11)].join('\n'),
    );
    expect(nation.root.level).toBe('nation');
    const kel = nation.kelurahan[0];
    const [prov, kab, kec] = [kel.code.slice(0, 2), kel.code.slice(0, 4), kel.kecamatanCode];
    expect(roomsOfKelurahan(nation, kel.code)).toEqual([CITY_ROOM, `area:${prov}`, `area:${kab}`, `kec:${kec}`, `kel:${kel.code}`]);
    expect(roomsOfKelurahanRows(nation, kel.code)).toEqual([`area:${kab}`, `kec:${kec}`, `kel:${kel.code}`]);
  });
});
