import { loadContests } from '../reference/contests.js';
import { readSirekapFile, sirekapFromCsvRecord, type ReadContext } from './sirekap-result.js';

const contest = loadContests().byCode.get('PPWP')!;
const ctx: ReadContext = { contest, knownTps: (id) => (id.startsWith('1673061002') ? { special: id.endsWith('901') } : undefined) };
const TPS = '1673061002001';
const file = (over: Record<string, unknown> = {}) => ({
  chart: { '100025': 60, '100026': 80, '100027': 35, null: null },
  images: ['https://example.test/1.jpg'],
  administrasi: {
    suara_sah: 175, suara_tidak_sah: 5, suara_total: 180,
    pemilih_dpt_j: 250, pemilih_dpt_l: 124, pemilih_dpt_p: 126,
    pengguna_dpt_j: 170, pengguna_dpt_l: 83, pengguna_dpt_p: 87,
    pengguna_dptb_j: 6, pengguna_dptb_l: 3, pengguna_dptb_p: 3,
    pengguna_non_dpt_j: 4, pengguna_non_dpt_l: 2, pengguna_non_dpt_p: 2,
    pengguna_total_j: 180, pengguna_total_l: 88, pengguna_total_p: 92,
  }, // prettier-ignore
  psu: null,
  ts: '2024-02-14 21:46:01',
  status_suara: true,
  status_adm: true,
  ...over,
});

describe('reading a Sirekap per-TPS file', () => {
  it('maps KPU candidate ids to our numbers, keeps the published numbers, and makes the WIB time explicit', () => {
    expect(readSirekapFile(file(), TPS, 'sirekap-json', ctx)).toEqual({
      kind: 'result',
      tpsId: TPS,
      data: expect.objectContaining({
        votes: { '01': 60, '02': 80, '03': 35 },
        ts: '2024-02-14T21:46:01+07:00',
        images: ['https://example.test/1.jpg'],
        flags: [],
        statusSuara: true,
      }),
    });
  });

  it("flags the form's rules the numbers break instead of refusing them", () => {
    const broken = file({
      chart: { '100025': 0, '100026': 0, '100027': 0 },
      administrasi: { ...file().administrasi, suara_sah: 212, pengguna_total_j: 115 },
    });
    const r = readSirekapFile(broken, TPS, 'sirekap-json', ctx);
    expect(r.kind).toBe('result');
    const codes = r.kind === 'result' ? r.data.flags.map((f) => f.code) : [];
    expect(codes).toEqual(expect.arrayContaining(['VALID_TOTAL', 'VOTERS_TOTAL']));
    expect(codes).not.toContain('BALLOTS_BALANCE');
  });

  it('tells a TPS KPU has not processed from a file that is not a result', () => {
    expect(readSirekapFile(file({ chart: null, administrasi: null }), TPS, 'sirekap-json', ctx)).toMatchObject({ kind: 'pending' });
    expect(readSirekapFile(file({ chart: { '100025': 1, '100026': null, '100027': 2 } }), TPS, 'sirekap-json', ctx)).toMatchObject({
      kind: 'pending',
      why: 'no number yet for candidate 02 (100026)',
    });
    expect(readSirekapFile(file({ ts: '14/02/2024' }), TPS, 'sirekap-json', ctx)).toMatchObject({ kind: 'error' });
    expect(readSirekapFile(file({ chart: { '100025': 1.5, '100026': 1, '100027': 2 } }), TPS, 'sirekap-json', ctx)).toMatchObject({
      kind: 'error',
    });
    expect(readSirekapFile(file({ chart: { '999': 1, '100025': 1, '100026': 1, '100027': 2 } }), TPS, 'sirekap-json', ctx)).toMatchObject({
      kind: 'error',
      problem: 'chart: unknown candidate ids 999',
    });
    expect(readSirekapFile(file(), '1673999999001', 'sirekap-json', ctx)).toMatchObject({
      kind: 'error',
      problem: 'unknown TPS 1673999999001',
    });
    expect(readSirekapFile([1, 2], TPS, 'sirekap-json', ctx)).toMatchObject({ kind: 'error' });
  });

  it('reads a CSV row of the same fields into the same shape', () => {
    const { tpsId, value } = sirekapFromCsvRecord(
      {
        tps_id: TPS,
        ts: '2024-02-14 21:46:01',
        '100025': '60',
        '100026': '80',
        '100027': '35',
        suara_sah: '175',
        images: 'a b',
        status_suara: 'true',
      },
      contest,
    );
    expect(tpsId).toBe(TPS);
    expect(readSirekapFile(value, tpsId, 'csv', ctx)).toMatchObject({
      kind: 'result',
      data: { source: 'csv', votes: { '01': 60, '02': 80, '03': 35 }, administrasi: { suara_sah: 175 }, images: ['a', 'b'] },
    });
  });
});
