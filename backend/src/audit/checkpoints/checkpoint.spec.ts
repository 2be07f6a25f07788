import { generateKeyPairSync } from 'node:crypto';
import { checkpointMessage, signatureProblem, signCheckpoint } from './checkpoint.js';

const body = { position: '812/3', logHead: 'ab'.repeat(32), eventsCount: 42, at: '2024-02-14T12:00:00.000Z' };

describe('signed checkpoints', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');

  it('signs the canonical body and verifies under the public key', () => {
    const cp = signCheckpoint(body, privateKey);
    expect(signatureProblem(cp, publicKey)).toBeNull();
    expect(checkpointMessage(cp).toString()).toBe(
      `{"at":"2024-02-14T12:00:00.000Z","eventsCount":42,"kind":"sipantaumilu.audit.checkpoint.v1","logHead":"${body.logHead}","position":"812/3"}`,
    );
  });

  it('fails for any changed field, a changed signature and another key', () => {
    const cp = signCheckpoint(body, privateKey);
    for (const changed of [
      { ...cp, logHead: 'cd'.repeat(32) },
      { ...cp, position: '812/4' },
      { ...cp, eventsCount: 41 },
      { ...cp, at: '2024-02-14T12:00:01.000Z' },
      { ...cp, signature: Buffer.alloc(64).toString('base64') },
      { ...cp, signature: 'not base64 at all' },
    ])
      expect(signatureProblem(changed, publicKey)).toBe('the signature does not match the checkpoint');
    const other = generateKeyPairSync('ed25519');
    expect(signatureProblem(cp, other.publicKey)).toMatch(/^signed by key [0-9a-f]{16}, not by the given key/);
    expect(signatureProblem({ ...signCheckpoint(body, other.privateKey), keyId: cp.keyId }, publicKey)).toBe(
      'the signature does not match the checkpoint',
    );
  });
});
