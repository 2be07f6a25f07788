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

/** The synchronous HS256 check answers as jose's jwtVerify would, on our tokens and on tokens we never sign. */
it('accepts and refuses exactly what jose jwtVerify accepts and refuses', async () => {
  const { SignJWT, UnsecuredJWT, jwtVerify, errors } = await import('jose');
  const key = new TextEncoder().encode(config.jwtSecret);
  const now = Math.floor(Date.now() / 1000);
  const claims = { role: 'officer', tps: '1673011001001', sia: now };
  const signed = (header: Record<string, unknown>, set: (j: InstanceType<typeof SignJWT>) => InstanceType<typeof SignJWT>) =>
    set(new SignJWT(claims).setProtectedHeader({ alg: 'HS256', ...header }).setSubject('petugas-1')).sign(key);
  const base = (j: InstanceType<typeof SignJWT>) =>
    j
      .setIssuer('sipantaumilu')
      .setIssuedAt(now)
      .setExpirationTime(now + 60);
  const good = await signed({ typ: 'JWT' }, base);
  const [h, p, sig] = good.split('.');
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const hmac = async (header: string, payload: string) =>
    Buffer.from(
      new Uint8Array(
        await crypto.subtle.sign(
          'HMAC',
          await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
          new TextEncoder().encode(`${header}.${payload}`),
        ),
      ),
    ).toString('base64url');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  const resign = async (header: object, body: object) => {
    const [hh, pp] = [b64(header), b64(body)];
    return `${hh}.${pp}.${await hmac(hh, pp)}`;
  };
  const cases: Record<string, string> = {
    good,
    'no typ': await signed({}, base),
    'other issuer': await signed({}, (j) =>
      j
        .setIssuer('lain')
        .setIssuedAt(now)
        .setExpirationTime(now + 60),
    ),
    'no issuer': await signed({}, (j) => j.setIssuedAt(now).setExpirationTime(now + 60)),
    expired: await signed({}, (j) =>
      j
        .setIssuer('sipantaumilu')
        .setIssuedAt(now - 120)
        .setExpirationTime(now - 60),
    ),
    'expires this second': await signed({}, (j) =>
      j
        .setIssuer('sipantaumilu')
        .setIssuedAt(now - 120)
        .setExpirationTime(now),
    ),
    'not yet valid': await signed({}, (j) => base(j).setNotBefore(now + 60)),
    'valid from now': await signed({}, (j) => base(j).setNotBefore(now)),
    'alg none': new UnsecuredJWT({ ...payload }).encode(),
    'alg none with our signature': `${b64({ alg: 'none' })}.${p}.${sig}`,
    'HS512 header on an HS256 signature': `${b64({ alg: 'HS512' })}.${p}.${sig}`,
    'RS256 header re-signed with the secret': await resign({ alg: 'RS256' }, payload),
    'crit header': await resign({ alg: 'HS256', crit: ['exp'] }, payload),
    'b64 false': await resign({ alg: 'HS256', b64: false, crit: ['b64'] }, payload),
    'altered payload': `${h}.${b64({ ...payload, role: 'admin' })}.${sig}`,
    'signature cut short': `${h}.${p}.${sig.slice(0, -2)}`,
    'signature with a character more': `${h}.${p}.${sig}A`,
    'no signature': `${h}.${p}.`,
    'string exp': await resign(JSON.parse(Buffer.from(h, 'base64url').toString()), { ...payload, exp: String(now + 60) }),
    'payload not JSON': `${h}.${Buffer.from('nope').toString('base64url')}.${await hmac(h, Buffer.from('nope').toString('base64url'))}`,
    'payload an array': await resign({ alg: 'HS256' }, [1, 2]),
    'two parts': `${h}.${p}`,
    'four parts': `${good}.${sig}`,
    garbage: 'not-a-token',
  };
  const outcome = async (f: () => Promise<unknown>) =>
    f().then(
      () => 'accepted',
      (e: unknown) => (e instanceof errors.JWTExpired || (e as { code?: string }).code === 'AUTH.TOKEN_EXPIRED' ? 'expired' : 'refused'),
    );
  const tokens = new TokenService(config);
  const ours: Record<string, string> = {};
  const jose: Record<string, string> = {};
  for (const [name, token] of Object.entries(cases)) {
    ours[name] = await outcome(() => tokens.verify(token));
    jose[name] = await outcome(() => jwtVerify(token, key, { algorithms: ['HS256'], issuer: 'sipantaumilu' }));
  }
  expect(ours).toEqual(jose);
  expect(jose).toMatchObject({ good: 'accepted', expired: 'expired', 'expires this second': 'expired', 'alg none': 'refused' });
  // Beyond jose: our own claim checks (an expiry is required) refuse a well-signed token without one.
  const noExpiry = await signed({}, (j) => j.setIssuer('sipantaumilu').setIssuedAt(now));
  expect(await outcome(() => jwtVerify(noExpiry, key, { algorithms: ['HS256'], issuer: 'sipantaumilu' }))).toBe('accepted');
  expect(await outcome(() => tokens.verify(noExpiry))).toBe('refused');
  expect(Object.values(jose).filter((o) => o === 'accepted').length).toBeGreaterThanOrEqual(3);
  expect(Object.values(jose).filter((o) => o !== 'accepted').length).toBeGreaterThanOrEqual(15);
});
