/**
 * The read API of any area (docs/projections.md "Areas"): GET /api/areas (the reference's root), /api/areas/:code (a provinsi,
 * kabupaten/kota, kecamatan or kelurahan at or below the root) and /api/areas/:code/tps, each a page at a time with
 * an opaque cursor. Any signed-in role; officer details as tpsViewFor allows.
 */
import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { Response } from 'express';
import { QueryParams } from '../audit/query-params.js';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/principal.js';
import type { AreaTpsPage, AreaView, TpsState } from '../live/live.contract.js';
import { AREA_CHILDREN_LIMIT, AREA_TPS_LIMIT } from '../projections/area-reads.js';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
import { REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { awaitPosition, POSITION_HEADER } from './read-position.js';
import { AREA_CODE, AREA_CODE_PROBLEM, areaNotFound as notFound, CONTEST_PATTERN, cursorOf, TPS_STATES } from './query.js';
import { tpsViewFor } from './visibility.js';

const q = (name: string, description: string) => ApiQuery({ name, required: false, description });

@Controller('areas')
export class AreasController {
  constructor(
    @Inject(READ_MODELS) private readonly rm: ReadModels,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
  ) {}

  @Get()
  @q('contest', 'contest code, default the first (PPWP)')
  @q('limit', `children per page, 1..${AREA_CHILDREN_LIMIT}, default ${AREA_CHILDREN_LIMIT}`)
  @q('cursor', 'nextCursor of the previous page')
  @q('minPosition', 'wait (up to 5 s) until the read models reach this position')
  root(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<AreaView> {
    return this.view(this.ref.root.code, query, res);
  }

  @Get(':code')
  @q('contest', 'contest code, default the first (PPWP)')
  @q('limit', `children per page, 1..${AREA_CHILDREN_LIMIT}, default ${AREA_CHILDREN_LIMIT}`)
  @q('cursor', 'nextCursor of the previous page')
  @q('minPosition', 'wait (up to 5 s) until the read models reach this position')
  area(@Param('code') code: string, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<AreaView> {
    checkCode(code);
    return this.view(code, query, res);
  }

  @Get(':code/tps')
  @q('limit', `TPS per page, 1..${AREA_CHILDREN_LIMIT}, default ${AREA_TPS_LIMIT}`)
  @q('cursor', 'nextCursor of the previous page')
  @ApiQuery({ name: 'status', required: false, enum: TPS_STATES })
  @q('minPosition', 'wait (up to 5 s) until the read models reach this position')
  async tps(
    @Param('code') code: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AreaTpsPage> {
    checkCode(code);
    const p = new QueryParams(query);
    const limit = p.int('limit', 1, AREA_CHILDREN_LIMIT, AREA_TPS_LIMIT);
    const after = cursorOf(p, /^\d{13}$/);
    const status = p.word('status', new RegExp(`^(${TPS_STATES.join('|')})$`), `must be one of ${TPS_STATES.join(', ')}`);
    const min = p.position('minPosition');
    p.done();
    await awaitPosition(this.rm, min, res);
    const page = await this.rm.areaTps(code, { limit, after, state: status as TpsState | undefined });
    if (!page) throw notFound(code);
    if (page.position) res.setHeader(POSITION_HEADER, page.position);
    return { ...page, tps: page.tps.map((t) => tpsViewFor(principal.role, t)) };
  }

  private async view(code: string, query: Record<string, unknown>, res: Response): Promise<AreaView> {
    const p = new QueryParams(query);
    const contest = p.word('contest', CONTEST_PATTERN, 'must be a contest code like PPWP');
    const limit = p.int('limit', 1, AREA_CHILDREN_LIMIT, AREA_CHILDREN_LIMIT);
    const after = cursorOf(p, AREA_CODE);
    const min = p.position('minPosition');
    p.done();
    await awaitPosition(this.rm, min, res);
    const view = await this.rm.area(code, { contest, limit, after });
    if (!view) throw notFound(code);
    if (view.position) res.setHeader(POSITION_HEADER, view.position);
    return view;
  }
}

function checkCode(code: string): void {
  const p = new QueryParams({});
  if (!AREA_CODE.test(code)) p.problems.push({ path: 'code', problem: AREA_CODE_PROBLEM });
  p.done();
}
