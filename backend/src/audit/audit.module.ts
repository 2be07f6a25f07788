import { Global, Module } from '@nestjs/common';
import { AsOfService } from './as-of/as-of.service.js';
import { AuditController } from './audit.controller.js';
import { AuditMetaController } from './audit-meta.controller.js';
import { AuditService } from './audit.service.js';
import { CheckpointSigner } from './checkpoints/checkpoint-signer.service.js';
import { CheckpointsController } from './checkpoints/checkpoints.controller.js';

/** Global so the read API can answer `?asOf=` with the replay kept here. */
@Global()
@Module({
  controllers: [AuditController, AuditMetaController, CheckpointsController],
  providers: [AuditService, AsOfService, CheckpointSigner],
  exports: [AuditService, AsOfService, CheckpointSigner],
})
export class AuditModule {}
