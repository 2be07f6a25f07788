import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.decorator.js';
import { ApiRoute } from '../http/api-doc.decorator.js';
import { ValidationError } from '../http/domain-error.js';
import type { Contests } from '../reference/contests.js';
import { CONTESTS, REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { AuditService } from './audit.service.js';
import { CheckpointSigner } from './checkpoints/checkpoint-signer.service.js';
import { QueryParams } from './query-params.js';
import { listCorrections, parseCorrectionsQuery } from './corrections.query.js';
import { paperForms, parsePaperFormsQuery } from './paper-forms.query.js';
import { historyCsv } from './tps-history.js';

@ApiTags('audit')
@Controller()
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @Inject(CONTESTS) private readonly contests: Contests,
    private readonly ds: DataSource,
    private readonly signer: CheckpointSigner,
  ) {}

  @Get('tps/:tpsId/history')
  @Roles('auditor', 'operator', 'supervisor', 'admin')
  @ApiRoute({
    summary: 'Every event of one TPS in order, with who, when, why and the difference from the version before; ?format=csv downloads it',
  })
  async history(@Param('tpsId') tpsId: string, @Query('format') format: string | undefined, @Res() res: Response): Promise<void> {
    if (!this.ref.tpsById.has(tpsId)) throw new ValidationError([{ path: 'tpsId', problem: 'unknown TPS id' }], 'Unknown TPS');
    if (format !== undefined && format !== 'json' && format !== 'csv') {
      throw new ValidationError([{ path: 'format', problem: 'must be json or csv' }]);
    }
    const entries = await this.audit.history(tpsId);
    if (format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="tps-${tpsId}-history.csv"`);
      res.send(historyCsv(entries));
      return;
    }
    res.json({ tpsId, events: entries });
  }

  @Get('audit/corrections')
  @Roles('auditor', 'operator', 'supervisor', 'admin')
  @ApiRoute({
    summary: 'Every correction city-wide, newest first; ?since=&until= (ISO time), ?kelurahan=, ?actor=, ?before=<position>&limit=',
    errors: { 400: ['REQUEST.INVALID'] },
  })
  corrections(@Query() query: Record<string, unknown>) {
    return listCorrections(this.ds, parseCorrectionsQuery(query));
  }

  @Get('audit/paper-forms')
  @Roles('auditor', 'operator', 'supervisor', 'admin')
  @ApiRoute({
    summary: 'TPS whose latest paper form differs from the latest online tally (fields side by side), and TPS with no paper form yet',
    errors: { 400: ['REQUEST.INVALID'] },
  })
  paperForms(@Query() query: Record<string, unknown>) {
    const f = parsePaperFormsQuery(query);
    return paperForms(this.ds, this.ref, f, f.contest ?? this.contests.defaultCode);
  }

  @Get('audit/verify')
  @Roles('auditor', 'admin')
  @ApiRoute({
    summary:
      'Re-reads the whole store and reports every broken hash link and every event missing from, added to or moved in the anchored log; ' +
      '?expectHead=<hash>[&at=<position>] also checks a log head someone kept (at that position, or anywhere in the log)',
    errors: { 400: ['REQUEST.INVALID'] },
  })
  verify(@Query() query: Record<string, unknown>) {
    const p = new QueryParams(query);
    const logHead = p.word('expectHead', /^[0-9a-f]{64}$/, 'must be a log head: 64 lowercase hex characters');
    const position = p.position('at');
    if (position !== undefined && logHead === undefined) p.problems.push({ path: 'expectHead', problem: 'is required with at' });
    p.done();
    return this.audit.verify(logHead === undefined ? [] : [{ logHead, position, label: 'expectHead' }]);
  }

  @Get('audit/export')
  @Roles('auditor', 'admin')
  @ApiRoute({ summary: 'Every event as JSON lines with its hash and the running log-chain head (application/x-ndjson)' })
  async export(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="sipantaumilu-events.jsonl"');
    for await (const line of this.audit.exportLines(this.signer.enabled ? this.signer.publicKey() : null)) {
      if (!res.write(line + '\n')) await new Promise((ok) => res.once('drain', ok));
    }
    res.end();
  }
}
