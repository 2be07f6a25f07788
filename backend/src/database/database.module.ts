import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { dataSourceOptions } from './data-source.js';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: RuntimeConfig) => ({
        ...dataSourceOptions(config.databaseUrl, Math.max(4, Math.floor(config.DB_POOL_SIZE / 2))),
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
  ],
})
export class DatabaseModule {}
