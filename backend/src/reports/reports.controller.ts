/** The report routes (docs/reports.md): results as CSV or XLSX, incidents as CSV or XLSX, a PDF summary. */
import { Controller, Get, Inject, Logger, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Roles } from '../auth/roles.decorator.js';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { CLOCK, type Clock } from '../incidents/clock.js';
import { ApiRoute } from '../http/api-doc.decorator.js';
import { inSnapshot } from '../projections/snapshot.js';
import type { Contests } from '../reference/contests.js';
import { CONTESTS, REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { INCIDENT_COLUMNS, incidentRows, parseIncidentsQuery } from './incidents-report.js';
import { metaLines, readReportMeta } from './report-meta.js';
import { parseAreaQuery, parseResultsQuery } from './report-params.js';
import { ResultsSource } from './results-source.js';
import { SummaryPdf } from './summary-pdf.js';
import { REPORT_SNAPSHOT, writeResultsFile } from './results-export.js';
import { writeCsv, writeXlsx } from './table-writers.js';

const TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

/** Headers go out before the first row: a long export is answered, not cut by the request deadline. */
function startFile(res: Response, format: 'csv' | 'xlsx' | 'pdf', name: string, position: string | null): void {
  res.setHeader('Content-Type', format === 'pdf' ? 'application/pdf' : TYPES[format]);
  res.setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`);
  if (position) res.setHeader('X-Log-Position', position);
  res.flushHeaders();
}

/**
 * Runs a file-writing body; a failure after the headers went out cannot become a JSON error any more, so the
 * connection is cut (the client sees an incomplete download, never a file that looks whole).
 */
async function streamed(res: Response, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (!res.headersSent) throw e;
    logger.error(`report cut after the headers: ${e instanceof Error ? e.message : String(e)}`);
    res.destroy(e instanceof Error ? e : undefined);
    return;
  }
  res.end();
}

const logger = new Logger('Reports');

/** The area in a file's name: its code (the nation has none). */
const fileArea = (area: { code: string }) => area.code || 'nasional';

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  private readonly results: ResultsSource;

  constructor(
    private readonly ds: DataSource,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @Inject(CONTESTS) private readonly contests: Contests,
    private readonly pdf: SummaryPdf,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.results = new ResultsSource(ref, contests);
  }

  @Get('results')
  @Roles('operator', 'supervisor', 'auditor', 'admin')
  @ApiRoute({
    summary:
      'Results per provinsi, kabupaten/kota, kecamatan, kelurahan or TPS of an area of any level (?area=<2, 4, 6 or 10-digit code; default the root>&level=provinsi|kabupaten|kecamatan|kelurahan|tps, finer than the area&format=csv|xlsx&contest=), streamed, with the log position and head',
    errors: { 400: ['REQUEST.INVALID'] },
  })
  async resultsReport(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const q = parseResultsQuery(query, this.ref, this.contests);
    await streamed(res, () =>
      inSnapshot(
        this.ds,
        (tx, position) =>
          writeResultsFile(tx, position, { results: this.results, contests: this.contests }, q, res, () =>
            startFile(res, q.format, `hasil-${fileArea(q.area)}-${q.level}`, position),
          ),
        REPORT_SNAPSHOT,
      ),
    );
  }

  @Get('incidents')
  @Roles('operator', 'supervisor', 'auditor', 'admin')
  @ApiRoute({
    summary:
      'Every incident with its lifecycle and deadlines (?format=csv|xlsx and the filters of GET /api/incidents: status, state, severity, category, kelurahan, kecamatan, assignee, overdue), streamed',
    errors: { 400: ['REQUEST.INVALID'] },
  })
  async incidentsReport(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const q = parseIncidentsQuery(query, this.ref);
    const now = this.clock.now();
    await streamed(res, () =>
      inSnapshot(
        this.ds,
        async (tx, position) => {
          const meta = await readReportMeta(tx, position);
          const lines = metaLines(meta, 'Insiden');
          const table = {
            name: 'Insiden',
            columns: INCIDENT_COLUMNS,
            rows: incidentRows(tx, this.ref, q, this.config.INCIDENT_DEADLINES, now),
          };
          startFile(res, q.format, 'insiden', position);
          if (q.format === 'csv') await writeCsv(res, lines, table, true);
          else await writeXlsx(res, lines, [table]);
        },
        REPORT_SNAPSHOT,
      ),
    );
  }

  @Get('summary.pdf')
  @Roles('operator', 'supervisor', 'auditor', 'admin')
  @ApiRoute({
    summary:
      'A4 summary report in Bahasa Indonesia for an area of any level (?area=<2, 4, 6 or 10-digit code; default the root>&contest=): totals, estimate, progress, child areas, chart',
    errors: { 400: ['REQUEST.INVALID'] },
  })
  async summaryPdf(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const q = parseAreaQuery(query, this.ref, this.contests);
    const data = await this.pdf.read(q);
    startFile(res, 'pdf', `ringkasan-${fileArea(q.area)}`, data.meta.position);
    await streamed(res, () => this.pdf.render(data, res));
  }
}
