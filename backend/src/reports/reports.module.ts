import { Module } from '@nestjs/common';
import { ReportsController } from './reports.controller.js';
import { SummaryPdf } from './summary-pdf.js';

/** Reports and exports (docs/reports.md). */
@Module({ controllers: [ReportsController], providers: [SummaryPdf] })
export class ReportsModule {}
