import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public, Roles } from '../auth/roles.decorator.js';
import { ValidationError } from '../http/domain-error.js';
import { ProjectionsHost } from '../projections/projections.host.js';
import { ProjectionsHealth } from '../projections/projections-health.js';
import type { RebuildResult } from '../projections/rebuild.js';

@Controller()
export class AdminProjectionsController {
  constructor(
    private readonly host: ProjectionsHost,
    private readonly health: ProjectionsHealth,
  ) {}

  /** Rebuilds one projection (`{ name }`) or all from position zero; answers when the new tables serve. */
  @Post('admin/projections/rebuild')
  @Roles('admin')
  @HttpCode(200)
  async rebuild(@Body() body: { name?: unknown } | undefined): Promise<{ rebuilt: RebuildResult[] }> {
    const name = body?.name;
    if (name !== undefined && name !== null && typeof name !== 'string') {
      throw new ValidationError([{ path: 'name', problem: 'must be a projection name' }]);
    }
    return { rebuilt: await this.host.rebuild(name ?? undefined) };
  }

  /** Prometheus scrapes without signing in, as it does /api/health; lag numbers reveal nothing about results. */
  @Get('metrics')
  @Public()
  async metrics(@Res() res: Response): Promise<void> {
    res.type('text/plain; version=0.0.4').send(await this.health.metrics());
  }
}
