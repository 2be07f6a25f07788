import { Body, Controller, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { DomainError, ValidationError } from '../http/domain-error.js';
import { parseBody } from '../http/parse-body.js';
import { currentClientRequestId, currentRequestId } from '../logging/request-context.js';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { deadlineSignal } from '../http/request-deadline.middleware.js';
import { assertClientTime } from './client-time.js';
import { idempotencyScope } from './idempotency-scope.js';
import { CONTACTS, CONTESTS, REFERENCE_DATA } from '../reference/reference.module.js';
import type { Contacts, Contests } from '../reference/contests.js';
import type { ReferenceData, Tps } from '../reference/reference-data.js';
import { OddityContextService } from './oddity-context.service.js';
import { answerFor } from './tps-answers.js';
import { tpsApiDocs } from './tps.api-docs.js';
import { ApiRoute } from '../http/api-doc.decorator.js';
import { TpsCommandHandler, type CommandContext, type OwnDecision } from './tps-command.handler.js';
import { paperEntryDecision } from './verification.decider.js';
import type { TpsCommand } from './tps.decider.js';
import type { TallyForm } from './tps.events.js';
import {
  checkInSchema,
  correctTallySchema,
  onBehalfTallySchema,
  paperFormSchema,
  reportIncidentSchema,
  submitTallySchema,
  type PaperFormBody,
  type SubmitTallyBody,
} from './tally-form.schema.js';

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/** The monitors' write routes. Each appends one event to the TPS stream and answers 201 with its revision and position. */
@ApiTags('officers')
@Controller()
export class TpsHttpController {
  constructor(
    private readonly handler: TpsCommandHandler,
    private readonly oddities: OddityContextService,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @Inject(CONTESTS) private readonly contests: Contests,
    @Inject(CONTACTS) private readonly contacts: Contacts,
    @Inject(APP_CONFIG) private readonly config: Pick<RuntimeConfig, 'ELECTION_DATE'>,
  ) {}

  @Post('tps/:tpsId/check-in')
  @ApiRoute(tpsApiDocs.checkIn)
  @Roles('officer')
  async checkIn(@Param('tpsId') tpsId: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    this.assertTps(tpsId, p);
    const b = parseBody(checkInSchema, body);
    assertClientTime('at', b.at, this.config.ELECTION_DATE);
    const at = b.at ?? new Date().toISOString();
    return this.run(
      tpsId,
      { type: 'CheckIn', data: { tpsId, officer: p.sub, at, location: b.location ?? null } },
      p,
      req,
      body,
      b.at ?? null,
    );
  }

  @Post('tps/:tpsId/tally')
  @ApiRoute(tpsApiDocs.submitTally)
  @Roles('officer', 'operator')
  async submitTally(@Param('tpsId') tpsId: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    const tps = this.assertTps(tpsId, p);
    // An operator enters a first tally only on the monitor's behalf, saying why and from what (docs/posko.md).
    const onBehalf = p.role === 'operator' ? parseBody(onBehalfTallySchema, body) : null;
    const b = onBehalf ?? parseBody(submitTallySchema, body);
    const data = {
      ...(await this.tallyInput(tps, b)),
      ...(onBehalf ? { onBehalf: { reason: onBehalf.reason, source: onBehalf.source } } : {}),
    };
    return this.run(tpsId, { type: 'SubmitTally', data }, p, req, body, data.observedAt);
  }

  @Post('tps/:tpsId/tally/corrections')
  @ApiRoute(tpsApiDocs.correctTally)
  @Roles('officer', 'operator')
  async correctTally(@Param('tpsId') tpsId: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    const tps = this.assertTps(tpsId, p);
    const b = parseBody(correctTallySchema, body);
    const data = { ...(await this.tallyInput(tps, b)), expectedRevision: b.expectedRevision, reason: b.reason };
    return this.run(tpsId, { type: 'CorrectTally', data }, p, req, body, data.observedAt);
  }

  @Post('tps/:tpsId/paper-forms')
  @ApiRoute(tpsApiDocs.paperForm)
  @Roles('operator', 'auditor')
  async paperForm(@Param('tpsId') tpsId: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    this.assertTps(tpsId, p);
    const b = parseBody(paperFormSchema, body);
    const contest = this.contestOf(b);
    const form = this.formOf(b, contest);
    // Blind double entry (docs/audit.md): a first reading, or a second by another clerk when the first differed.
    return this.run(tpsId, paperEntryDecision({ tpsId, contest, form, formSerial: b.formSerial ?? null, by: p.sub }), p, req, body, null);
  }

  @Post('tps/:tpsId/incidents')
  @ApiRoute(tpsApiDocs.reportIncident)
  @Roles('officer', 'operator')
  async reportIncident(@Param('tpsId') tpsId: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    this.assertTps(tpsId, p);
    const b = parseBody(reportIncidentSchema, body);
    assertClientTime('at', b.at, this.config.ELECTION_DATE);
    const data = {
      tpsId,
      category: b.category,
      severity: b.severity,
      description: b.description,
      at: b.at ?? new Date().toISOString(),
      location: b.location ?? null,
    };
    return this.run(tpsId, { type: 'ReportIncident', data }, p, req, body, b.at ?? null);
  }

  // POST /api/incidents/{incidentId}/resolve lives with the rest of the lifecycle in incidents/incidents.controller.ts.

  private async run(tpsId: string, cmd: TpsCommand | OwnDecision, p: Principal, req: Request, body: unknown, clientTime: string | null) {
    // Read here, not with @Headers(): that would add a second, required header parameter to the OpenAPI document.
    const key = req.header('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ValidationError([{ path: 'Idempotency-Key', problem: 'must be 8-128 characters of A-Z a-z 0-9 _ . : -' }]);
    }
    const ctx: CommandContext = {
      principal: p,
      requestId: currentRequestId() ?? 'none',
      clientRequestId: currentClientRequestId(),
      clientTime,
      idempotencyKey: key,
      route: idempotencyScope(req),
      body,
      signal: deadlineSignal(req),
    };
    return answerFor(await this.handler.handle(tpsId, cmd, ctx), this.contacts);
  }

  /** What a tally and a correction share: the form read against the contest, the area's shares. */
  private async tallyInput(tps: Tps, b: SubmitTallyBody) {
    assertClientTime('observedAt', b.observedAt, this.config.ELECTION_DATE);
    const contest = this.contestOf(b);
    return {
      tpsId: tps.id,
      contest,
      form: this.formOf(b, contest),
      formSerial: b.formSerial ?? null,
      observedAt: b.observedAt ?? null,
      acknowledgeWarnings: b.acknowledgeWarnings ?? false,
      special: tps.special,
      oddityContext: await this.oddities.contextFor(tps.kelurahanCode, contest),
    };
  }

  private assertTps(tpsId: string, p: Principal) {
    const tps = this.ref.tpsById.get(tpsId);
    if (!tps)
      throw new ValidationError([{ path: 'tpsId', problem: 'unknown TPS id (13 digits: kelurahan id + TPS number)' }], 'Unknown TPS');
    if (p.role === 'officer' && p.tpsId !== tpsId) {
      throw new DomainError('AUTH.WRONG_TPS', 403, 'Officers report only for the TPS assigned to them', { assignedTps: p.tpsId });
    }
    return tps;
  }

  private contestOf(b: { contest?: string }): string {
    const code = b.contest ?? this.contests.defaultCode;
    if (!this.contests.byCode.has(code)) {
      throw new ValidationError([{ path: 'contest', problem: `unknown contest; known: ${[...this.contests.byCode.keys()].join(', ')}` }]);
    }
    return code;
  }

  /** Candidates must be exactly the contest's: an unknown number is a typo, a missing one is a skipped box. */
  private formOf(b: PaperFormBody, contest: string): TallyForm {
    const numbers = this.contests.byCode.get(contest)!.candidates.map((c) => c.number);
    const problems = [
      ...Object.keys(b.votes)
        .filter((n) => !numbers.includes(n))
        .map((n) => ({ path: `votes.${n}`, problem: 'unknown candidate for this contest' })),
      ...numbers.filter((n) => !(n in b.votes)).map((n) => ({ path: `votes.${n}`, problem: 'required' })),
    ];
    if (problems.length) throw new ValidationError(problems);
    const form: TallyForm = {
      votes: Object.fromEntries(numbers.map((n) => [n, b.votes[n]])),
      invalid: b.invalid,
      validTotal: b.validTotal,
      grandTotal: b.grandTotal,
      voters: b.voters,
      votersByGender: b.votersByGender,
      ballots: b.ballots,
      disabledVoters: b.disabledVoters,
    };
    // Drops the optional boxes left empty, so stored forms and diffs hold only what was typed.
    return JSON.parse(JSON.stringify(form)) as TallyForm;
  }
}
