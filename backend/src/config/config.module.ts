import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './config.schema.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Resolved runtime settings: the parsed config plus what boot discovered (database URL, secrets). */
export interface RuntimeConfig extends AppConfig {
  databaseUrl: string;
  jwtSecret: string;
  dataDir: string;
}

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: RuntimeConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
