/** The pages of the PDF summary (A4, 40 pt margins), in Bahasa Indonesia. Pure drawing over pdfkit. */
import type PDFDocument from 'pdfkit';
import { INCIDENT_CATEGORY_LABEL } from '../tps/incident-labels.js';
import { turnout, type ResultRow } from './result-rows.js';
import { wib } from './report-meta.js';
import { LEVEL_LABEL } from './report-params.js';
import type { SummaryData } from './summary-data.js';

type Doc = InstanceType<typeof PDFDocument>;

const LEFT = 40;
const WIDTH = 515;
const BOTTOM = 800;
const COLORS = ['#1d4ed8', '#b91c1c', '#047857', '#a16207', '#7c3aed', '#0f766e'];

const num = (n: number) => n.toLocaleString('id-ID');
const pct = (x: number | null) =>
  x === null ? '-' : `${(x * 100).toLocaleString('id-ID', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}%`;

function room(doc: Doc, height: number): void {
  if (doc.y + height > BOTTOM) doc.addPage();
}

function heading(doc: Doc, text: string): void {
  room(doc, 40);
  doc.moveDown(0.6).font('bold').fontSize(12).fillColor('#111827').text(text, LEFT, doc.y, { width: WIDTH });
  doc.moveDown(0.3);
}

/** A table with a bold header row; `widths` in points, numbers right-aligned from column `numericFrom` on. */
function table(doc: Doc, header: string[], body: string[][], widths: number[], numericFrom = 1, boldLast = false): void {
  const rowHeight = 14;
  const drawRow = (cells: string[], bold: boolean) => {
    room(doc, rowHeight);
    const y = doc.y;
    let x = LEFT;
    doc
      .font(bold ? 'bold' : 'regular')
      .fontSize(8)
      .fillColor('#111827');
    cells.forEach((c, i) => {
      doc.text(c, x + 2, y + 3, { width: widths[i] - 4, align: i >= numericFrom ? 'right' : 'left', lineBreak: false, ellipsis: true });
      x += widths[i];
    });
    doc
      .moveTo(LEFT, y + rowHeight)
      .lineTo(LEFT + widths.reduce((a, b) => a + b, 0), y + rowHeight)
      .strokeColor('#d1d5db')
      .lineWidth(0.5)
      .stroke();
    doc.x = LEFT;
    doc.y = y + rowHeight;
  };
  drawRow(header, true);
  body.forEach((r, i) => drawRow(r, boldLast && i === body.length - 1));
}

function barChart(doc: Doc, data: SummaryData): void {
  const cands = data.total.totals.candidates;
  const max = Math.max(1, ...cands.map((c) => c.votes));
  const barHeight = 18;
  room(doc, cands.length * (barHeight + 8) + 10);
  let y = doc.y + 4;
  for (const [i, c] of cands.entries()) {
    const w = Math.round((c.votes / max) * 300);
    doc
      .font('regular')
      .fontSize(9)
      .fillColor('#111827')
      .text(`${c.number} ${c.name}`, LEFT, y + 4, { width: 110, lineBreak: false, ellipsis: true });
    doc.rect(LEFT + 115, y, Math.max(w, 1), barHeight).fill(COLORS[i % COLORS.length]);
    doc.fillColor('#111827').text(`${num(c.votes)} (${pct(c.share)})`, LEFT + 120 + w, y + 4, { width: 120, lineBreak: false });
    y += barHeight + 8;
  }
  doc.x = LEFT;
  doc.y = y;
}

function childTable(doc: Doc, data: SummaryData): void {
  const cands = data.total.totals.candidates.map((c) => c.number);
  const label = LEVEL_LABEL[data.childLevel].heading;
  const candWidth = Math.max(40, Math.floor(235 / Math.max(1, cands.length)));
  const widths = [130, 60, ...cands.map(() => candWidth), 45, 45];
  const row = (r: ResultRow) => [
    r.level === 'total' ? 'Jumlah' : r.name,
    `${num(r.totals.tpsReported)}/${num(r.totals.tpsTotal)}`,
    ...cands.map((n) => num(r.totals.candidates.find((c) => c.number === n)?.votes ?? 0)),
    num(r.totals.validVotes),
    num(r.totals.invalidVotes),
  ];
  table(
    doc,
    [label, 'TPS lapor', ...cands.map((n) => `Paslon ${n}`), 'Sah', 'Tdk sah'],
    [...data.children.map(row), row(data.total)],
    widths,
    1,
    true,
  );
}

