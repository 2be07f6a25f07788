/** The morning roll call: TPS without a check-in with their monitor's phone, calls recorded, reserves sent (docs/posko.md). */
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request, Response } from 'express';
import { READ_MODELS, type ReadModels } from '../projections/read-models.port.js';
import { awaitPosition } from '../read-api/read-position.js';
import { linkNext, pageParams } from '../read-api/paging.js';
import { areaNotFound, areaOf } from '../read-api/query.js';
import { QueryParams } from '../audit/query-params.js';
import { UNPAGED_LIST_LIMIT } from '../projections/read-models.service.js';
import type { DataSource } from 'typeorm';
import { CurrentPrincipal } from '../auth/auth.guard.js';
import { UserDirectory } from '../auth/user-directory.js';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiRoute } from '../http/api-doc.decorator.js';
import { DomainError, ValidationError } from '../http/domain-error.js';
import { parseBody } from '../http/parse-body.js';
import { CLOCK, type Clock } from '../incidents/clock.js';
import { commandContext } from '../incidents/posko-command.js';
import { REFERENCE_DATA } from '../reference/reference.module.js';
import type { ReferenceData } from '../reference/reference-data.js';
import { positionToString } from '../event-store/position.js';
import { TpsCommandHandler, type CommandResult } from '../tps/tps-command.handler.js';
import { rollcallApiDocs } from './rollcall.api-docs.js';
import type { RollCall, TpsMonitor } from './rollcall.contract.js';
import { decideAssignOfficer, decideContact } from './rollcall.decider.js';
import { RollCallQuery } from './rollcall.query.js';
import { assignOfficerSchema, contactAttemptSchema } from './rollcall.schema.js';

interface Call {
  tpsId: string;
  body: unknown;
  p: Principal;
  req: Request;
}

/** The answer, rebuilt from the stored event alone, so a retry with the same key gets the same one. */
function answer({ event, replayed }: CommandResult): Record<string, unknown> {
  const d = event.data as { tpsId: string; officer?: string | null; previous?: string | null };
  return {
    eventId: event.id,
    revision: Number(event.revision),
    position: positionToString(event.position),
    type: event.type,
    tpsId: d.tpsId,
    ...(event.type === 'OfficerAssigned' ? { officer: d.officer, previous: d.previous } : {}),
    ...(replayed ? { replayed: true } : {}),
  };
}

@ApiTags('posko')
@Controller()
export class RollCallController {
  constructor(
    private readonly handler: TpsCommandHandler,
    private readonly query: RollCallQuery,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REFERENCE_DATA) private readonly ref: ReferenceData,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(READ_MODELS) private readonly rm: ReadModels,
    private readonly users: UserDirectory,
  ) {}

  @Get('rollcall')
  @Roles('operator', 'admin')
  @ApiQuery({ name: 'area', required: false, description: 'provinsi, kabupaten/kota, kecamatan or kelurahan code; default the root' })
  @ApiQuery({ name: 'limit', required: false, description: `rows per page, 1..${UNPAGED_LIST_LIMIT}, default ${UNPAGED_LIST_LIMIT}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor (X-Next-Cursor) of the previous page' })
  @ApiQuery({ name: 'minPosition', required: false, description: 'wait (up to 5 s) until the read models reach this position' })
  async rollCall(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) res: Response): Promise<RollCall> {
    const p = new QueryParams(query);
    const area = areaOf(p);
    const page = pageParams(p, /^\d{13}$/);
    const min = p.position('minPosition');
    p.done();
    await awaitPosition(this.rm, min, res);
    const answer = await this.query.rollCall(this.clock.now(), { area, limit: page.limit!, after: page.after });
    if (!answer) throw areaNotFound(area!);
    linkNext(res, answer.nextCursor);
    return answer;
  }

  @Get('tps/:tpsId/officer')
  @Roles('operator', 'admin')
  async monitor(
    @Param('tpsId') tpsId: string,
    @Query('minPosition') min: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TpsMonitor> {
    this.assertTps(tpsId);
    await awaitPosition(this.rm, min, res);
    return this.query.tpsMonitor(tpsId);
  }

  @Post('tps/:tpsId/contact-attempts')
  @Roles('operator', 'admin')
  @ApiRoute(rollcallApiDocs.contactAttempt)
  async contactAttempt(@Param('tpsId') tpsId: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    this.assertTps(tpsId);
    const b = parseBody(contactAttemptSchema, body);
    const officer = (await this.query.monitors([tpsId])).get(tpsId)?.nip ?? null;
    const at = this.clock.now().toISOString();
    const data = { tpsId, officer, outcome: b.outcome, note: b.note ?? null, by: p.sub, at };
    return answer(await this.handler.handle(tpsId, { decideOver: () => decideContact(data) }, commandContext({ p, req, body })));
  }

  /**
   * Under a lock on both users rows: decide and append the event, then move the TPS in the users table (its trigger
   * moves the token version), so the per-request user check refuses the previous monitor's tokens from the commit on. Should the users update fail after the
   * append, the transaction rolls back and the event says more than the table: a retry with the same key repairs it.
   */
  @Post('tps/:tpsId/officer')
  @Roles('operator', 'admin')
  @ApiRoute(rollcallApiDocs.assignOfficer)
  async assignOfficer(@Param('tpsId') tpsId: string, @Body() body: unknown, @CurrentPrincipal() p: Principal, @Req() req: Request) {
    this.assertTps(tpsId);
    const { nip } = parseBody(assignOfficerSchema, body);
    const call: Call = { tpsId, body, p, req };
    return this.db
      .transaction(async (m) => {
        const [target]: { role: string; tps_id: string | null }[] = await m.query(
          `SELECT role, tps_id FROM users WHERE nip = $1 FOR UPDATE`,
          [nip],
        );
        if (!target || target.role !== 'officer')
          throw new ValidationError([{ path: 'nip', problem: 'no monitor (officer account) with this NIP' }]);
        if (target.tps_id && target.tps_id !== tpsId)
          throw new DomainError('OFFICER.HOLDS_OTHER_TPS', 409, `${nip} already holds TPS ${target.tps_id}`, { tpsId: target.tps_id });
        const holders: { nip: string }[] = await m.query(
          `SELECT nip FROM users WHERE tps_id = $1 AND role = 'officer' ORDER BY nip FOR UPDATE`,
          [tpsId],
        );
        const previous = holders.find((h) => h.nip !== nip)?.nip ?? (holders.length ? nip : null);
        const data = { tpsId, officer: nip, previous, by: p.sub, at: this.clock.now().toISOString() };
        const result = await this.handler.handle(tpsId, { decideOver: () => decideAssignOfficer(data) }, commandContext(call));
        await m.query(`UPDATE users SET tps_id = NULL WHERE tps_id = $1 AND nip <> $2`, [tpsId, nip]);
        await m.query(`UPDATE users SET tps_id = $1 WHERE nip = $2`, [tpsId, nip]);
        return { result, previous };
      })
      .then(({ result, previous }) => {
        // The per-request user check (auth/user-directory.ts) caches a user for a few seconds: on this node, at once.
        this.users.forget(nip);
        if (previous) this.users.forget(previous);
        return answer(result);
      });
  }

  private assertTps(tpsId: string): void {
    if (!this.ref.tpsById.has(tpsId))
      throw new ValidationError([{ path: 'tpsId', problem: 'unknown TPS id (13 digits: kelurahan id + TPS number)' }], 'Unknown TPS');
  }
}
