import { type DynamicModule, Module } from '@nestjs/common';
import { ProjectionsModule } from './projections/projections.module.js';
import { ReadApiModule } from './read-api/read-api.module.js';
import { ConfigModule, type RuntimeConfig } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { EventStoreModule } from './event-store/event-store.module.js';
import { HealthModule } from './health/health.module.js';
import { ReferenceModule } from './reference/reference.module.js';
import { AuthModule } from './auth/auth.module.js';
import { TpsModule } from './tps/tps.module.js';
import { AuditModule } from './audit/audit.module.js';
import { LiveModule } from './live/live.module.js';
import { IncidentsModule } from './incidents/incidents.module.js';
import { RollCallModule } from './rollcall/rollcall.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { PhotosModule } from './photos/photos.module.js';
import { RateLimitModule } from './http/rate-limit.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import type { Logger } from 'pino';

@Module({})
export class AppModule {
  static forRoot(config: RuntimeConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        DatabaseModule,
        EventStoreModule,
        ReferenceModule,
        AuthModule,
        RateLimitModule,
        TpsModule,
        AuditModule,
        HealthModule,
        ProjectionsModule,
        ReadApiModule,
        LiveModule,
        IncidentsModule,
        RollCallModule,
        MessagesModule,
        ReportsModule,
        PhotosModule,
        MetricsModule,
      ],
    };
  }
}
