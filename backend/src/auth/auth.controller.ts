import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { parseBody } from '../http/parse-body.js';
import { safeText } from '../http/safe-text.js';
import { ApiRoute } from '../http/api-doc.decorator.js';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from './auth.guard.js';
import { AuthService, type LoginAnswer } from './auth.service.js';
import type { Principal } from './principal.js';
import { Public, Roles } from './roles.decorator.js';
import { clientKey } from './client-key.js';

export const loginSchema = z.strictObject({
  nip: safeText(1, 64),
  pin: safeText(1, 128, { trim: false }),
});

export const unlockSchema = z.strictObject({ nip: safeText(1, 64) });

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
    errors: {
      400: ['REQUEST.INVALID'],
      401: ['AUTH.INVALID_CREDENTIALS'],
      403: ['AUTH.NO_TPS'],
      423: ['AUTH.POSKO_LOCKED'],
      429: ['AUTH.LOCKED', 'RATE.LIMITED'],
    },
  })
  @HttpCode(200)
  login(@Body() body: unknown, @Req() req: Request): Promise<LoginAnswer> {
    const { nip, pin } = parseBody(loginSchema, body);
    return this.auth.login(nip, pin, clientKey(req.ip ?? req.socket.remoteAddress));
  }

  /** The posko unlock: a NIP held after too many failures (423 AUTH.POSKO_LOCKED) may sign in again. */
  @Post('unlock')
  @Roles('operator', 'admin')
  @ApiRoute({
    summary: 'Posko: lift the sign-in hold on a NIP and forget its failed sign-ins',
    body: unlockSchema,
    example: { nip: '1673061002001' },
    answer: { status: 200, example: { nip: '1673061002001', wasHeld: true, failuresForgotten: 50 } },
    errors: { 400: ['REQUEST.INVALID'], 403: ['AUTH.FORBIDDEN'] },
  })
  @HttpCode(200)
  async unlock(@Body() body: unknown, @CurrentPrincipal() p: Principal) {
    const { nip } = parseBody(unlockSchema, body);
    const r = await this.auth.unlock(nip, `${p.role} ${p.sub}`);
    return { nip, wasHeld: r.locks > 0, failuresForgotten: r.failures };
  }

  /** NIPs waiting for a posko unlock. */
  @Get('locks')
  @Roles('operator', 'admin')
  @ApiRoute({
    summary: 'Posko: NIPs held for an unlock after too many failed sign-ins',
    answer: { status: 200, example: { held: [{ nip: '1673061002001', lockedAt: '2024-02-14T00:12:00.000Z', failures: 50, clients: 10 }] } },
    errors: { 403: ['AUTH.FORBIDDEN'] },
  })
  async locks() {
    return { held: await this.auth.held() };
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
