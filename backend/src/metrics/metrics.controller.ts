import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/roles.decorator.js';
import { registry } from './metrics.js';

@Controller()
export class MetricsController {
  /** Prometheus scrapes without signing in, as it does /api/health; the numbers reveal nothing about results. */
  @Get('metrics')
  @Public()
  async metrics(@Res() res: Response): Promise<void> {
    res.type(registry.contentType).send(await registry.metrics());
  }
}
