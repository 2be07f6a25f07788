import { Module } from '@nestjs/common';
import { OddityContextService } from './oddity-context.service.js';
import { TpsCommandHandler } from './tps-command.handler.js';
import { TpsHttpController } from './tps.http.controller.js';

@Module({
  controllers: [TpsHttpController],
  providers: [TpsCommandHandler, OddityContextService],
  exports: [TpsCommandHandler],
})
export class TpsModule {}
