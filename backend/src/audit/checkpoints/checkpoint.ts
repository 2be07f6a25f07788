/**
 * A signed log head: the server's statement "at log position P the log chain's head was H, after N TPS events", signed
 * with Ed25519 at time `at`. Whoever keeps one can later prove that the log up to P was rewritten (docs/audit.md).
 * Pure: node:crypto only, no database.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../event-hash.js';

/** What is signed. */
export interface CheckpointBody {
  /** Log position of the last TPS event covered (`commit/prepare`). */
  position: string;
  /** Log-chain head after that event (GET /api/audit/verify `logHead`). */
  logHead: string;
  /** TPS events in the log up to and including `position`. */
  eventsCount: number;
  /** When the server signed it (ISO 8601, UTC). */
  at: string;
}

export interface SignedCheckpoint extends CheckpointBody {
  /** sha256 of the public key (SPKI DER), hex, first 16 characters: names the key that signed. */
  keyId: string;
  /** Ed25519 signature of `checkpointMessage(body)`, base64. */
  signature: string;
}

/** What GET /api/audit/public-key answers and the export's first line carries. */
export interface PublicKeyInfo {
  algorithm: 'Ed25519';
  keyId: string;
  /** SPKI PEM. */
  publicKey: string;
}

/** Names what the bytes mean, so a signature over a checkpoint can never be passed off as one over anything else. */
export const CHECKPOINT_KIND = 'sipantaumilu.audit.checkpoint.v1';

/** The exact bytes signed: canonical JSON (keys sorted) of the body plus the kind. Documented in docs/audit.md. */
export function checkpointMessage(body: CheckpointBody): Buffer {
  const { position, logHead, eventsCount, at } = body;
  return Buffer.from(canonicalJson({ kind: CHECKPOINT_KIND, position, logHead, eventsCount, at }), 'utf8');
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function signCheckpoint(body: CheckpointBody, privateKey: KeyObject): SignedCheckpoint {
  const { position, logHead, eventsCount, at } = body;
  return {
    position,
    logHead,
    eventsCount,
    at,
    keyId: keyIdOf(createPublicKey(privateKey)),
    signature: sign(null, checkpointMessage(body), privateKey).toString('base64'),
  };
}

/** Why a checkpoint does not hold under `publicKey`, or null when its signature is valid. */
export function signatureProblem(cp: SignedCheckpoint, publicKey: KeyObject): string | null {
  if (cp.keyId !== keyIdOf(publicKey)) return `signed by key ${cp.keyId}, not by the given key ${keyIdOf(publicKey)}`;
  let ok: boolean;
  try {
    ok = verify(null, checkpointMessage(cp), publicKey, Buffer.from(cp.signature, 'base64'));
  } catch {
    ok = false;
  }
  return ok ? null : 'the signature does not match the checkpoint';
}
