import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { ReportsController } from './reports.controller.js';
import { SummaryPdf } from './summary-pdf.js';

/** Reports and exports (docs/reports.md). */
// The incidents' clock: the report's deadlines are the queue's (a test's adjusted clock included).
@Module({ imports: [IncidentsModule], controllers: [ReportsController], providers: [SummaryPdf] })
export class ReportsModule {}
