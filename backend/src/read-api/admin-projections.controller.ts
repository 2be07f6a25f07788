import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Roles } from '../auth/roles.decorator.js';
import { z } from 'zod';
import { ApiRoute } from '../http/api-doc.decorator.js';
import { parseBody } from '../http/parse-body.js';
import { ProjectionsHost } from '../projections/projections.host.js';
import type { RebuildResult } from '../projections/rebuild.js';

const rebuildSchema = z.strictObject({ name: z.string().min(1).max(64).optional() });

@Controller()
export class AdminProjectionsController {
  constructor(private readonly host: ProjectionsHost) {}

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
}
