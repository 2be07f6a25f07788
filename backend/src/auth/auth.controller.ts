import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import { parseBody } from '../http/parse-body.js';
import { CurrentPrincipal } from './auth.guard.js';
import { AuthService, type LoginAnswer } from './auth.service.js';
import type { Principal } from './principal.js';
import { Public } from './roles.decorator.js';

export const loginSchema = z.strictObject({
  nip: z.string().min(1).max(64),
  pin: z.string().min(1).max(128),
});

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Officers sign in with NIP + PIN; posko, auditor, admin and display users with their user name in `nip`. */
  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() body: unknown): Promise<LoginAnswer> {
    const { nip, pin } = parseBody(loginSchema, body);
    return this.auth.login(nip, pin);
  }

  @Post('refresh')
  @HttpCode(200)
  refresh(@CurrentPrincipal() p: Principal): Promise<LoginAnswer> {
    return this.auth.refresh(p);
  }
}
