import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { TpsModule } from '../tps/tps.module.js';
import { RollCallController } from './rollcall.controller.js';
import { RollCallQuery } from './rollcall.query.js';

/** Roll call, contact attempts and reserve monitors (docs/posko.md). */
@Module({
  imports: [TpsModule, IncidentsModule],
  controllers: [RollCallController],
  providers: [RollCallQuery],
  exports: [RollCallQuery],
})
export class RollCallModule {}
