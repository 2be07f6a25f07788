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

@Module({})
export class AppModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        EventStoreModule,
        ReferenceModule,
        AuthModule,
        TpsModule,
        AuditModule,
        HealthModule,
        ProjectionsModule,
        ReadApiModule,
        LiveModule,
        IncidentsModule,
        RollCallModule,
        MessagesModule,
      ],
    };
  }
}
