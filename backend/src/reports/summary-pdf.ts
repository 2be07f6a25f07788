/**
 * GET /api/reports/summary.pdf: an A4 report in Bahasa Indonesia, laid out with pdfkit (text stays text, fonts
 * embedded). Data from one snapshot (summary-data.ts); layout in pdf-layout.ts.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import PDFDocument from 'pdfkit';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { inSnapshot } from '../projections/snapshot.js';
import type { Contests } from '../reference/contests.js';
import { CONTESTS, REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { layoutSummary } from './pdf-layout.js';
import { loadPdfFonts, type PdfFonts } from './pdf-fonts.js';
import type { AreaQuery } from './report-params.js';
import { ResultsSource } from './results-source.js';
import { readSummaryData, type SummaryData } from './summary-data.js';

@Injectable()
export class SummaryPdf {
  private readonly fonts: PdfFonts = loadPdfFonts();
  private readonly results: ResultsSource;

  constructor(
    private readonly ds: DataSource,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @Inject(CONTESTS) private readonly contests: Contests,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {
    this.results = new ResultsSource(ref, contests);
  }

  read(q: AreaQuery): Promise<SummaryData> {
    return inSnapshot(this.ds, (tx, position) =>
      readSummaryData(tx, position, q, {
        ref: this.ref,
        contests: this.contests,
        results: this.results,
        minTps: this.config.QUICKCOUNT_MIN_TPS,
      }),
    );
  }

  /** Streams the PDF into `out` (pdfkit writes page by page) and ends it. */
  async render(data: SummaryData, out: Writable): Promise<void> {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 40,
      bufferPages: false,
      info: { Title: `Laporan ringkasan ${data.total.name}`, Author: 'Sipantaumilu', Subject: data.contestName },
      lang: 'id-ID',
    });
    doc.registerFont('regular', this.fonts.regular);
    doc.registerFont('bold', this.fonts.bold);
    doc.pipe(out);
    layoutSummary(doc, data);
    doc.end();
    await once(out, 'finish');
  }
}
