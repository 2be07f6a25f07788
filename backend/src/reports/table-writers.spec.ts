/**
 * Streaming: 100,000 synthetic TPS rows through the real row builder and both real writers into a slow sink that keeps
 * nothing. The sink must receive bytes while the rows are still being produced (the file is never whole in memory),
 * the writers must wait for it (backpressure), and the heap must stay bounded.
 */
import { Writable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import ExcelJS from 'exceljs';
import type { AreaTotals } from '../live/live.contract.js';
import { resultColumns, type ResultRow } from './result-rows.js';
import { writeCsv, writeXlsx, type Table } from './table-writers.js';

const N = 100_000;

/**
 * A full collection before each reading, so the readings are what the writer holds, not garbage V8 has not collected
 * yet (without it the reading swung from 51 to 78 MB with the machine's load). Jest gives no --expose-gc: the flag is
 * set at run time and `gc` taken from a fresh context, which sees it.
 */
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;
const heapNow = () => {
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

function totals(i: number): AreaTotals {
  const v = [i % 97, (i * 7) % 113, (i * 13) % 89];
  const valid = v[0] + v[1] + v[2];
  return {
    contest: 'PPWP',
    candidates: v.map((votes, k) => ({ number: `0${k + 1}`, name: `Paslon ${k + 1}`, votes, share: valid ? votes / valid : 0 })),
    validVotes: valid,
    invalidVotes: i % 5,
    totalVotes: valid + (i % 5),
    dptCovered: 300,
    tpsTotal: 1,
    tpsReported: 1,
    tpsCheckedIn: 1,
    tpsFlagged: i % 50 === 0 ? 1 : 0,
    openIncidents: 0,
    tpsHeld: 0,
    official: { tpsCount: 0, validVotes: 0, candidates: [], tpsDiffering: 0 },
  };
}

/** A sink that counts bytes, answers each chunk on the next turn (so the writer meets backpressure) and keeps nothing. */
class CountingSink extends Writable {
  bytes = 0;
  constructor() {
    super({ highWaterMark: 64 * 1024 });
  }
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.bytes += chunk.length;
    setImmediate(done);
  }
}

async function run(format: 'csv' | 'xlsx') {
  const sink = new CountingSink();
  const seen: { produced: number; bytes: number; heap: number }[] = [];
  const base = heapNow();
  async function* rows(): AsyncGenerator<ResultRow> {
    for (let i = 0; i < N; i++) {
      if (i % 10_000 === 0) seen.push({ produced: i, bytes: sink.bytes, heap: heapNow() - base });
      const code = `99${String(i).padStart(11, '0')}`;
      yield {
        level: 'tps',
        code,
        name: `TPS ${i % 1000}`,
        kecamatan: 'SINTETIS',
        kelurahan: `Kelurahan ${Math.floor(i / 20)}`,
        totals: totals(i),
      };
    }
  }
  const columns = resultColumns(undefined, ['01', '02', '03']);
  const table: Table<ResultRow> = {
    name: 'TPS',
    columns,
    rows: rows(),
    total: { level: 'total', code: '99', name: 'Jumlah', kecamatan: '', kelurahan: '', totals: totals(0) },
  };
  const finished = new Promise((r) => sink.on('finish', r));
  if (format === 'csv') {
    await writeCsv(sink, [['Laporan', 'SINTETIS']], table);
    sink.end();
  } else await writeXlsx(sink, [['Laporan', 'SINTETIS']], [table]);
  await finished;
  const peak = Math.max(...seen.map((s) => s.heap));
  console.log(`${format}: ${N} rows, ${(sink.bytes / 1e6).toFixed(1)} MB written, live heap growth peak ${(peak / 1e6).toFixed(1)} MB`);
  return { sink, seen, peak };
}

describe('report writers stream', () => {
  it.each(['csv', 'xlsx'] as const)(
    '%s: 100,000 TPS rows with bounded memory',
    async (format) => {
      const { sink, seen, peak } = await run(format);
      // Halfway through producing the rows, much of the file has already left.
      const half = seen.find((s) => s.produced === N / 2)!;
      expect(half.bytes).toBeGreaterThan(sink.bytes / 4);
      expect(sink.bytes).toBeGreaterThan(format === 'csv' ? 8_000_000 : 2_000_000);
      // Far below the file itself for CSV; for XLSX below the uncompressed sheet (about 100 bytes a cell).
      expect(peak).toBeLessThan(64_000_000);
    },
    240_000,
  );
});

describe('XLSX rows written as SpreadsheetML', () => {
  it('reads back with exceljs: values, escaped text, empty cells, number formats, bold totals, frozen header', async () => {
    type R = { name: string; votes: number; share: number | null };
    const table: Table<R> = {
      name: 'TPS',
      columns: [
        { key: 'name', header: 'Nama', width: 20, value: (r) => r.name },
        { key: 'votes', header: 'Suara', numFmt: '#,##0', width: 10, value: (r) => r.votes },
        { key: 'share', header: 'Partisipasi', numFmt: '0.00%', width: 10, value: (r) => r.share },
      ],
      rows: [
        { name: 'Tanjung <Aman> & "Sejahtera"', votes: 1234, share: 0.5 },
        { name: ' spasi di tepi \u0007', votes: 0, share: null },
      ],
      total: { name: 'Jumlah', votes: 1234, share: 0.25 },
    };
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    });
    await writeXlsx(sink, [['Posisi log', '42']], [table]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Keterangan', 'TPS']);
    expect(wb.getWorksheet('Keterangan')!.getRow(2).values).toEqual([undefined, 'Posisi log', '42']);
    const ws = wb.getWorksheet('TPS')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getRow(1).values).toEqual([undefined, 'Nama', 'Suara', 'Partisipasi']);
    expect(ws.getRow(2).values).toEqual([undefined, 'Tanjung <Aman> & "Sejahtera"', 1234, 0.5]);
    // The bell character cannot be held by XML and is dropped; the spaces stay; null is an empty cell.
    expect(ws.getRow(3).values).toEqual([undefined, ' spasi di tepi ', 0]);
    expect(ws.getCell('C3').value).toBeNull();
    expect(ws.getCell('B2').numFmt).toBe('#,##0');
    expect(ws.getCell('C2').numFmt).toBe('0.00%');
    expect(ws.getCell('A2').font?.bold).toBeFalsy();
    expect(ws.getRow(4).values).toEqual([undefined, 'Jumlah', 1234, 0.25]);
    expect([ws.getCell('A4').font?.bold, ws.getCell('B4').font?.bold]).toEqual([true, true]);
    expect(ws.getCell('B4').numFmt).toBe('#,##0');
    expect(ws.rowCount).toBe(4);
  });
});
