/** The posko's incident routes: the lifecycle actions (POST) and the queue (GET /api/incidents), docs/posko.md. */
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
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
import { INCIDENT_STATES, type IncidentPolicy } from './incidents.contract.js';
import { IncidentsQuery, type ListedIncident } from './incidents.query.js';
import { encodeCursor, parseIncidentQuery } from './incidents.query-params.js';
import { INCIDENT_PAGE_MAX } from '../read-api/incident-page.js';
import { acknowledgeSchema, assignSchema, escalateSchema, reopenSchema, resolveSchema } from './incidents.schema.js';
import { decideLifecycle, type LifecycleCommand } from './lifecycle.decider.js';
import { lifecyclesOf } from './lifecycle.fold.js';
import { CONTACTS } from '../reference/reference.module.js';
import { contactsByCategory, type Contacts } from '../reference/contests.js';

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

  /**
   * Open critical and high incidents first, then newest by server time (compareIncidents), or overdue first with
   * `sort=overdue`; the posko's filters; each item with its deadlines. Paged: `limit` (1-500, default 500) and
   * `cursor`; when more follow, `X-Next-Cursor` holds the cursor of the next page (and `Link` its URL);
   * `X-Total-Count` the number of matching incidents. Any signed-in role.
   */
  @Get('incidents')
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'resolved'] })
  @ApiQuery({ name: 'state', required: false, description: `comma list of ${INCIDENT_STATES.join(', ')}` })
  @ApiQuery({ name: 'severity', required: false, description: 'comma list of low, medium, high, critical' })
  @ApiQuery({ name: 'kelurahan', required: false, description: '10-digit kelurahan code' })
  @ApiQuery({ name: 'kecamatan', required: false, description: '6-digit kecamatan code' })
  @ApiQuery({ name: 'assignee', required: false, description: 'posko user name' })
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'sort', required: false, enum: ['overdue'], description: 'overdue incidents first' })
  @ApiQuery({ name: 'limit', required: false, description: `page size, 1-${INCIDENT_PAGE_MAX} (default ${INCIDENT_PAGE_MAX})` })
  @ApiQuery({ name: 'cursor', required: false, description: 'X-Next-Cursor of the previous page' })
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the read models reach this position' })
  @ApiResponse({
    status: 200,
    description: 'A page of incidents',
    headers: {
      'X-Next-Cursor': { description: 'cursor of the next page; absent on the last', schema: { type: 'string' } },
      'X-Total-Count': { description: 'incidents matching the filters', schema: { type: 'integer' } },
    },
  })
  async list(@Query() q: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<ListedIncident[]> {
    const { filter, page, minPosition, query } = parseIncidentQuery(q, this.ref);
    await awaitPosition(this.rm, minPosition, res);
    const { items, next, total } = await this.query.list(filter, page, this.config.INCIDENT_DEADLINES, this.clock.now());
    res.setHeader('X-Total-Count', String(total));
    if (next) {
      const cursor = encodeCursor(next);
      res.setHeader('X-Next-Cursor', cursor);
      query.set('cursor', cursor);
      res.setHeader('Link', `</api/incidents?${query.toString()}>; rel="next"`);
    }
    return items;
  }

  @Get('incidents/policy')
  policy(): IncidentPolicy {
    return {
      deadlines: this.config.INCIDENT_DEADLINES,
      escalationParties: this.config.ESCALATION_PARTIES,
      contacts: contactsByCategory(this.contacts),
      now: this.clock.now().toISOString(),
    };
  }

  @Get('incidents/:incidentId')
  async one(@Param('incidentId') id: string, @Query('minPosition') min: string | undefined, @Res({ passthrough: true }) res: Response) {
    this.tpsOf(id);
    await awaitPosition(this.rm, min, res);
    const { items } = await this.query.list(
      { ids: [id] },
      { limit: 1, overdueFirst: false },
      this.config.INCIDENT_DEADLINES,
      this.clock.now(),
    );
    if (!items[0]) throw new DomainError('INCIDENT.NOT_FOUND', 404, 'No such incident');
    return items[0];
  }

  @Post('incidents/:incidentId/acknowledge')
  @HttpCode(201)
  @Roles('operator', 'admin')
  @ApiRoute(incidentsApiDocs.acknowledge)
  acknowledge(@Param('incidentId') id: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    return this.act({ id, body, p, req }, () => {
      parseBody(acknowledgeSchema, body);
      return { action: 'acknowledge' };
    });
  }

  @Post('incidents/:incidentId/assign')
  @HttpCode(201)
  @Roles('operator', 'admin')
  @ApiRoute(incidentsApiDocs.assign)
  async assign(@Param('incidentId') id: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    const b = parseBody(assignSchema, body);
    const [user] = await this.db.query(`SELECT nip FROM users WHERE nip = $1 AND role IN ('operator', 'admin')`, [b.assignee]);
    if (!user) throw new ValidationError([{ path: 'assignee', problem: 'must be the user name of a posko operator or admin' }]);
    return this.act({ id, body, p, req }, () => ({ action: 'assign', assignee: b.assignee, note: b.note ?? null }));
  }

  @Post('incidents/:incidentId/escalate')
  @HttpCode(201)
  @Roles('operator', 'admin')
  @ApiRoute(incidentsApiDocs.escalate)
  escalate(@Param('incidentId') id: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    return this.act({ id, body, p, req }, () => {
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
  resolve(@Param('incidentId') id: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    return this.act({ id, body, p, req }, () => ({ action: 'resolve', note: parseBody(resolveSchema, body).note }));
  }

  @Post('incidents/:incidentId/reopen')
  @HttpCode(201)
  @Roles('operator', 'admin')
  @ApiRoute(incidentsApiDocs.reopen)
  reopen(@Param('incidentId') id: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    return this.act({ id, body, p, req }, () => ({ action: 'reopen', reason: parseBody(reopenSchema, body).reason }));
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
