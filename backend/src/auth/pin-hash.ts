import { randomBytes, scrypt as scryptCb, timingSafeEqual, randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** The key derivation, behind an object so a test can count its calls (unknown NIPs must cost one, like known ones). */
export const kdf = {
  scrypt: promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>,
};

/** `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await kdf.scrypt(pin, salt, 32, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await kdf.scrypt(pin, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | null = null;
/**
 * Compared against when the NIP is unknown, so a wrong NIP costs the same scrypt as a wrong PIN: a real hash of a
 * random secret with the same parameters, made once per process (no PIN matches it).
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPin(randomBytes(24).toString('base64url'));
  return dummy;
}

/** A fresh 6-digit PIN from a CSPRNG. */
export function randomPin(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}
