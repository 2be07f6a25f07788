/**
 * Streaming: 100,000 synthetic TPS rows through the real row builder and both real writers into a slow sink that keeps
 * nothing. The sink must receive bytes while the rows are still being produced (the file is never whole in memory),
 * the writers must wait for it (backpressure), and the heap must stay bounded.
 */
import { Writable } from 'node:stream';
import type { AreaTotals } from '../live/live.contract.js';
import { resultColumns, type ResultRow } from './result-rows.js';
import { writeCsv, writeXlsx, type Table } from './table-writers.js';

const N = 100_000;

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
  global.gc?.();
  const base = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  async function* rows(): AsyncGenerator<ResultRow> {
    for (let i = 0; i < N; i++) {
      if (i % 10_000 === 0)
        seen.push({ produced: i, bytes: sink.bytes, heap: process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers - base });
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
  console.log(`${format}: ${N} rows, ${(sink.bytes / 1e6).toFixed(1)} MB written, heap growth peak ${(peak / 1e6).toFixed(1)} MB`);
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
