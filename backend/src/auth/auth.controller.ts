import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import { parseBody } from '../http/parse-body.js';
import { safeText } from '../http/safe-text.js';
import { ApiRoute } from '../http/api-doc.decorator.js';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from './auth.guard.js';
import { AuthService, type LoginAnswer } from './auth.service.js';
import type { Principal } from './principal.js';
import { Public } from './roles.decorator.js';

export const loginSchema = z.strictObject({
  nip: safeText(1, 64),
  pin: safeText(1, 128, { trim: false }),
});

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Officers sign in with NIP + PIN; posko, auditor, admin and display users with their user name in `nip`. */
  @Public()
  @Post('login')
  @ApiRoute({
    summary: 'Sign in: officers with NIP + PIN, other users with their user name in nip',
    public: true,
    body: loginSchema,
    example: { nip: '1673061002001', pin: '123456' },
    answer: {
      status: 200,
      example: {
        accessToken: 'eyJhbGciOiJIUzI1NiJ9...',
        expiresIn: 43200,
        role: 'officer',
        tpsId: '1673061002001',
        name: 'Pemantau TPS 1',
      },
    },
    errors: { 400: ['REQUEST.INVALID'], 401: ['AUTH.INVALID_CREDENTIALS'], 403: ['AUTH.NO_TPS'], 429: ['AUTH.LOCKED'] },
  })
  @HttpCode(200)
  login(@Body() body: unknown): Promise<LoginAnswer> {
    const { nip, pin } = parseBody(loginSchema, body);
    return this.auth.login(nip, pin);
  }

  @Post('refresh')
  @ApiRoute({
    summary: 'A fresh token for a still-valid one (wall screens stay signed in)',
    answer: { status: 200, example: { accessToken: 'eyJhbGciOiJIUzI1NiJ9...', expiresIn: 43200, role: 'display', name: 'Layar Posko' } },
    errors: { 401: ['AUTH.INVALID_TOKEN', 'AUTH.TOKEN_EXPIRED'] },
  })
  @HttpCode(200)
  refresh(@CurrentPrincipal() p: Principal): Promise<LoginAnswer> {
    return this.auth.refresh(p);
  }
}
