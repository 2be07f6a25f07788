import { Global, Module } from '@nestjs/common';
import { AsOfService } from './as-of/as-of.service.js';
import { AuditController } from './audit.controller.js';
import { AuditMetaController } from './audit-meta.controller.js';
import { AuditService } from './audit.service.js';

/** Global so the read API can answer `?asOf=` with the replay kept here. */
@Global()
@Module({
  controllers: [AuditController, AuditMetaController],
  providers: [AuditService, AsOfService],
  exports: [AuditService, AsOfService],
})
export class AuditModule {}
