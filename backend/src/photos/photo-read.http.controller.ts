import { Controller, Get, Inject, Logger, Param, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { DomainError, ValidationError } from '../http/domain-error.js';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
import { awaitPosition } from '../read-api/read-position.js';
import { sniffType } from './image-inspect.js';
import { photoErrors } from './photo.errors.js';
import { PhotoReadDoc } from './photo.api-docs.js';
import { PhotoLookup } from './photo-lookup.js';
import { PhotoVariants, SIZES, type VariantSize } from './photo-variants.js';
import { HASH, PHOTO_STORE, PhotoCorruptError, type PhotoStore } from './store/photo-store.port.js';

export const PHOTO_VARIANTS = Symbol('PHOTO_VARIANTS');

/**
 * `GET /api/photos/{photoId}[?size=thumb|medium]`: the original bytes (checked against the hash on the way out) or a
 * resized copy without metadata. The content never changes for a name, so the ETag is the hash and caches may keep it
 * for good; `private` keeps shared proxies from holding evidence.
 */
@ApiTags('photos')
@Controller()
export class PhotoReadController {
  private readonly logger = new Logger('Photos');

  constructor(
    @Inject(PHOTO_STORE) private readonly store: PhotoStore,
    @Inject(PHOTO_VARIANTS) private readonly variants: PhotoVariants,
    private readonly lookup: PhotoLookup,
    @Inject(READ_MODELS) private readonly rm: ReadModels,
  ) {}

  @Get('photos/:photoId')
  @PhotoReadDoc()
  @Roles('auditor', 'operator', 'officer')
  async photo(
    @Param('photoId') photoId: string,
    @Query('size') size: string | undefined,
    @Query('minPosition') minPosition: string | undefined,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!HASH.test(photoId)) throw new ValidationError([{ path: 'photoId', problem: 'must be a SHA-256 hex (64 lowercase hex digits)' }]);
    if (size !== undefined && !Object.hasOwn(SIZES, size))
      throw new ValidationError([{ path: 'size', problem: 'must be thumb or medium' }]);
    // Who may see a photo comes from the read model: an uploader reads its own photo right after the 201 by passing
    // the answer's position (`?minPosition=`), as every read route allows.
    if (minPosition !== undefined) await awaitPosition(this.rm, minPosition, res);
    // Only photos some event points at are served (never an orphan of a failed upload).
    const owners = await this.lookup.ownersOf(photoId);
    if (owners.length === 0) throw photoErrors.notFound();
    if (p.role === 'officer' && !owners.includes(p.tpsId ?? '')) {
      throw new DomainError('AUTH.WRONG_TPS', 403, 'Officers see only the photos of their own TPS', { assignedTps: p.tpsId });
    }
    const etag = `"${photoId}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    if ((req.headers['if-none-match'] ?? '').split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
      res.status(304).end();
      return;
    }
    const original = () => this.original(photoId);
    const bytes = size ? await this.variants.get(photoId, size as VariantSize, original) : await original();
    res.setHeader('Content-Type', size ? 'image/jpeg' : (sniffType(bytes) ?? 'application/octet-stream'));
    res.setHeader('Content-Length', String(bytes.length));
    res.status(200).end(bytes);
  }

  private async original(photoId: string): Promise<Buffer> {
    try {
      const bytes = await this.store.get(photoId);
      if (bytes) return bytes;
      this.logger.error(`photo ${photoId} is referenced by an event but missing from the ${this.store.kind} photo store`);
      throw new DomainError('PHOTO.MISSING', 500, 'The photo is recorded but its bytes are missing from the photo store');
    } catch (e) {
      if (!(e instanceof PhotoCorruptError)) throw e;
      this.logger.error(e.message);
      throw new DomainError('PHOTO.CORRUPT', 500, 'The stored photo no longer matches its hash; it is not served');
    }
  }
}
