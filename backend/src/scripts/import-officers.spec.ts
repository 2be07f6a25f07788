import { parseOfficersCsv } from './import-officers.js';

const known = new Set(['1673061002001', '1673061002002']);

describe('officers CSV', () => {
  it('reads valid rows', () => {
    const { rows, problems } = parseOfficersCsv(
      'nip,name,phone,tps_id\r\n198001012005011001,Siti Aminah,0812000001,1673061002001\r\n',
      known,
    );
    expect(problems).toEqual([]);
    expect(rows).toEqual([{ nip: '198001012005011001', name: 'Siti Aminah', phone: '0812000001', tpsId: '1673061002001' }]);
  });
  it('names every bad line and never half-imports', () => {
    const { problems } = parseOfficersCsv(
      [
        'nip,name,phone,tps_id',
        '123,Budi,,1673061002001',
        '198001012005011002,,,1673061002999',
        '198001012005011003,Ani,,1673061002001',
      ].join('\n'),
      known,
    );
    expect(problems).toEqual([
      'line 2: nip must be 18 digits',
      'line 3: name is empty',
      'line 3: unknown TPS 1673061002999',
      'line 4: TPS 1673061002001 already assigned on line 2',
    ]);
  });
  it('reads quoted names with commas and quotes (a degree after the name), and refuses a broken quote', () => {
    const { rows, problems } = parseOfficersCsv(
      'nip,name,phone,tps_id\n198001012005011001,"Siti Aminah, S.Pd.",,1673061002001\n198001012005011002,"Budi ""Abah"" Santoso",,1673061002002\n',
      known,
    );
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.name)).toEqual(['Siti Aminah, S.Pd.', 'Budi "Abah" Santoso']);
    const broken = parseOfficersCsv('nip,name,phone,tps_id\n198001012005011001,"Siti,,1673061002001\n', known);
    expect(broken.rows).toEqual([]);
    expect(broken.problems[0]).toMatch(/^not a readable CSV/);
  });
});
