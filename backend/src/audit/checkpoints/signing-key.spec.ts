import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSigningKey, signingKeyFromPem, signingKeyPath } from './signing-key.js';

describe('checkpoint signing key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lives in AUDIT_SIGNING_KEY_FILE, else in DATA_DIR on the embedded setup, else nowhere', () => {
    expect(signingKeyPath({ AUDIT_SIGNING_KEY_FILE: '/k/key.pem', embedded: false, dataDir: '/d' })).toBe('/k/key.pem');
    expect(signingKeyPath({ embedded: true, dataDir: '/d' })).toBe('/d/audit-signing-key.pem');
    expect(signingKeyPath({ embedded: false, dataDir: '/d' })).toBeNull();
  });

  it('is generated once (mode 0600) and read back the same', async () => {
    const file = join(dir, 'sub', 'key.pem');
    const first = await loadOrCreateSigningKey(file);
    const again = await loadOrCreateSigningKey(file);
    expect([first.created, again.created, again.key.keyId]).toEqual([true, false, first.key.keyId]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a file that is not an Ed25519 private key, naming the variable', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => signingKeyFromPem(rsa, '/k.pem')).toThrow('AUDIT_SIGNING_KEY_FILE: /k.pem is not an Ed25519 key');
    writeFileSync(join(dir, 'junk.pem'), 'not a key');
    expect(() => signingKeyFromPem('not a key', '/j.pem')).toThrow('AUDIT_SIGNING_KEY_FILE: /j.pem is not a PEM private key');
  });
});
