/** The verified-token cache must never accept what jose would refuse: another string, or a token past its expiry. */
import { afterEach, expect, it, jest } from '@jest/globals';
import type { RuntimeConfig } from '../config/config.module.js';
import { TokenService } from './token.service.js';

const config = { jwtSecret: 's'.repeat(40), TOKEN_TTL_SECONDS: 60 } as RuntimeConfig;
const officer = { sub: 'petugas-1', role: 'officer' as const, tpsId: '1673011001001' };

afterEach(() => {
  jest.useRealTimers();
});

it('answers a repeated token from the cache with the same principal', async () => {
  const tokens = new TokenService(config);
  const token = await tokens.sign(officer);
  expect(await tokens.verify(token)).toMatchObject(officer);
  expect(await tokens.verify(token)).toMatchObject(officer);
});

it('refuses a cached token once it has expired', async () => {
  jest.useFakeTimers({ now: new Date('2024-02-14T06:00:00Z') });
  const tokens = new TokenService(config);
  const token = await tokens.sign(officer);
  await tokens.verify(token);
  jest.setSystemTime(new Date('2024-02-14T06:01:00Z'));
  await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'AUTH.TOKEN_EXPIRED', status: 401 });
});

it('does not let a cached token vouch for an altered one', async () => {
  const tokens = new TokenService(config);
  const token = await tokens.sign(officer);
  await tokens.verify(token);
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const forged = [header, Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url'), signature].join('.');
  await expect(tokens.verify(forged)).rejects.toMatchObject({ code: 'AUTH.INVALID_TOKEN' });
  const other = new TokenService({ ...config, jwtSecret: 'x'.repeat(40) });
  await expect(other.verify(token)).rejects.toMatchObject({ code: 'AUTH.INVALID_TOKEN' });
});
