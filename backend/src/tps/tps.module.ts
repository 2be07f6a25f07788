import { Module } from '@nestjs/common';
import { OfficerKitController } from './officer-kit.controller.js';
import { OddityContextService } from './oddity-context.service.js';
import { TpsCommandHandler } from './tps-command.handler.js';
import { TpsHttpController } from './tps.http.controller.js';
import { VerificationHttpController } from './verification.http.controller.js';

@Module({
  controllers: [TpsHttpController, OfficerKitController, VerificationHttpController],
  providers: [TpsCommandHandler, OddityContextService],
  exports: [TpsCommandHandler],
})
export class TpsModule {}
