/**
 * Reports and exports (issue 18) on the booted app: every row of the results CSV and XLSX (read back with csv-parse and
 * exceljs) equals /api/summary, /api/kecamatan, /api/kelurahan and /api/tps at the same log position; the incidents
 * export equals /api/incidents; the PDF's text (pdftotext) shows the totals, the position and the log head. On a small
 * synthetic nation: a provinsi and a kabupaten/kota report at every finer level, rows summing to /api/areas/{code}.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { AreaTotals, KelurahanSummary } from '../src/live/live.contract.js';
import { importOfficialResults } from '../src/official/official-import.js';
import type { Contests } from '../src/reference/contests.js';
import { parseReferenceCsv, type ReferenceData } from '../src/reference/reference-data.js';
import { syntheticNationCsv } from '../src/reference/synthetic-nation.js';
import { CONTESTS, REFERENCE_DATA } from '../src/reference/reference.module.js';
import { TpsCommandHandler } from '../src/tps/tps-command.handler.js';
import { goodTally, startTestApp, type TestApp } from './support/app.js';

const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
const KEL = '1673061002';
const [A, B, C, D] = ['1673061002001', '1673061002002', '1673061002003', '1673011001001'];
const votes = (v: [number, number, number]) => goodTally({ votes: { '01': v[0], '02': v[1], '03': v[2] } });

/** What a file row must say, from an API answer, keyed by the report's column headers. */
const expected = (t: AreaTotals) => ({
  'TPS (jumlah)': t.tpsTotal,
  'TPS melapor': t.tpsReported,
  'TPS petugas hadir': t.tpsCheckedIn,
  ...Object.fromEntries(t.candidates.map((c) => [c.number, c.votes])),
  'Suara sah': t.validVotes,
  'Suara tidak sah': t.invalidVotes,
  'Jumlah suara': t.totalVotes,
  'DPT (TPS melapor)': t.dptCovered,
  Partisipasi: t.dptCovered > 0 ? t.totalVotes / t.dptCovered : null,
  'TPS ditandai': t.tpsFlagged,
  'TPS ditahan': t.tpsHeld,
  'Insiden terbuka': t.openIncidents,
  'TPS data KPU': t.official.tpsCount,
  ...Object.fromEntries(t.official.candidates.map((c) => [`KPU ${c.number}`, c.votes])),
  'Suara sah KPU': t.official.validVotes,
  'TPS selisih dengan KPU': t.official.tpsDiffering,
});
/** A TPS's KPU columns from GET /api/tps (its latest official result for PPWP). */
const official = (item: { official?: { contest: string; votes: Record<string, number>; difference: { absolute: number } | null }[] }) => {
  const o = (item.official ?? []).filter((x) => x.contest === 'PPWP').at(-1);
  const v = (n: string) => o?.votes[n] ?? 0;
  return {
    'TPS data KPU': o ? 1 : 0,
    'KPU 01': v('01'),
    'KPU 02': v('02'),
    'KPU 03': v('03'),
    'Suara sah KPU': o ? v('01') + v('02') + v('03') : 0,
    'TPS selisih dengan KPU': (o?.difference?.absolute ?? 0) > 0 ? 1 : 0,
  };
};
/** A file row (strings from CSV, numbers from XLSX) in the same shape; candidate columns are `01 <name>`. */
const fromFile = (row: Record<string, unknown>) => {
  const n = (v: unknown) => (v === '' || v === null || v === undefined ? null : Number(v));
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(row)) {
    const cand = /^(\d{2}) /.exec(k);
    const kpu = /^KPU (\d{2}) /.exec(k);
    if (cand) out[cand[1]] = n(v);
    else if (kpu) out[`KPU ${kpu[1]}`] = n(v);
    else if (!['Tingkat', 'Kode', 'Nama', 'Kecamatan', 'Kelurahan'].includes(k)) out[k] = n(v);
  }
  return out;
};

