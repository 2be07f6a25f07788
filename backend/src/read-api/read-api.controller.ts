/** The read routes (any signed-in role): areas, TPS, coverage and incidents, each saying which log position it reflects. */
import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/principal.js';
import { DomainError, ValidationError } from '../http/domain-error.js';
import type { Coverage, KecamatanSummary, KelurahanSummary, Summary, TpsState, TpsView } from '../live/live.contract.js';
import { READ_MODELS, type PageRequest, type ReadModels } from '../projections/read-models.port.js';
import { UNPAGED_LIST_LIMIT } from '../projections/read-models.service.js';
import { areaNotFound, areaOf, CONTEST_PATTERN, TPS_STATES } from './query.js';
import { linkNext, paged, pageParams } from './paging.js';
import { awaitPosition, POSITION_HEADER } from './read-position.js';
import { AsOfService } from '../audit/as-of/as-of.service.js';
import { QueryParams } from '../audit/query-params.js';
import { tpsViewFor } from './visibility.js';

/** Every read route's optional query parameters, so the OpenAPI document does not mark them required. */
const MIN_POSITION = ApiQuery({
  name: 'minPosition',
  required: false,
  description: 'wait (up to 5 s) until the read models reach this position',
});
const CONTEST_Q = ApiQuery({ name: 'contest', required: false, description: 'contest code, default the first (PPWP)' });
const PAGE_Q = ApiQuery({
  name: 'limit',
  required: false,
  description: `rows per page, 1..${UNPAGED_LIST_LIMIT}; without it at most ${UNPAGED_LIST_LIMIT} (the whole city) and a Link to the rest`,
});
const CURSOR_Q = ApiQuery({ name: 'cursor', required: false, description: 'the X-Next-Cursor of the previous page' });
const AS_OF = ApiQuery({ name: 'asOf', required: false, description: 'ISO time: the answer as it stood then, replayed from the log' });

function contestOf(contest: string | undefined): string | undefined {
  if (contest !== undefined && !CONTEST_PATTERN.test(contest))
    throw new ValidationError([{ path: 'contest', problem: 'must be a contest code like PPWP' }]);
  return contest;
}

@Controller()
export class ReadApiController {
  constructor(
    @Inject(READ_MODELS) private readonly rm: ReadModels,
    private readonly asOf: AsOfService,
  ) {}

  @Get('summary')
  @CONTEST_Q
  @MIN_POSITION
  @AS_OF
  async summary(
    @Query('contest') contest: string | undefined,
    @Query('minPosition') min: string | undefined,
    @Res({ passthrough: true }) res: Response,
    @Query('asOf') asOf?: string,
  ): Promise<Summary> {
    const at = asOfParam(asOf, min);
    if (at) return positioned(res, await this.asOf.summary(at, contestOf(contest)));
    await awaitPosition(this.rm, min, res);
    const summary = await this.rm.summary(contestOf(contest));
    // The body's position comes from the same snapshot as the numbers: the exact one.
    if (summary.position) res.setHeader(POSITION_HEADER, summary.position);
    return summary;
  }

