import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal } from '../../auth/auth.guard.js';
import type { Principal } from '../../auth/principal.js';
import { Public, Roles } from '../../auth/roles.decorator.js';
import { ApiRoute } from '../../http/api-doc.decorator.js';
import { parseBody } from '../../http/parse-body.js';
import { QueryParams } from '../query-params.js';
import { CheckpointSigner } from './checkpoint-signer.service.js';
import { listCheckpoints } from './checkpoint-store.js';

/**
 * Signed log heads. Listing them and the public key needs no sign-in: an outside observer (Bawaslu, a party witness)
 * fetches and keeps them; they reveal only the log's size and hashes (docs/audit.md, docs/security.md).
 */
/** Nothing to send: the server signs its own head. An empty body or {}; anything else is 400. */
const signSchema = z.strictObject({});

@ApiTags('audit')
@Controller('audit')
export class CheckpointsController {
  constructor(
    private readonly signer: CheckpointSigner,
    private readonly ds: DataSource,
  ) {}

  @Get('public-key')
  @Public()
  @ApiRoute({
    summary: 'The Ed25519 public key that signs the log checkpoints ({ algorithm, keyId, publicKey: PEM }; ?format=pem: the PEM alone)',
    public: true,
    errors: { 503: ['AUDIT.SIGNING_OFF'] },
  })
  publicKey(@Query('format') format: string | undefined, @Res({ passthrough: true }) res: Response) {
    const key = this.signer.publicKey();
    if (format !== 'pem') return key;
    res.setHeader('Content-Type', 'application/x-pem-file');
    return key.publicKey;
  }

  @Get('checkpoints')
  @Public()
  @ApiRoute({
    summary: 'Signed log checkpoints { position, logHead, eventsCount, at, keyId, signature }, newest first; ?before=<id>&limit=1..500',
    public: true,
    errors: { 400: ['REQUEST.INVALID'] },
  })
  async list(@Query() query: Record<string, unknown>) {
    const p = new QueryParams(query);
    const before = p.word('before', /^\d{1,18}$/, 'must be a checkpoint id');
    const limit = p.int('limit', 1, 500, 100);
    p.done();
    return listCheckpoints(this.ds, limit, before === undefined ? null : Number(before));
  }

  @Post('checkpoints')
  @HttpCode(201)
  @Roles('auditor', 'admin')
  @ApiRoute({
    summary: 'Signs the log head now and answers the checkpoint',
    body: signSchema,
    errors: { 400: ['REQUEST.INVALID'], 409: ['AUDIT.LOG_EMPTY'], 503: ['AUDIT.SIGNING_OFF'] },
  })
  sign(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    parseBody(signSchema, body ?? {});
    return this.signer.sign('on-demand', p.sub);
  }
}
