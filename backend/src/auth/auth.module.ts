import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { DemoSeed } from './demo-seed.js';
import { TokenService } from './token.service.js';
import { UserDirectory } from './user-directory.js';

@Global()
@Module({
  controllers: [AuthController],
  providers: [TokenService, UserDirectory, AuthService, DemoSeed, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenService, UserDirectory],
})
export class AuthModule {}
