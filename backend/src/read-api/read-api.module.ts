import { Module } from '@nestjs/common';
import { AdminProjectionsController } from './admin-projections.controller.js';
import { AreasController } from './areas.controller.js';
import { ReadApiController } from './read-api.controller.js';
import { RootController } from './root.controller.js';

/** The public root name, read routes over READ_MODELS (provided globally by ProjectionsModule), metrics and the rebuild route. */
@Module({ controllers: [ReadApiController, AreasController, RootController, AdminProjectionsController] })
export class ReadApiModule {}
