import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { httpLogOptions } from './logger.js';

/** nestjs-pino over the root logger: request lines from pino-http, and Nest's Logger calls go to the same pino. */
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: httpLogOptions(logger), renameContext: 'context' })],
    };
  }
}
