import { Inject, Injectable, Module, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { ProjectionsHealth } from '../projections/projections-health.js';
import { MetricsController } from './metrics.controller.js';
import { registry } from './metrics.js';
import { setLagSource } from './projection-gauges.js';

let storeSource: (() => Promise<boolean>) | null = null;

new Gauge({
  name: 'sipantaumilu_event_store_up',
  help: 'Whether the event store (PostgreSQL or EventStoreDB) answered a ping within 2 s at this scrape.',
  registers: [registry],
  async collect() {
    this.set((await storeSource?.()) ? 1 : 0);
  },
});

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, no) => (timer = setTimeout(() => no(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Points the scrape-time gauges at this app's projections, database and event store. */
@Injectable()
class MetricsSources implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() private readonly health?: ProjectionsHealth,
  ) {}

  onModuleInit(): void {
    const health = this.health;
    setLagSource({
      lag: () => (health ? within(2000, health.lag()) : Promise.resolve([])),
      hidden: health && this.store.visibility ? () => within(2000, health.visibility()) : undefined,
    });
    storeSource = () =>
      within(2000, this.store.ping()).then(
        () => true,
        () => false,
      );
  }

  onModuleDestroy(): void {
    setLagSource(null);
    storeSource = null;
  }
}

@Module({ controllers: [MetricsController], providers: [MetricsSources] })
export class MetricsModule {}