  @Get('kecamatan')
  @CONTEST_Q
  @MIN_POSITION
  @PAGE_Q
  @CURSOR_Q
  async kecamatan(
    @Query('contest') contest: string | undefined,
    @Query('minPosition') min: string | undefined,
    @Res({ passthrough: true }) res: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<KecamatanSummary[]> {
    const page = pageOf(query, /^\d{6}$/);
    await awaitPosition(this.rm, min, res);
    return paged(res, await this.rm.kecamatanPage(contestOf(contest), page));
  }

  @Get('kelurahan')
  @CONTEST_Q
  @MIN_POSITION
  @AS_OF
  @PAGE_Q
  @CURSOR_Q
  async kelurahanList(
    @Query('contest') contest: string | undefined,
    @Query('minPosition') min: string | undefined,
    @Res({ passthrough: true }) res: Response,
    @Query() query: Record<string, unknown>,
    @Query('asOf') asOf?: string,
  ): Promise<KelurahanSummary[]> {
    const at = asOfParam(asOf, min);
    const page = pageOf(query, /^\d{10}$/);
    if (at) return positioned(res, await this.asOf.kelurahanList(at, contestOf(contest)));
    await awaitPosition(this.rm, min, res);
    return paged(res, await this.rm.kelurahanPage(contestOf(contest), page));
  }

  @Get('kelurahan/:code')
  @CONTEST_Q
  @MIN_POSITION
  async kelurahan(
    @Param('code') code: string,
    @Query('contest') contest: string | undefined,
    @Query('minPosition') min: string | undefined,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() p: Principal,
  ): Promise<KelurahanSummary & { tps: TpsView[] }> {
    await awaitPosition(this.rm, min, res);
    const found = /^\d{10}$/.test(code) ? await this.rm.kelurahan(code, contestOf(contest)) : null;
    if (!found) throw new DomainError('KELURAHAN.NOT_FOUND', 404, `No kelurahan ${code} in this city`);
    return { ...found, tps: found.tps.map((t) => tpsViewFor(p.role, t)) };
  }

  @Get('tps')
  @ApiQuery({ name: 'status', required: false, enum: TPS_STATES })
  @ApiQuery({ name: 'kelurahan', required: false })
  @MIN_POSITION
  @PAGE_Q
  @CURSOR_Q
  async tpsList(
    @Query('status') status: string | undefined,
    @Query('kelurahan') kelurahan: string | undefined,
    @Query('minPosition') min: string | undefined,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() p: Principal,
    @Query() query: Record<string, unknown>,
  ): Promise<TpsView[]> {
    const problems = [];
    if (status !== undefined && !TPS_STATES.includes(status as TpsState))
      problems.push({ path: 'status', problem: `must be one of ${TPS_STATES.join(', ')}` });
    if (kelurahan !== undefined && !/^\d{10}$/.test(kelurahan))
      problems.push({ path: 'kelurahan', problem: 'must be a 10-digit kelurahan code' });
    if (problems.length) throw new ValidationError(problems);
    const page = pageOf(query, /^\d{13}$/);
    await awaitPosition(this.rm, min, res);
    const found = await this.rm.tpsPage({ state: status as TpsState | undefined, kelurahan }, page);
    return paged(res, { ...found, items: found.items.map((t) => tpsViewFor(p.role, t)) });
  }

  @Get('tps/:tpsId')
  @MIN_POSITION
  async tps(
    @Param('tpsId') tpsId: string,
    @Query('minPosition') min: string | undefined,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() p: Principal,
  ): Promise<TpsView> {
    await awaitPosition(this.rm, min, res);
    const found = /^\d{13}$/.test(tpsId) ? await this.rm.tps(tpsId) : null;
    if (!found) throw new DomainError('TPS.NOT_FOUND', 404, `No TPS ${tpsId} in this city`);
    return tpsViewFor(p.role, found);
  }

  @Get('coverage')
  @ApiQuery({ name: 'area', required: false, description: 'provinsi, kabupaten/kota, kecamatan or kelurahan code; default the root' })
  @MIN_POSITION
  @PAGE_Q
  @CURSOR_Q
  async coverage(
    @Query('minPosition') min: string | undefined,
    @Res({ passthrough: true }) res: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<Coverage> {
    const p = new QueryParams({ area: query.area, limit: query.limit, cursor: query.cursor });
    const area = areaOf(p);
    const page = pageParams(p, /^\d{10}$/);
    p.done();
    await awaitPosition(this.rm, min, res);
    const coverage = await this.rm.coverage({ area, ...page });
    if (!coverage) throw areaNotFound(area!);
    if (coverage.position) res.setHeader(POSITION_HEADER, coverage.position);
    linkNext(res, coverage.nextCursor);
    return coverage;
  }
  // GET /api/incidents (this order and paging, plus the posko's filters and deadlines) is in incidents/incidents.controller.ts.
}

/**
 * `?asOf=<ISO time>`: the answer as it stood then, replayed from the log (docs/audit.md). A moment in the past has
 * nothing to wait for, so `minPosition` with it is a contradiction, refused rather than ignored.
 */
function asOfParam(asOf: string | undefined, minPosition: string | undefined): Date | undefined {
  const p = new QueryParams({ asOf });
  const at = p.time('asOf');
  if (asOf !== undefined && minPosition !== undefined) p.problems.push({ path: 'minPosition', problem: 'cannot be combined with asOf' });
  p.done();
  return at;
}

/** `?limit=&cursor=` of a city list. */
function pageOf(query: Record<string, unknown>, key: RegExp): PageRequest {
  const p = new QueryParams({ limit: query.limit, cursor: query.cursor });
  const page = pageParams(p, key);
  p.done();
  return page;
}

function positioned<T>(res: Response, answer: { data: T; position: string | null }): T {
  if (answer.position) res.setHeader(POSITION_HEADER, answer.position);
  return answer.data;
}
