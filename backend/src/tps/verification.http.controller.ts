import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { QueryParams } from '../audit/query-params.js';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { ApiRoute } from '../http/api-doc.decorator.js';
import { DomainError, ValidationError } from '../http/domain-error.js';
import { parseBody } from '../http/parse-body.js';
import { deadlineSignal } from '../http/request-deadline.middleware.js';
import { currentClientRequestId, currentRequestId } from '../logging/request-context.js';
import { officialDifference } from '../projections/verification.js';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
import { awaitPosition } from '../read-api/read-position.js';
import { tpsView, type TpsDoc } from '../projections/tps-doc.js';
import type { Contacts, Contests } from '../reference/contests.js';
import { CONTACTS, CONTESTS, REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { idempotencyScope } from './idempotency-scope.js';
import { answerFor } from './tps-answers.js';
import { TpsCommandHandler, type OwnDecision } from './tps-command.handler.js';
import { evolve, initialState } from './tps.decider.js';
import { tpsStream, type TpsEvent } from './tps.events.js';
import { IDEMPOTENCY_KEY } from './tps.http.controller.js';
import { verificationApiDocs } from './verification.api-docs.js';
import { correctionFromPaperDecision, paperRound, reviewDecision } from './verification.decider.js';
import { correctionFromPaperSchema, reviewTallySchema } from './verification.schema.js';

/** Who sees the queue, the double-entry comparison and the differences with KPU. */
const POSKO_READERS = ['operator', 'supervisor', 'auditor', 'admin'] as const;

/** The supervisor's review queue and decisions, the double entry's comparison, the differences with KPU (docs/audit.md). */
@ApiTags('verification')
@Controller()
export class VerificationHttpController {
  constructor(
    private readonly handler: TpsCommandHandler,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @Inject(CONTESTS) private readonly contests: Contests,
    @Inject(CONTACTS) private readonly contacts: Contacts,
    @Inject(READ_MODELS) private readonly readModels: ReadModels,
  ) {}

  @Post('tps/:tpsId/tally/review')
  @ApiRoute(verificationApiDocs.review)
  @Roles('supervisor')
  async review(@Param('tpsId') tpsId: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    this.tpsOf(tpsId);
    const b = parseBody(reviewTallySchema, body);
    const decision = reviewDecision({
      tpsId,
      contest: this.contestOf(b.contest),
      revision: b.revision,
      decision: b.decision,
      reason: b.reason,
      by: p.sub,
      at: new Date().toISOString(),
    });
    return this.run(tpsId, decision, p, req, body);
  }

  @Post('tps/:tpsId/tally/corrections/from-paper')
  @ApiRoute(verificationApiDocs.fromPaper)
  @Roles('supervisor')
  async fromPaper(@Param('tpsId') tpsId: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    const tps = this.tpsOf(tpsId);
    const b = parseBody(correctionFromPaperSchema, body);
    const decision = correctionFromPaperDecision({
      tpsId,
      contest: this.contestOf(b.contest),
      expectedRevision: b.expectedRevision,
      special: tps.special,
    });
    return this.run(tpsId, decision, p, req, body);
  }

  @Get('reviews')
  @ApiRoute(verificationApiDocs.queue)
  @ApiQuery({ name: 'status', required: false, description: 'pending (default) or held' })
  @ApiQuery({ name: 'area', required: false, description: 'city, kecamatan or kelurahan code' })
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait until the read models passed this log position' })
  @Roles(...POSKO_READERS)
  async queue(@Query() query: Record<string, unknown>, @CurrentPrincipal() p: Principal, @Res({ passthrough: true }) res: Response) {
    const q = new QueryParams(query);
    const min = q.position('minPosition');
    const status = q.word('status', /^(pending|held)$/, 'must be pending or held') ?? 'pending';
    const area = this.areaOf(q);
    q.done();
    await awaitPosition(this.readModels, min, res);
    const found = await this.db.query<{ doc: TpsDoc }[]>(
      `SELECT doc FROM rm_tps WHERE review IS NOT NULL AND tps_id LIKE $1 || '%' ORDER BY tps_id`,
      [area],
    );
    const items = found.flatMap(({ doc }) => {
      const view = tpsView(doc);
      return view.tallies
        .filter((t) => t.review.status === status)
        .map((t) => ({
          tpsId: view.id,
          number: view.number,
          kelurahanCode: view.kelurahanCode,
          kecamatanCode: view.kecamatanCode,
          contest: t.contest,
          revision: t.revision,
          status: t.review.status,
          reasons: t.review.reasons,
          counted: t.review.counted,
          authors: t.review.authors,
          last: t.review.last,
          /** False when the caller wrote a version of this tally (the two-person rule). */
          mayDecide: p.role === 'supervisor' && !t.review.authors.includes(p.sub),
          tally: t,
        }));
    });
    // Longest waiting first.
    items.sort((a, b) => a.tally.submittedAt.localeCompare(b.tally.submittedAt) || a.tpsId.localeCompare(b.tpsId));
    return { status, area, items };
  }

  @Get('tps/:tpsId/paper-entries')
  @ApiRoute(verificationApiDocs.paperEntries)
  @ApiQuery({ name: 'contest', required: false })
  @Roles(...POSKO_READERS)
  async paperEntries(@Param('tpsId') tpsId: string, @Query('contest') contest: string | undefined, @CurrentPrincipal() p: Principal) {
    this.tpsOf(tpsId);
    const code = this.contestOf(contest);
    const history = await this.store.readStream(tpsStream(tpsId));
    let state = initialState();
    for (const e of history) state = evolve(state, { type: e.type, data: e.data } as TpsEvent, Number(e.revision));
    const round = paperRound(history, state, code);
    // Blind entry: an operator sees the readings only after typing one of this round (or when none is awaited).
    if (p.role === 'operator' && round.agreement === 'awaiting_second' && !round.entries.some((e) => e.by === p.sub)) {
      throw new DomainError('PAPER.BLIND', 403, 'Type the paper form first: the second reading is blind', { awaiting: 'second entry' });
    }
    return round;
  }

  @Get('official/differences')
  @ApiRoute(verificationApiDocs.differences)
  @ApiQuery({ name: 'area', required: false, description: 'city, kecamatan or kelurahan code (default: the city)' })
  @ApiQuery({ name: 'contest', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1..500, default 50' })
  @ApiQuery({ name: 'offset', required: false, description: 'rows to skip, default 0' })
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait until the read models passed this log position' })
  @Roles(...POSKO_READERS)
  async differences(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response) {
    const q = new QueryParams(query);
    const min = q.position('minPosition');
    const area = this.areaOf(q);
    const contestParam = q.word('contest', /^[A-Za-z0-9_-]{1,20}$/, 'must be a contest code');
    const limit = q.int('limit', 1, 500, 50);
    const offset = q.int('offset', 0, 1_000_000, 0);
    q.done();
    const contest = this.contestOf(contestParam);
    await awaitPosition(this.readModels, min, res);
    const [{ n }] = await this.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM rm_tps WHERE official_diff > 0 AND tps_id LIKE $1 || '%'`,
      [area],
    );
    const found = await this.db.query<{ doc: TpsDoc }[]>(
      `SELECT doc FROM rm_tps WHERE official_diff > 0 AND tps_id LIKE $1 || '%' ORDER BY official_diff DESC, tps_id LIMIT $2 OFFSET $3`,
      [area, limit, offset],
    );
    const items = found.flatMap(({ doc }) => {
      const d = officialDifference(doc, contest);
      return d && d.absolute > 0 ? [{ tpsId: doc.id, number: doc.number, kelurahanCode: doc.kelurahanCode, ...d }] : [];
    });
    res.setHeader('X-Total-Count', String(n));
    return { area, contest, total: n, limit, offset, items };
  }

  private async run(tpsId: string, decision: OwnDecision, p: Principal, req: Request, body: unknown) {
    const key = req.header('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ValidationError([{ path: 'Idempotency-Key', problem: 'must be 8-128 characters of A-Z a-z 0-9 _ . : -' }]);
    }
    const result = await this.handler.handle(tpsId, decision, {
      principal: p,
      requestId: currentRequestId() ?? 'none',
      clientRequestId: currentClientRequestId(),
      clientTime: null,
      idempotencyKey: key,
      route: idempotencyScope(req),
      body,
      signal: deadlineSignal(req),
    });
    return answerFor(result, this.contacts);
  }

  private areaOf(q: QueryParams): string {
    const before = q.problems.length;
    const area = q.word('area', /^\d{4}(\d{2}(\d{4})?)?$/, 'must be the city (4 digits), a kecamatan (6) or a kelurahan (10) code');
    if (area === undefined || q.problems.length > before) return area ?? this.ref.city.code;
    const known = area === this.ref.city.code || this.ref.kecamatan.some((k) => k.code === area) || this.ref.kelurahanByCode.has(area);
    if (!known) q.problems.push({ path: 'area', problem: 'unknown area code' });
    return area;
  }

  private tpsOf(tpsId: string) {
    const tps = this.ref.tpsById.get(tpsId);
    if (!tps)
      throw new ValidationError([{ path: 'tpsId', problem: 'unknown TPS id (13 digits: kelurahan id + TPS number)' }], 'Unknown TPS');
    return tps;
  }

  private contestOf(code: string | undefined): string {
    const c = code ?? this.contests.defaultCode;
    if (!this.contests.byCode.has(c)) {
      throw new ValidationError([{ path: 'contest', problem: `unknown contest; known: ${[...this.contests.byCode.keys()].join(', ')}` }]);
    }
    return c;
  }
}
