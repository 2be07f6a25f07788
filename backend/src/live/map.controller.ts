import { Controller, Get, Inject, StreamableFile } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { DomainError } from '../http/domain-error.js';
import { MAP_BOUNDARIES, type MapBoundaries } from './map-boundaries.js';

export interface MapConfig {
  tileUrl: string | null;
  hasBoundaries: boolean;
}

/** What the wall's map needs besides the live data (any signed-in role). Nothing here needs the internet. */
@Controller('map')
export class MapController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
    @Inject(MAP_BOUNDARIES) private readonly boundaries: MapBoundaries | null,
  ) {}

  @Get('config')
  mapConfig(): MapConfig {
    return { tileUrl: this.config.MAP_TILE_URL ?? null, hasBoundaries: this.boundaries !== null };
  }

  @Get('boundaries')
  boundariesFile(): StreamableFile {
    if (!this.boundaries) throw new DomainError('MAP.NO_BOUNDARIES', 404, 'No boundary file is configured (MAP_BOUNDARIES)');
    return new StreamableFile(this.boundaries.raw, { type: 'application/geo+json', length: this.boundaries.raw.length });
  }
}
