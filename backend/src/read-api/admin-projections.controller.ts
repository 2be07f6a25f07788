import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public, Roles } from '../auth/roles.decorator.js';
import { z } from 'zod';
import { ApiRoute } from '../http/api-doc.decorator.js';
import { parseBody } from '../http/parse-body.js';
import { ProjectionsHost } from '../projections/projections.host.js';
import { ProjectionsHealth } from '../projections/projections-health.js';
import type { RebuildResult } from '../projections/rebuild.js';

const rebuildSchema = z.strictObject({ name: z.string().min(1).max(64).optional() });

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
  @ApiRoute({
    summary: 'Rebuild one projection ({ "name": "tps-status" }) or all ({}) from position zero while the old tables serve',
    body: rebuildSchema,
    example: { name: 'tps-status' },
    errors: { 400: ['REQUEST.INVALID'], 404: ['PROJECTION.UNKNOWN'], 409: ['PROJECTION.REBUILD_RUNNING'] },
  })
  async rebuild(@Body() body: unknown): Promise<{ rebuilt: RebuildResult[] }> {
    // An empty body means "all"; anything else must be exactly { name }.
    const { name } = parseBody(rebuildSchema, body ?? {});
    return { rebuilt: await this.host.rebuild(name) };
  }

  /** Prometheus scrapes without signing in, as it does /api/health; lag numbers reveal nothing about results. */
  @Get('metrics')
  @Public()
  async metrics(@Res() res: Response): Promise<void> {
    res.type('text/plain; version=0.0.4').send(await this.health.metrics());
  }
}
