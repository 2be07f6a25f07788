import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { APP_CONFIG, type RuntimeConfig } from '../config/config.module.js';
import { RateLimitInterceptor } from './rate-limit.interceptor.js';
import { RATE_LIMITERS, RateLimiters } from './rate-limit.limiters.js';

/** Rate limits on every HTTP route (docs/security.md); the Redis connection closes with the app. */
@Module({
  providers: [
    { provide: RATE_LIMITERS, inject: [APP_CONFIG], useFactory: (config: RuntimeConfig) => RateLimiters.create(config) },
    { provide: APP_INTERCEPTOR, useClass: RateLimitInterceptor },
  ],
})
export class RateLimitModule {}
