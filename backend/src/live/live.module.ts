import { Module } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { LiveGateway } from './live.gateway.js';
import { loadMapBoundaries, MAP_BOUNDARIES } from './map-boundaries.js';
import { MapController } from './map.controller.js';

/** The posko wall's live channel (Socket.IO, namespace /live) and its map routes. */
@Module({
  controllers: [MapController],
  providers: [
    LiveGateway,
    { provide: MAP_BOUNDARIES, inject: [APP_CONFIG], useFactory: (c: RuntimeConfig) => loadMapBoundaries(c.MAP_BOUNDARIES) },
  ],
})
export class LiveModule {}
