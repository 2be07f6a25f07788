import { Controller, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import getRawBody from 'raw-body';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { DomainError, ValidationError, type FieldProblem } from '../http/domain-error.js';
import type { Contests } from '../reference/contests.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { CONTESTS, REFERENCE_DATA } from '../reference/reference.module.js';
import { photoErrors } from './photo.errors.js';
import { PhotoUploadDoc } from './photo.api-docs.js';
import { PhotoUploadService } from './photo-upload.service.js';

export const PAGES = [1, 2, 3];

/**
 * `POST /api/tps/{tpsId}/photos?contest=PPWP&page=1`, the image as the raw body. The JSON body parser leaves image
 * bodies alone; this route reads the body itself, after the caller, the TPS and the query are checked, with its own
 * limit (PHOTO_MAX_BYTES), so a refused caller never makes the server buffer 12 MB.
 */
@ApiTags('officers')
@Controller()
export class PhotoUploadController {
  constructor(
    private readonly uploads: PhotoUploadService,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @Inject(CONTESTS) private readonly contests: Contests,
  ) {}

  @Post('tps/:tpsId/photos')
  @PhotoUploadDoc()
  @HttpCode(201)
  @Roles('officer', 'operator')
  async upload(
    @Param('tpsId') tpsId: string,
    @Query('contest') contestParam: string | undefined,
    @Query('page') pageParam: string | undefined,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
  ) {
    if (!this.ref.tpsById.has(tpsId))
      throw new ValidationError([{ path: 'tpsId', problem: 'unknown TPS id (13 digits: kelurahan id + TPS number)' }], 'Unknown TPS');
    if (p.role === 'officer' && p.tpsId !== tpsId)
      throw new DomainError('AUTH.WRONG_TPS', 403, 'Officers report only for the TPS assigned to them', { assignedTps: p.tpsId });
    const contest = contestParam ?? this.contests.defaultCode;
    const page = Number(pageParam);
    const problems: FieldProblem[] = [];
    if (!this.contests.byCode.has(contest))
      problems.push({ path: 'contest', problem: `unknown contest; known: ${[...this.contests.byCode.keys()].join(', ')}` });
    if (!/^\d$/.test(pageParam ?? '') || !PAGES.includes(page)) problems.push({ path: 'page', problem: 'must be 1, 2 or 3' });
    if (problems.length) throw new ValidationError(problems);
    const bytes = await this.readBody(req);
    return this.uploads.upload({ tpsId, contest, page }, bytes, p);
  }

  private async readBody(req: Request): Promise<Buffer> {
    const limit = this.config.PHOTO_MAX_BYTES;
    // Already read by a JSON parser (Content-Type application/json): that is not an image.
    if (req.readableEnded) throw photoErrors.unsupportedType();
    let bytes: Buffer;
    try {
      bytes = await getRawBody(req, { limit, length: req.headers['content-length'] });
    } catch (e) {
      const type = (e as { type?: string }).type;
      if (type === 'entity.too.large') throw photoErrors.tooLarge(limit);
      throw new DomainError('REQUEST.INVALID', 400, 'The request body could not be read');
    }
    if (bytes.length === 0) throw photoErrors.empty();
    return bytes;
  }
}
