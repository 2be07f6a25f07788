/** What the auditor's time slider needs to span election day in the city's own clock. */
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { ApiRoute } from '../http/api-doc.decorator.js';
import type { AuditMeta } from './audit.contract.js';

@ApiTags('audit')
@Controller()
export class AuditMetaController {
  constructor(@Inject(APP_CONFIG) private readonly config: Pick<RuntimeConfig, 'ELECTION_DATE'>) {}

  @Get('audit/meta')
  @Roles('auditor', 'operator', 'supervisor', 'admin')
  @ApiRoute({
    summary: 'Election date and time zone, so the audit screens can span election day',
    answer: { status: 200, example: { electionDate: '2024-02-14', timeZone: 'Asia/Jakarta' } },
  })
  meta(): AuditMeta {
    return { electionDate: this.config.ELECTION_DATE, timeZone: 'Asia/Jakarta' };
  }
}