describe('reports (e2e)', () => {
  let t: TestApp;
  const tok: Record<string, string> = {};
  let last = '';
  const get = async (path: string, who = 'operator') => {
    const res = await fetch(t.url + path, { headers: { authorization: `Bearer ${tok[who]}` } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const api = async (path: string, who = 'operator') => (await t.call('GET', path, { token: tok[who] })).body;

  beforeAll(async () => {
    t = await startTestApp({ QUICKCOUNT_MIN_TPS: '2' }, 'reports');
    Object.assign(tok, await t.loginAll({ A, B, C, D }, ['operator', 'auditor', 'display']));
    tok.supervisor = await t.login('supervisor', 'supervisor123');
    const post = async (who: string, path: string, body: unknown) => {
      const r = await t.call('POST', path, { token: tok[who], body });
      expect([path, r.status]).toEqual([path, 201]);
      last = r.body.position;
      return r.body;
    };
    await post('A', `/api/tps/${A}/check-in`, { location: { lat: -3.2967, lon: 102.8617, accuracyM: 15 } });
    await post('A', `/api/tps/${A}/tally`, votes([60, 80, 35]));
    await post('B', `/api/tps/${B}/tally`, votes([100, 50, 25]));
    await post('B', `/api/tps/${B}/tally/corrections`, { ...votes([100, 45, 30]), expectedRevision: 0, reason: 'salah baca' });
    // Two candidates with equal votes: an oddity, stored flagged (as in audit.e2e-spec).
    await post('C', `/api/tps/${C}/tally`, votes([70, 70, 35]));
    await post('D', `/api/tps/${D}/tally`, votes([20, 120, 35]));
    const inc = await post('A', `/api/tps/${A}/incidents`, { category: 'security', severity: 'high', description: 'keributan kecil' });
    await post('D', `/api/tps/${D}/incidents`, { category: 'logistics', severity: 'low', description: '=HYPERLINK("http://x")' });
    await post('operator', `/api/incidents/${inc.incidentId}/resolve`, { note: 'Sudah ditangani aparat' });
    const med = await post('B', `/api/tps/${B}/incidents`, { category: 'medical', severity: 'critical', description: 'pemilih pingsan' });
    await post('operator', `/api/incidents/${med.incidentId}/acknowledge`, {});
    await post('operator', `/api/incidents/${med.incidentId}/assign`, { assignee: 'operator', note: 'telepon puskesmas' });
    await post('operator', `/api/incidents/${med.incidentId}/escalate`, { to: 'ambulance', note: 'butuh ambulans' });
    // C's flagged tally is held by the supervisor (out of the totals, counted apart); KPU's result for A and B is
    // imported (Sirekap JSON lines): A's equals ours, B's differs.
    const cTally = (await t.call('GET', `/api/tps/${C}`, { token: tok.operator })).body.tallies[0];
    await post('supervisor', `/api/tps/${C}/tally/review`, {
      revision: cTally.revision,
      decision: 'hold',
      reason: 'Suara paslon sama persis, cek kertas',
    });
    const dir = mkdtempSync(join(tmpdir(), 'reports-kpu-'));
    const kpu = (tpsId: string, v: [number, number, number]) =>
      JSON.stringify({
        tps_id: tpsId,
        chart: { '100025': v[0], '100026': v[1], '100027': v[2], null: null },
        images: [],
        administrasi: null,
        psu: null,
        ts: '2024-02-14 21:46:01',
        status_suara: true,
        status_adm: null,
      });
    writeFileSync(join(dir, 'kpu.jsonl'), `${kpu(A, [60, 80, 35])}\n${kpu(B, [100, 44, 31])}\n`);
    const imported = await importOfficialResults(join(dir, 'kpu.jsonl'), {
      handler: t.app.get(TpsCommandHandler),
      ref: t.app.get<ReferenceData>(REFERENCE_DATA),
      contest: t.app.get<Contests>(CONTESTS).byCode.get('PPWP')!,
    });
    rmSync(dir, { recursive: true, force: true });
    expect([imported.imported, imported.errors]).toEqual([2, 0]);
    last = imported.lastPosition!;
    expect((await t.call('GET', `/api/summary?minPosition=${last}`, { token: tok.operator })).status).toBe(200);
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(() => t?.close());

  it('results CSV per level equals the read API at the same position, with the log head that verify accepts', async () => {
    const summary = await api('/api/summary');
    const [kecamatan, kelurahan, tps] = [await api('/api/kecamatan'), await api('/api/kelurahan'), await api('/api/tps')];
    const verify = await api('/api/audit/verify', 'auditor');
    for (const [level, list] of [
      ['kecamatan', kecamatan],
      ['kelurahan', kelurahan],
      ['tps', tps],
    ] as const) {
      const r = await get(`/api/reports/results?level=${level}&format=csv`);
      expect([r.status, r.headers.get('content-type'), r.headers.get('x-log-position')]).toEqual([
        200,
        'text/csv; charset=utf-8',
        summary.position,
      ]);
      expect([...r.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = r.bytes.toString('utf8');
      const records: string[][] = parse(text, { bom: true, relax_column_count: true });
      const meta = Object.fromEntries(records.filter((x: string[]) => x[0].startsWith('# ')).map((x: string[]) => [x[0].slice(2), x[1]]));
      expect([meta['Posisi log'], meta['Kepala log (log head)'], meta['Posisi kepala log']]).toEqual([
        summary.position,
        verify.logHead,
        last,
      ]);
      const rows = parse<Record<string, string>>(text, { bom: true, comment: '#', columns: true });
      const body = rows.filter((x) => x.Tingkat === level);
      const total = rows.filter((x) => x.Tingkat === 'total');
      expect([body.length, total.length, rows.length]).toEqual([list.length, 1, list.length + 1]);
      expect(fromFile(total[0])).toEqual(expected(summary));
      for (const item of list) {
        const row = body.find((x) => x.Kode === (item.code ?? item.id))!;
        const want =
          level === 'tps'
            ? (() => {
                const current = item.tallies.find((x: { contest: string }) => x.contest === 'PPWP');
                // A held tally is out of every total: its TPS counts as not reported, and as held.
                const held = current && !current.review.counted ? 1 : 0;
                const tally = held ? undefined : current;
                const v = (n: string) => tally?.votes[n] ?? 0;
                return {
                  'TPS (jumlah)': 1,
                  'TPS melapor': tally ? 1 : 0,
                  'TPS petugas hadir': item.checkedInAt ? 1 : 0,
                  '01': v('01'),
                  '02': v('02'),
                  '03': v('03'),
                  'Suara sah': tally?.validVotes ?? 0,
                  'Suara tidak sah': tally?.invalid ?? 0,
                  'Jumlah suara': tally ? tally.validVotes + tally.invalid : 0,
                  'DPT (TPS melapor)': tally?.dpt ?? 0,
                  Partisipasi: tally ? (tally.validVotes + tally.invalid) / tally.dpt : null,
                  'TPS ditandai': item.state === 'flagged' ? 1 : 0,
                  'TPS ditahan': held,
                  'Insiden terbuka': item.openIncidents,
                  ...official(item),
                };
              })()
            : expected(item);
        expect([item.code ?? item.id, fromFile(row)]).toEqual([item.code ?? item.id, want]);
      }
    }
    // The held tally and KPU's numbers, row by row: C held; A's KPU result equals ours, B's differs (44 vs 45, 31 vs 30).
    const tpsFile = parse<Record<string, string>>((await get('/api/reports/results?level=tps')).bytes.toString('utf8'), {
      bom: true,
      comment: '#',
      columns: true,
    });
    const at = (code: string) => fromFile(tpsFile.find((x) => x.Kode === code)!);
    expect([at(C)['TPS ditahan'], at(C)['TPS melapor'], at(A)['TPS ditahan']]).toEqual([1, 0, 0]);
    expect([at(A)['TPS data KPU'], at(A)['KPU 02'], at(A)['TPS selisih dengan KPU']]).toEqual([1, 80, 0]);
    expect([at(B)['KPU 02'], at(B)['KPU 03'], at(B)['Suara sah KPU'], at(B)['TPS selisih dengan KPU']]).toEqual([44, 31, 175, 1]);
    const totalRow = fromFile(tpsFile.find((x) => x.Tingkat === 'total')!);
    expect([totalRow['TPS ditahan'], totalRow['TPS data KPU'], totalRow['TPS selisih dengan KPU']]).toEqual([1, 2, 1]);
    const check = await api(`/api/audit/verify?expectHead=${verify.logHead}&at=${last}`, 'auditor');
    expect(check.ok).toBe(true);
  });

  it('results XLSX has one sheet per level, a frozen header, number formats and a totals row, equal to the read API', async () => {
    const r = await get('/api/reports/results?level=tps&format=xlsx', 'auditor');
    expect([r.status, r.headers.get('content-type')]).toEqual([200, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    writeFileSync(join(ARTIFACTS, 'report-results.xlsx'), r.bytes);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.bytes as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Keterangan', 'Kecamatan', 'Kelurahan', 'TPS']);
    const summary = await api('/api/summary');
    const info = Object.fromEntries(
      wb
        .getWorksheet('Keterangan')!
        .getSheetValues()
        .slice(2)
        .map((v) => [(v as string[])[1], (v as string[])[2]]),
    );
    expect(info['Posisi log']).toBe(summary.position);
    const lists: Record<string, { code?: string; id?: string }[]> = {
      Kecamatan: await api('/api/kecamatan'),
      Kelurahan: await api('/api/kelurahan'),
      TPS: await api('/api/tps'),
    };
    const kelurahan = (await api('/api/kelurahan')) as KelurahanSummary[];
    for (const name of ['Kecamatan', 'Kelurahan', 'TPS']) {
      const ws = wb.getWorksheet(name)!;
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const header = (ws.getRow(1).values as string[]).slice(1);
      const rows: Record<string, unknown>[] = [];
      ws.eachRow((row, i) => {
        if (i > 1) rows.push(Object.fromEntries(header.map((h, j) => [h, row.getCell(j + 1).value])));
      });
      expect(rows).toHaveLength(lists[name].length + 1);
      const totalRow = ws.getRow(rows.length + 1);
      expect([
        totalRow.getCell(1).value,
        totalRow.getCell(1).font?.bold,
        totalRow.getCell(header.indexOf('Suara sah') + 1).font?.bold,
      ]).toEqual(['total', true, true]);
      expect(ws.getRow(2).getCell(1).font?.bold).toBeFalsy();
      expect(totalRow.getCell(header.indexOf('Suara sah') + 1).numFmt).toBe('#,##0');
      expect(fromFile(rows[rows.length - 1])).toEqual(expected(summary));
      expect(ws.getRow(2).getCell(header.indexOf('Suara sah') + 1).numFmt).toBe('#,##0');
      expect(ws.getRow(2).getCell(header.indexOf('Partisipasi') + 1).numFmt).toBe('0.00%');
      expect(rows.slice(0, -1).map((x) => x.Kode)).toEqual(lists[name].map((x) => x.code ?? x.id));
      if (name === 'Kelurahan') for (const [i, k] of kelurahan.entries()) expect(fromFile(rows[i])).toEqual(expected(k));
    }
  });

  it('narrows to an area: a kelurahan by TPS equals GET /api/kelurahan/{code}', async () => {
    const kel = await api(`/api/kelurahan/${KEL}`);
    const r = await get(`/api/reports/results?area=${KEL}&level=tps`);
    const rows = parse<Record<string, string>>(r.bytes.toString('utf8'), { bom: true, comment: '#', columns: true });
    expect(rows.map((x) => x.Kode)).toEqual([...kel.tps.map((x: { id: string }) => x.id), KEL]);
    expect(fromFile(rows[rows.length - 1])).toEqual(expected(kel));
    const bad = await get(`/api/reports/results?area=${KEL}&level=kecamatan&format=pdf`);
    const problems = JSON.parse(bad.bytes.toString()).fields.map((f: { path: string }) => f.path);
    expect([bad.status, problems]).toEqual([400, ['format']]);
    const coarse = await get(`/api/reports/results?area=${KEL}&level=kecamatan`);
    expect([coarse.status, JSON.parse(coarse.bytes.toString()).fields[0].path]).toEqual([400, 'level']);
    const unknown = await get('/api/reports/results?area=1673999');
    expect([unknown.status, JSON.parse(unknown.bytes.toString()).fields[0].path]).toEqual([400, 'area']);
    for (const who of ['display', 'A']) expect((await get('/api/reports/results', who)).status).toBe(403);
  });

  it('incidents export has every incident with its lifecycle, equal to /api/incidents, formulas neutralised', async () => {
    const list = (await api('/api/incidents')) as {
      incidentId: string;
      status: string;
      resolvedAt: string | null;
      resolutionNote: string | null;
      description: string;
    }[];
    const r = await get('/api/reports/incidents?format=csv');
    const rows = parse<Record<string, string>>(r.bytes.toString('utf8'), { bom: true, comment: '#', columns: true });
    expect(rows.map((x) => x['ID insiden']).sort()).toEqual(list.map((x) => x.incidentId).sort());
    for (const i of list) {
      const row = rows.find((x) => x['ID insiden'] === i.incidentId)!;
      expect([row.Status, row['Diselesaikan (ISO)'], row['Catatan penyelesaian']]).toEqual([
        i.status,
        i.resolvedAt ?? '',
        i.resolutionNote ?? '',
      ]);
      expect(row.Keterangan).toBe(i.description.startsWith('=') ? `'${i.description}` : i.description);
    }
    const open = parse<Record<string, string>>((await get('/api/reports/incidents?status=open')).bytes.toString('utf8'), {
      bom: true,
      comment: '#',
      columns: true,
    });
    // The file is in report order (oldest first), the queue in its own: compare the sets.
    expect(open.map((x) => x['ID insiden']).sort()).toEqual(
      list
        .filter((x) => x.status === 'open')
        .map((x) => x.incidentId)
        .sort(),
    );
    // Every lifecycle step of the queue's view is in the row.
    const full = (await api('/api/incidents')) as {
      incidentId: string;
      lifecycle: { state: string; acknowledgedBy: string | null; assignee: string | null; escalations: { to: string }[] };
    }[];
    for (const i of full) {
      const row = rows.find((x) => x['ID insiden'] === i.incidentId)!;
      expect([row.Tahap, row['Diterima oleh'], row.Ditangani]).toEqual([
        i.lifecycle.state,
        i.lifecycle.acknowledgedBy ?? '',
        i.lifecycle.assignee ?? '',
      ]);
      expect(
        row.Eskalasi.split('; ')
          .filter(Boolean)
          .map((e) => e.split(' ')[0]),
      ).toEqual(i.lifecycle.escalations.map((e) => e.to));
    }
    // The console's filters, read by the same function: the report lists what GET /api/incidents lists.
    for (const filter of [
      'status=open',
      'state=escalated',
      'assignee=operator',
      'severity=high,low',
      'category=logistics',
      'kecamatan=167306',
      'overdue=false',
    ]) {
      const listed = ((await api(`/api/incidents?${filter}`)) as { incidentId: string }[]).map((i) => i.incidentId).sort();
      const file = parse<Record<string, string>>((await get(`/api/reports/incidents?${filter}`)).bytes.toString('utf8'), {
        bom: true,
        comment: '#',
        columns: true,
      });
      expect([filter, file.map((f) => f['ID insiden']).sort()]).toEqual([filter, listed]);
      expect(listed.length).toBeGreaterThan(0);
    }
    const x = await get('/api/reports/incidents?format=xlsx&kecamatan=167306&status=resolved');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.bytes as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet('Insiden')!;
    expect(ws.rowCount).toBe(2);
    const headers = (ws.getRow(1).values as unknown[]).map(String);
    expect(ws.getRow(2).getCell(headers.indexOf('Catatan penyelesaian')).value).toBe('Sudah ditangani aparat');
    const bad = await get('/api/reports/incidents?severity=huge');
    expect([bad.status, JSON.parse(bad.bytes.toString()).fields[0].path]).toEqual([400, 'severity']);
  });

  it('summary PDF: A4, fonts embedded, text shows the totals, the position and the log head', async () => {
    const r = await get('/api/reports/summary.pdf', 'auditor');
    expect([r.status, r.headers.get('content-type'), r.bytes.subarray(0, 5).toString()]).toEqual([200, 'application/pdf', '%PDF-']);
    const file = join(ARTIFACTS, 'report-summary.pdf');
    writeFileSync(file, r.bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    const summary = await api('/api/summary');
    const verify = await api('/api/audit/verify', 'auditor');
    const id = (n: number) => n.toLocaleString('id-ID');
    expect(text).toContain('Laporan Ringkasan Hasil Hitung Cepat');
    expect(text).toContain(`Suara sah ${id(summary.validVotes)}, tidak sah ${id(summary.invalidVotes)}, jumlah ${id(summary.totalVotes)}`);
    for (const c of summary.candidates) expect(text).toMatch(new RegExp(`${c.number} ${c.name}\\s+${id(c.votes).replace('.', '\\.')}`));
    expect(text).toContain(`posisi log ${summary.position}`);
    expect(text.replace(/\s+/g, ' ')).toContain(verify.logHead);
    expect(text).toContain('WIB');
    expect(text).toContain(`TPS melapor ${summary.tpsReported} dari ${id(summary.tpsTotal)}`);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain(`${summary.tpsHeld} TPS ditahan kepala posko`);
    expect(flat).toContain(`Data resmi KPU (Sirekap) diimpor untuk ${summary.official.tpsCount} TPS`);
    expect(flat).toContain(`${summary.official.tpsDiffering} TPS selisih dengan KPU`);
    // The incident rows name their categories from the list the dashboard shows too (src/tps/incident-labels.ts).
    expect(text).toMatch(/Keamanan\s+0\s+1/);
    expect(text).toMatch(/Logistik\s+1\s+0/);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
    expect(fonts).toMatch(/DejaVuSans\s.*yes\s+yes\s+yes/);
    expect(fonts).toMatch(/DejaVuSans-Bold\s.*yes\s+yes\s+yes/);
    const size = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(size).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, join(ARTIFACTS, 'report-summary')]);
    const kel = await get(`/api/reports/summary.pdf?area=${KEL}`);
    expect(kel.status).toBe(200);
  });
});

describe('reports of any area on a small synthetic nation (e2e)', () => {
  // 3 provinces > 6 kabupaten/kota > 12 kecamatan > 30 kelurahan > 150 TPS; every fourth TPS tallies, every fifth checks in.
  const csv = [...syntheticNationCsv({ provinsi: 3, kabupaten: 6, kecamatan: 12, kelurahan: 30, tps: 150 }, 9)];
  const ref = parseReferenceCsv(csv.join('\n'));
  let t: TestApp;
  let dir: string;
  let operator: string;
  const get = async (path: string) => {
    const res = await fetch(t.url + path, { headers: { authorization: `Bearer ${operator}` } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const api = async (path: string) => (await t.call('GET', path, { token: operator })).body;
  const csvRows = (bytes: Buffer) => parse<Record<string, string>>(bytes.toString('utf8'), { bom: true, comment: '#', columns: true });
  /** The columns that add up: every number but the turnout ratio. */
  const summed = (row: Record<string, number | null>) => Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'Partisipasi'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reports-nation-'));
    writeFileSync(join(dir, 'nation.csv'), csv.join('\n') + '\n');
    t = await startTestApp({ REFERENCE_FILE: join(dir, 'nation.csv'), QUICKCOUNT_MIN_TPS: '2' }, 'reports_nation');
    operator = await t.login('operator', 'operator123');
    let last = '';
    for (const [i, tps] of ref.tps.entries()) {
      if (i % 4 !== 0 && i % 5 !== 0) continue;
      const token = await t.login(tps.id, '123456');
      if (i % 5 === 0) expect((await t.call('POST', `/api/tps/${tps.id}/check-in`, { token, body: {} })).status).toBe(201);
      if (i % 4 !== 0) continue;
      const r = await t.call('POST', `/api/tps/${tps.id}/tally`, {
        token,
        body: votes([60 + (i % 17), 80 - (i % 17) - (i % 5), 35 + (i % 5)]),
      });
      expect([r.status, r.body.code, r.body.fields]).toEqual([201, undefined, undefined]);
      last = r.body.position;
    }
    expect((await t.call('GET', `/api/summary?minPosition=${last}`, { token: operator })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a provinsi and a kabupaten/kota by every finer level: rows equal /api/areas, sum to the area total', async () => {
    const prov = ref.provinsi[1].code;
    const kab = ref.kabupaten.find((k) => k.code.startsWith(prov))!.code;
    const cases: [string, string[]][] = [
      [prov, ['kabupaten', 'kecamatan', 'kelurahan', 'tps']],
      [kab, ['kecamatan', 'kelurahan', 'tps']],
    ];
    for (const [code, levels] of cases) {
      const view = await api(`/api/areas/${code}`);
      expect(view.area.tpsReported).toBeGreaterThan(0);
      for (const level of levels) {
        const r = await get(`/api/reports/results?area=${code}&level=${level}`);
        expect([code, level, r.status]).toEqual([code, level, 200]);
        const rows = csvRows(r.bytes);
        const body = rows.filter((x) => x.Tingkat === level);
        const [total] = rows.filter((x) => x.Tingkat === 'total');
        expect(fromFile(total)).toEqual(expected(view.area));
        // Every area (or TPS) of that level inside the area, in code order.
        const want = ref.tps
          .map((x) => x.id)
          .filter((id) => id.startsWith(code))
          .map((id) => (level === 'tps' ? id : id.slice(0, { kabupaten: 4, kecamatan: 6, kelurahan: 10 }[level])));
        expect(body.map((x) => x.Kode)).toEqual([...new Set(want)].sort());
        const sum: Record<string, number> = {};
        for (const row of body) for (const [k, v] of Object.entries(summed(fromFile(row)))) sum[k] = (sum[k] ?? 0) + (v ?? 0);
        expect([code, level, sum]).toEqual([code, level, summed(expected(view.area))]);
      }
      // The children's rows are exactly the drill-down's children.
      const children = csvRows((await get(`/api/reports/results?area=${code}`)).bytes).filter((x) => x.Tingkat !== 'total');
      expect(children.map((x) => x.Kode)).toEqual(view.children.map((c: { code: string }) => c.code));
      for (const [i, c] of view.children.entries()) expect(fromFile(children[i])).toEqual(expected(c));
      expect(children.map((x) => x.Nama)).toEqual(view.children.map((c: { name: string }) => c.name));
    }
  });

  it('the nation by provinsi by default; the XLSX of a provinsi has a sheet per level; the PDF of a kabupaten/kota', async () => {
    const root = await api('/api/areas');
    const rows = csvRows((await get('/api/reports/results')).bytes);
    expect(rows.map((x) => x.Tingkat)).toEqual([...ref.provinsi.map(() => 'provinsi'), 'total']);
    expect(fromFile(rows[rows.length - 1])).toEqual(expected(root.area));
    const prov = ref.provinsi[0].code;
    const x = await get(`/api/reports/results?area=${prov}&level=tps&format=xlsx`);
    expect([x.status, x.headers.get('content-disposition')]).toEqual([200, `attachment; filename="hasil-${prov}-tps.xlsx"`]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.bytes as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Keterangan', 'Kabupaten', 'Kecamatan', 'Kelurahan', 'TPS']);
    const coarse = await get(`/api/reports/results?area=${prov}&level=provinsi`);
    expect([coarse.status, JSON.parse(coarse.bytes.toString()).fields[0].path]).toEqual([400, 'level']);
    const none = await get('/api/reports/results?area=16');
    expect([none.status, JSON.parse(none.bytes.toString()).fields[0].path]).toEqual([400, 'area']);

    const kab = ref.kabupaten[0];
    const pdf = await get(`/api/reports/summary.pdf?area=${kab.code}`);
    expect(pdf.status).toBe(200);
    const file = join(ARTIFACTS, 'report-summary-kabupaten.pdf');
    writeFileSync(file, pdf.bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain(kab.name);
    expect(text).toContain('Rincian per kecamatan');
    const nation = await get('/api/reports/summary.pdf');
    writeFileSync(join(ARTIFACTS, 'report-summary-nation.pdf'), nation.bytes);
    const nationText = execFileSync('pdftotext', ['-layout', join(ARTIFACTS, 'report-summary-nation.pdf'), '-'], { encoding: 'utf8' });
    expect([nation.status, nation.headers.get('content-disposition')]).toEqual([200, 'attachment; filename="ringkasan-nasional.pdf"']);
    expect(nationText).toContain('Rincian per provinsi');
    for (const p of ref.provinsi) expect(nationText).toContain(p.name);
  });
});