export function layoutSummary(doc: Doc, data: SummaryData): void {
  const t = data.total.totals;
  const m = data.meta;
  doc.font('bold').fontSize(16).fillColor('#111827').text('Laporan Ringkasan Hasil Hitung Cepat', LEFT, 40, { width: WIDTH });
  doc.font('regular').fontSize(10).text(`${data.query.area.name} - ${data.contestName}`, { width: WIDTH });
  doc.text(`Dibuat ${wib(m.madeAt)}; angka pada posisi log ${m.position ?? '-'}`, { width: WIDTH });
  doc.fontSize(8).fillColor('#b45309').text('Hasil hitung cepat dari laporan petugas, bukan hasil resmi KPU.', { width: WIDTH });

  heading(doc, 'Perolehan suara');
  table(
    doc,
    ['Paslon', 'Suara', 'Persen'],
    t.candidates.map((c) => [`${c.number} ${c.name}`, num(c.votes), pct(c.share)]),
    [250, 130, 130],
  );
  doc.moveDown(0.3).font('regular').fontSize(9).fillColor('#111827');
  doc.text(
    `Suara sah ${num(t.validVotes)}, tidak sah ${num(t.invalidVotes)}, jumlah ${num(t.totalVotes)}; partisipasi ${pct(turnout(t))} dari DPT ${num(t.dptCovered)} di TPS yang melapor.`,
    LEFT,
    doc.y,
    { width: WIDTH },
  );
  heading(doc, 'Grafik perolehan suara');
  barChart(doc, data);

  heading(doc, 'Perkiraan hitung cepat (selang kepercayaan 95%)');
  if (data.estimate.shown)
    table(
      doc,
      ['Paslon', 'Perkiraan', 'Batas galat', 'Rentang'],
      data.estimate.candidates.map((c) => [
        `${c.number} ${t.candidates.find((x) => x.number === c.number)?.name ?? ''}`,
        pct(c.share),
        `± ${pct(c.marginOfError)}`,
        `${pct(c.low)} - ${pct(c.high)}`,
      ]),
      [200, 100, 100, 115],
    );
  else
    doc
      .font('regular')
      .fontSize(9)
      .text(`Belum ditampilkan: baru ${num(t.tpsReported)} TPS melapor, minimal ${num(data.estimate.minTps)}.`, LEFT, doc.y, {
        width: WIDTH,
      });

  heading(doc, 'Kemajuan pelaporan');
  doc.font('regular').fontSize(9).fillColor('#111827');
  doc.text(
    `TPS melapor ${num(t.tpsReported)} dari ${num(t.tpsTotal)} (${pct(t.tpsTotal ? t.tpsReported / t.tpsTotal : null)}); petugas hadir di ${num(t.tpsCheckedIn)} TPS; ` +
      `${num(t.tpsFlagged)} TPS ditandai; ${num(t.tpsHeld)} TPS ditahan kepala posko (tidak dihitung); ${num(t.openIncidents)} insiden terbuka; ${num(data.corrections)} koreksi tercatat.`,
    LEFT,
    doc.y,
    { width: WIDTH },
  );
  // KPU's official count beside ours, where imported (docs/audit.md): covers other TPS than ours until both are complete.
  if (t.official.tpsCount > 0)
    doc.text(
      `Data resmi KPU (Sirekap) diimpor untuk ${num(t.official.tpsCount)} TPS: suara sah ${num(t.official.validVotes)} ` +
        `(${t.official.candidates.map((c) => `${c.number}: ${num(c.votes)}`).join(', ')}); ${num(t.official.tpsDiffering)} TPS selisih dengan KPU.`,
      LEFT,
      doc.y,
      { width: WIDTH },
    );

  heading(doc, `Rincian per ${data.childLevel === 'tps' ? 'TPS' : LEVEL_LABEL[data.childLevel].heading.toLowerCase()}`);
  childTable(doc, data);

  heading(doc, 'Insiden per kategori dan status');
  if (data.incidents.length === 0) doc.font('regular').fontSize(9).text('Tidak ada insiden.', LEFT, doc.y, { width: WIDTH });
  else
    table(
      doc,
      ['Kategori', 'Terbuka', 'Selesai'],
      data.incidents.map((i) => [INCIDENT_CATEGORY_LABEL[i.category] ?? i.category, num(i.open), num(i.resolved)]),
      [250, 130, 130],
    );

  heading(doc, 'Cara memverifikasi laporan ini');
  doc.font('regular').fontSize(8).fillColor('#111827');
  const cp = m.checkpoint;
  doc.text(`Posisi log: ${m.position ?? '-'}`, LEFT, doc.y, { width: WIDTH });
  doc.text(`Kepala log (log head) pada posisi ${m.logHead?.position ?? '-'}: ${m.logHead?.head ?? '-'}`, { width: WIDTH });
  doc.text(
    cp
      ? `Checkpoint bertanda tangan terakhir: posisi ${cp.position}, kepala log ${cp.logHead}, ${cp.at}, kunci ${cp.keyId}`
      : 'Belum ada checkpoint bertanda tangan.',
    {
      width: WIDTH,
    },
  );
  doc.moveDown(0.3);
  doc.text(
    'Angka laporan ini dapat dihitung ulang dari ekspor audit (GET /api/audit/export atau npm run audit:export). ' +
      'Kepala log di atas dapat diperiksa dengan GET /api/audit/verify?expectHead=<kepala log>&at=<posisi> atau ' +
      'npm run audit:verify -- --expect-head <kepala log> --at <posisi>; checkpoint bertanda tangan dengan kunci publik dari ' +
      'GET /api/audit/public-key (docs/audit.md, docs/reports.md).',
    { width: WIDTH },
  );
}
