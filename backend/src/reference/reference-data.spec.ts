import { expandRanges, loadReferenceData } from './reference-data.js';

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

  it('expands TPS number ranges', () => {
    expect(expandRanges('1-3,901-902')).toEqual([1, 2, 3, 901, 902]);
    expect(() => expandRanges('x-2')).toThrow('bad TPS range');
  });
});
