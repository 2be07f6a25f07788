import { Global, Module } from '@nestjs/common';
import { ChangeFeed } from './change-feed.js';
import { CLOCK } from './coverage.js';
import { ProjectionsHost } from './projections.host.js';
import { ProjectionsHealth } from './projections-health.js';
import { READ_MODELS } from './read-models.port.js';
import { ReadModelsService } from './read-models.service.js';

/** Projections and their read models: READ_MODELS for the read API and the live gateway, lag for health. */
@Global()
@Module({
  providers: [
    ChangeFeed,
    ProjectionsHost,
    ProjectionsHealth,
    ReadModelsService,
    { provide: READ_MODELS, useExisting: ReadModelsService },
    { provide: CLOCK, useValue: () => new Date() },
  ],
  exports: [READ_MODELS, ProjectionsHost, ProjectionsHealth, CLOCK],
})
export class ProjectionsModule {}
