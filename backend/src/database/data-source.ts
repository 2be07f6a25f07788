import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from './migrations/index.js';
import { entities } from './entities.js';

/** TypeORM options for the read models. Schema changes only by migrations, run at boot; never synchronize. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error'],
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5000,
      // Pinned per session (unless the URL sets its own options), so a plain BEGIN is READ COMMITTED whatever the
      // server's default: the projection runners rely on it and save the round trip of SET TRANSACTION per batch.
      // A batch or snapshot left idle in its transaction (a frozen process) would hide every later event from the
      // log's readers (docs/event-store.md) and keep its checkpoint row locked from the next projection leader
      // (docs/scaling.md): the server ends it after 15 s, whatever the server-wide setting.
      ...(/[?&]options=/.test(url)
        ? {}
        : { options: '-c default_transaction_isolation=read\\ committed -c idle_in_transaction_session_timeout=15000' }),
    },
  };
}

/** A DataSource with every migration applied: for scripts and tests. */
export async function openDataSource(url: string, poolSize = 5): Promise<DataSource> {
  const ds = new DataSource(dataSourceOptions(url, poolSize));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}
