/**
 * The checkpoint signing key: an Ed25519 private key in a PEM file on the application host (mode 0600), never in the
 * database, so whoever holds only the database credential cannot sign. docs/security.md (key handling).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { keyIdOf } from './checkpoint.js';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM: what the server publishes and observers keep. */
  publicKeyPem: string;
  keyId: string;
  file: string;
}

export const KEY_FILE_NAME = 'audit-signing-key.pem';

/** Where the key is: AUDIT_SIGNING_KEY_FILE, else DATA_DIR's file on the embedded setup, else nowhere (no signing). */
export function signingKeyPath(config: { AUDIT_SIGNING_KEY_FILE?: string; embedded: boolean; dataDir: string }): string | null {
  if (config.AUDIT_SIGNING_KEY_FILE) return resolve(config.AUDIT_SIGNING_KEY_FILE);
  return config.embedded ? join(config.dataDir, KEY_FILE_NAME) : null;
}

export function signingKeyFromPem(pem: string, file: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error(`AUDIT_SIGNING_KEY_FILE: ${file} is not a PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`AUDIT_SIGNING_KEY_FILE: ${file} is not an Ed25519 key`);
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
    file,
  };
}

/** Reads the key, or generates one (PKCS#8 PEM, mode 0600) when the file does not exist yet. */
export async function loadOrCreateSigningKey(file: string): Promise<{ key: SigningKey; created: boolean }> {
  if (existsSync(file)) return { key: signingKeyFromPem(await readFile(file, 'utf8'), file), created: false };
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await mkdir(dirname(file), { recursive: true });
  // 'wx': never overwrite a key another process wrote in the meantime.
  await writeFile(file, pem, { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
  return { key: signingKeyFromPem(await readFile(file, 'utf8'), file), created: true };
}

/** A public key given as PEM (SPKI), e.g. the one an observer saved from GET /api/audit/public-key. */
export function publicKeyFromPem(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the public key is not an Ed25519 key');
  return key;
}
