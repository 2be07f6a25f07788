/** The posko's incident routes: the lifecycle actions (POST) and the queue (GET /api/incidents), docs/posko.md. */
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { ApiRoute } from '../http/api-doc.decorator.js';
import { DomainError, ValidationError } from '../http/domain-error.js';
import { parseBody } from '../http/parse-body.js';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
import { awaitPosition } from '../read-api/read-position.js';
import { REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { answerFor } from '../tps/tps-answers.js';
import { TpsCommandHandler } from '../tps/tps-command.handler.js';
import { CLOCK, type Clock } from './clock.js';
import { commandContext } from './posko-command.js';
import { incidentsApiDocs } from './incidents.api-docs.js';
import type { IncidentPolicy } from './incidents.contract.js';
import { IncidentsQuery, type ListedIncident } from './incidents.query.js';
import { parseIncidentQuery } from './incidents.query-params.js';
import { acknowledgeSchema, assignSchema, escalateSchema, reopenSchema, resolveSchema } from './incidents.schema.js';
import { decideLifecycle, type LifecycleCommand } from './lifecycle.decider.js';
import { lifecyclesOf } from './lifecycle.fold.js';
import { CONTACTS } from '../reference/reference.module.js';
import type { Contacts } from '../reference/contests.js';

const INCIDENT_ID = /^(\d{13})-(\d{1,5})$/;
const STATE_AFTER: Record<string, string> = {
  IncidentAcknowledged: 'acknowledged',
  IncidentAssigned: 'assigned',
  IncidentEscalated: 'escalated',
  IncidentResolved: 'resolved',
  IncidentReopened: 'reopened',
};

interface Call {
  id: string;
  body: unknown;
  p: Principal;
  req: Request;
  key?: string;
}

@ApiTags('posko')
@Controller()
export class IncidentsController {
  constructor(
    private readonly handler: TpsCommandHandler,
    private readonly query: IncidentsQuery,
    @Inject(READ_MODELS) private readonly rm: ReadModels,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @Inject(CONTACTS) private readonly contacts: Contacts,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** The queue: filtered, overdue first, paged (`X-Total-Count`, `page`, `pageSize`). Any signed-in role. */
  @Get('incidents')
  async list(@Query() q: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<ListedIncident[]> {
    const { filter, page, minPosition } = parseIncidentQuery(q, this.ref);
    await awaitPosition(this.rm, minPosition, res);
    const { items, total } = await this.query.list(filter, page, this.config.INCIDENT_DEADLINES, this.clock.now());
    res.setHeader('X-Total-Count', String(total));
    res.setHeader('X-Page', String(page.page));
    res.setHeader('X-Page-Size', String(page.pageSize));
    return items;
  }

  @Get('incidents/policy')
  policy(): IncidentPolicy {
    return {
      deadlines: this.config.INCIDENT_DEADLINES,
      escalationParties: this.config.ESCALATION_PARTIES,
      now: this.clock.now().toISOString(),
    };
  }

  @Get('incidents/:incidentId')
  async one(@Param('incidentId') id: string, @Query('minPosition') min: string | undefined, @Res({ passthrough: true }) res: Response) {
    this.tpsOf(id);
    await awaitPosition(this.rm, min, res);
    const { items } = await this.query.list({ ids: [id] }, { page: 1, pageSize: 1 }, this.config.INCIDENT_DEADLINES, this.clock.now());
    if (!items[0]) throw new DomainError('INCIDENT.NOT_FOUND', 404, 'No such incident');
    return items[0];
  }

  @Post('incidents/:incidentId/acknowledge')
  @HttpCode(201)
  @Roles('operator', 'admin')
  @ApiRoute(incidentsApiDocs.acknowledge)
  acknowledge(
    @Param('incidentId') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Headers('idempotency-key') key?: string,
  ) {
    return this.act({ id, body, p, req, key }, () => {
      parseBody(acknowledgeSchema, body);
      return { action: 'acknowledge' };
    });
  }

  @Post('incidents/:incidentId/assign')
  @HttpCode(201)
  @Roles('operator', 'admin')
  @ApiRoute(incidentsApiDocs.assign)
  async assign(
    @Param('incidentId') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Headers('idempotency-key') key?: string,
  ) {
    const b = parseBody(assignSchema, body);
    const [user] = await this.db.query(`SELECT nip FROM users WHERE nip = $1 AND role IN ('operator', 'admin')`, [b.assignee]);
    if (!user) throw new ValidationError([{ path: 'assignee', problem: 'must be the user name of a posko operator or admin' }]);
    return this.act({ id, body, p, req, key }, () => ({ action: 'assign', assignee: b.assignee, note: b.note ?? null }));
  }

  @Post('incidents/:incidentId/escalate')
  @HttpCode(201)
  @Roles('operator', 'admin')
  @ApiRoute(incidentsApiDocs.escalate)
  escalate(
    @Param('incidentId') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Headers('idempotency-key') key?: string,
  ) {
    return this.act({ id, body, p, req, key }, () => {
      const b = parseBody(escalateSchema, body);
      if (!this.config.ESCALATION_PARTIES.includes(b.to))
        throw new ValidationError([{ path: 'to', problem: `must be one of ${this.config.ESCALATION_PARTIES.join(', ')}` }]);
      return { action: 'escalate', to: b.to, note: b.note };
    });
  }

  @Post('incidents/:incidentId/resolve')
  @HttpCode(201)
  @Roles('operator', 'admin')
  @ApiRoute(incidentsApiDocs.resolve)
  resolve(
    @Param('incidentId') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Headers('idempotency-key') key?: string,
  ) {
    return this.act({ id, body, p, req, key }, () => ({ action: 'resolve', note: parseBody(resolveSchema, body).note }));
  }

  @Post('incidents/:incidentId/reopen')
  @HttpCode(201)
  @Roles('operator', 'admin')
  @ApiRoute(incidentsApiDocs.reopen)
  reopen(
    @Param('incidentId') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Headers('idempotency-key') key?: string,
  ) {
    return this.act({ id, body, p, req, key }, () => ({ action: 'reopen', reason: parseBody(reopenSchema, body).reason }));
  }

  private tpsOf(id: string): string {
    const m = INCIDENT_ID.exec(id);
    if (!m || !this.ref.tpsById.has(m[1])) throw new DomainError('INCIDENT.NOT_FOUND', 404, 'No such incident');
    return m[1];
  }

  /** 404 for an id that cannot exist, then 400 for the body, then the decision over the stream. */
  private async act(call: Call, parse: () => Record<string, unknown> & { action: LifecycleCommand['action'] }) {
    const tpsId = this.tpsOf(call.id);
    const { action, ...rest } = parse();
    const result = await this.handler.handle(
      tpsId,
      {
        decideOver: (history) => {
          const data = { incidentId: call.id, tpsId, by: call.p.sub, at: this.clock.now().toISOString(), ...rest };
          return decideLifecycle({ action, data } as LifecycleCommand, lifecyclesOf(history).get(call.id));
        },
      },
      commandContext(call),
    );
    return { ...answerFor(result, this.contacts), incidentId: call.id, state: STATE_AFTER[result.event.type] };
  }
}
