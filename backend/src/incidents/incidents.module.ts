import { Module } from '@nestjs/common';
import { TpsModule } from '../tps/tps.module.js';
import { AdjustableClock, CLOCK } from './clock.js';
import { IncidentsController } from './incidents.controller.js';
import { IncidentsQuery } from './incidents.query.js';

/** The posko's incident lifecycle and queue (docs/posko.md). */
@Module({
  imports: [TpsModule],
  controllers: [IncidentsController],
  providers: [IncidentsQuery, { provide: CLOCK, useValue: new AdjustableClock() }],
  exports: [CLOCK, IncidentsQuery],
})
export class IncidentsModule {}
