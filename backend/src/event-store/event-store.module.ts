import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { EVENT_STORE, type EventStore } from './event-store.port.js';
import { PostgresEventStore } from './postgres/postgres.event-store.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb.event-store.js';

/** EVENTSTORE_URL set: EventStoreDB (production). Otherwise the PostgreSQL store on the read-model database. */
export async function createEventStore(config: RuntimeConfig): Promise<EventStore> {
  if (config.EVENTSTORE_URL) return EventStoreDbEventStore.connect(config.EVENTSTORE_URL);
  return PostgresEventStore.connect({
    connectionString: config.databaseUrl,
    poolSize: config.DB_POOL_SIZE,
    groupCommitMs: config.EVENTSTORE_GROUP_COMMIT_MS,
    groupCommitMax: config.EVENTSTORE_GROUP_COMMIT_MAX,
  });
}

@Global()
@Module({
  providers: [{ provide: EVENT_STORE, inject: [APP_CONFIG], useFactory: createEventStore }],
  exports: [EVENT_STORE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
