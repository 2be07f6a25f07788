/**
 * Reads the checkpoints an observer saved: a JSON array of checkpoints, a page of GET /api/audit/checkpoints, one
 * checkpoint, or JSON lines of any of these (e.g. a page appended by curl every few minutes, or an audit export, whose
 * event lines are skipped). Duplicates (same signature) count once. Pure.
 */
import type { SignedCheckpoint } from './checkpoint.js';

export interface SavedCheckpoint extends SignedCheckpoint {
  id?: number;
}

const HEX64 = /^[0-9a-f]{64}$/;
const POSITION = /^\d{1,20}\/\d{1,20}$/;

function asCheckpoint(v: unknown, where: string): SavedCheckpoint {
  const c = v as Record<string, unknown>;
  const ok =
    typeof c === 'object' &&
    c !== null &&
    typeof c.position === 'string' &&
    POSITION.test(c.position) &&
    typeof c.logHead === 'string' &&
    HEX64.test(c.logHead) &&
    Number.isSafeInteger(c.eventsCount) &&
    typeof c.at === 'string' &&
    typeof c.keyId === 'string' &&
    typeof c.signature === 'string';
  if (!ok) throw new Error(`${where}: not a signed checkpoint { position, logHead, eventsCount, at, keyId, signature }`);
  const { position, logHead, eventsCount, at, keyId, signature, id } = c as unknown as SavedCheckpoint;
  return { position, logHead, eventsCount, at, keyId, signature, ...(typeof id === 'number' ? { id } : {}) };
}

function collect(v: unknown, where: string, out: SavedCheckpoint[]): void {
  if (Array.isArray(v)) v.forEach((x, i) => out.push(asCheckpoint(x, `${where}[${i}]`)));
  else if (typeof v === 'object' && v !== null && Array.isArray((v as { checkpoints?: unknown }).checkpoints))
    collect((v as { checkpoints: unknown[] }).checkpoints, `${where}.checkpoints`, out);
  else if (typeof v === 'object' && v !== null && ('stream' in v || (v as { kind?: unknown }).kind === 'export-header')) return;
  else out.push(asCheckpoint(v, where));
}

export function parseCheckpointFile(text: string): SavedCheckpoint[] {
  const out: SavedCheckpoint[] = [];
  const trimmed = text.trim();
  if (trimmed === '') return out;
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch {
    whole = undefined;
  }
  if (whole !== undefined) collect(whole, 'file', out);
  else
    trimmed.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        throw new Error(`line ${i + 1}: not JSON`);
      }
      collect(v, `line ${i + 1}`, out);
    });
  const seen = new Set<string>();
  return out.filter((c) => !seen.has(c.signature) && seen.add(c.signature));
}
