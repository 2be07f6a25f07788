/**
 * `npm run audit:verify [-- --expect-head HASH [--at POSITION]] [--checkpoints FILE [--public-key PEM]]`: verify, plus
 * heads someone kept. A saved checkpoint counts only when its signature holds under the given public key (default: the
 * key of this installation's key file); then the log's head at its position must equal it. Exit 0 clean, 1 broken.
 */
import type { KeyObject } from 'node:crypto';
import type { AuditReport, AuditService } from '../audit.service.js';
import { signatureProblem } from './checkpoint.js';
import { parseCheckpointFile } from './checkpoint-file.js';
import type { KeptHead } from './head-matcher.js';

export interface VerifyArgs {
  expectHead?: string;
  at?: string;
  checkpoints?: string;
  publicKey?: string;
}

export const VERIFY_USAGE =
  'usage: npm run audit:verify [-- --expect-head <hash> [--at <position>]] [--checkpoints <file> [--public-key <pem file>]]';

export function parseVerifyArgs(args: string[]): VerifyArgs {
  const flags: Record<string, keyof VerifyArgs> = {
    '--expect-head': 'expectHead',
    '--at': 'at',
    '--checkpoints': 'checkpoints',
    '--public-key': 'publicKey',
  };
  const out: VerifyArgs = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = flags[args[i]];
    if (!name || args[i + 1] === undefined) throw new Error(`${args[i]}: unknown option or missing value\n${VERIFY_USAGE}`);
    out[name] = args[i + 1];
  }
  if (out.expectHead !== undefined && !/^[0-9a-f]{64}$/.test(out.expectHead))
    throw new Error('--expect-head: must be 64 lowercase hex characters');
  if (out.at !== undefined && !/^\d{1,20}\/\d{1,20}$/.test(out.at)) throw new Error('--at: must be a log position like 1234/56');
  if (out.at !== undefined && out.expectHead === undefined) throw new Error('--at needs --expect-head');
  if (out.publicKey !== undefined && out.checkpoints === undefined) throw new Error('--public-key needs --checkpoints');
  return out;
}

export interface CheckpointCheck {
  label: string;
  position: string;
  at: string;
  /** `valid`, or `INVALID: <why>`. */
  signature: string;
}

export interface CliVerifyReport extends AuditReport {
  /** Signature check of each saved checkpoint (its head check is in `heads` under the same label). */
  checkpoints: CheckpointCheck[];
}

export interface VerifyDeps {
  readText(file: string): Promise<string>;
  /** The key the checkpoints must be signed with: --public-key's file, else this installation's own. */
  publicKey(file: string | undefined): Promise<KeyObject>;
}

export async function runVerify(audit: AuditService, args: VerifyArgs, deps: VerifyDeps): Promise<CliVerifyReport> {
  const kept: KeptHead[] = [];
  if (args.expectHead) kept.push({ logHead: args.expectHead, position: args.at, label: 'expect-head' });
  const checks: CheckpointCheck[] = [];
  if (args.checkpoints) {
    const saved = parseCheckpointFile(await deps.readText(args.checkpoints));
    if (saved.length === 0) throw new Error(`${args.checkpoints}: no checkpoints in the file`);
    const key = await deps.publicKey(args.publicKey);
    saved.forEach((cp, i) => {
      const label = `checkpoint ${cp.id ?? `#${i + 1}`} (${cp.at})`;
      const problem = signatureProblem(cp, key);
      checks.push({ label, position: cp.position, at: cp.at, signature: problem ? `INVALID: ${problem}` : 'valid' });
      // An unsigned head proves nothing about the server: only checkpoints whose signature holds are compared.
      if (!problem) kept.push({ position: cp.position, logHead: cp.logHead, eventsCount: cp.eventsCount, label });
    });
  }
  const report = await audit.verify(kept);
  return { ...report, ok: report.ok && checks.every((c) => c.signature === 'valid'), checkpoints: checks };
}
