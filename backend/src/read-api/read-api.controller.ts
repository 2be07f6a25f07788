/** The read routes (any signed-in role): areas, TPS, coverage and incidents, each saying which log position it reflects. */
import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/principal.js';
import { DomainError, ValidationError } from '../http/domain-error.js';
import type { Coverage, KecamatanSummary, KelurahanSummary, Summary, TpsState, TpsView } from '../live/live.contract.js';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
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
const AS_OF = ApiQuery({ name: 'asOf', required: false, description: 'ISO time: the answer as it stood then, replayed from the log' });

const TPS_STATES: readonly TpsState[] = ['no_officer', 'checked_in', 'reported', 'flagged', 'incident'];
const CONTEST = /^[A-Z0-9_]{2,20}$/;

function contestOf(contest: string | undefined): string | undefined {
  if (contest !== undefined && !CONTEST.test(contest))
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
  async kecamatan(
    @Query('contest') contest: string | undefined,
    @Query('minPosition') min: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<KecamatanSummary[]> {
    await awaitPosition(this.rm, min, res);
    return this.rm.kecamatan(contestOf(contest));
  }

  @Get('kelurahan')
  @CONTEST_Q
  @MIN_POSITION
  @AS_OF
  async kelurahanList(
    @Query('contest') contest: string | undefined,
    @Query('minPosition') min: string | undefined,
    @Res({ passthrough: true }) res: Response,
    @Query('asOf') asOf?: string,
  ): Promise<KelurahanSummary[]> {
    const at = asOfParam(asOf, min);
    if (at) return positioned(res, await this.asOf.kelurahanList(at, contestOf(contest)));
    await awaitPosition(this.rm, min, res);
    return this.rm.kelurahanList(contestOf(contest));
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
  async tpsList(
    @Query('status') status: string | undefined,
    @Query('kelurahan') kelurahan: string | undefined,
    @Query('minPosition') min: string | undefined,
    @Res({ passthrough: true }) res: Response,
    @CurrentPrincipal() p: Principal,
  ): Promise<TpsView[]> {
    const problems = [];
    if (status !== undefined && !TPS_STATES.includes(status as TpsState))
      problems.push({ path: 'status', problem: `must be one of ${TPS_STATES.join(', ')}` });
    if (kelurahan !== undefined && !/^\d{10}$/.test(kelurahan))
      problems.push({ path: 'kelurahan', problem: 'must be a 10-digit kelurahan code' });
    if (problems.length) throw new ValidationError(problems);
    await awaitPosition(this.rm, min, res);
    return (await this.rm.tpsList({ state: status as TpsState | undefined, kelurahan })).map((t) => tpsViewFor(p.role, t));
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
  @MIN_POSITION
  async coverage(@Query('minPosition') min: string | undefined, @Res({ passthrough: true }) res: Response): Promise<Coverage> {
    await awaitPosition(this.rm, min, res);
    const coverage = await this.rm.coverage();
    if (coverage.position) res.setHeader(POSITION_HEADER, coverage.position);
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

function positioned<T>(res: Response, answer: { data: T; position: string | null }): T {
  if (answer.position) res.setHeader(POSITION_HEADER, answer.position);
  return answer.data;
}
