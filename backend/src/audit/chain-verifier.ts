import type { RecordedEvent } from '../event-store/event-store.port.js';
import { positionToString } from '../event-store/position.js';
import { eventHash, GENESIS_HASH, sha256 } from './event-hash.js';

export interface BrokenLink {
  stream: string;
  revision: number;
  eventId: string;
  position: string;
  problem:
    | 'CONTENT_CHANGED'
    | 'PREVIOUS_HASH_MISMATCH'
    | 'REVISION_GAP'
    | 'HASH_MISSING'
    /** The anchors (audit-anchors projection) name an event at this position that the store no longer has. */
    | 'EVENT_DELETED'
    /** The store has an event at an anchored position range that was never anchored. */
    | 'EVENT_INSERTED'
    /** Another event, or the same event with another hash, sits where the anchors put this one. */
    | 'EVENT_REPLACED'
    /** An anchor row does not chain onto the one before it: the anchors themselves were edited. */
    | 'ANCHOR_BROKEN';
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  eventsChecked: number;
  streamsChecked: number;
  broken: BrokenLink[];
  /** Head of the log chain: sha256 over every event hash in global order. Publish it to pin the whole log. */
  logHead: string;
  lastPosition: string | null;
}

/** One link of the log chain: the previous head, then the event's place and its per-stream hash. */
export const logLink = (head: string, stream: string, revision: number | bigint, hash: string): string =>
  sha256(`${head}\n${stream}\n${revision}\n${hash}`);

/** The per-stream hash an event carries ('' when it carries none). */
export const storedHash = (e: RecordedEvent): string => (typeof e.metadata.hash === 'string' ? e.metadata.hash : '');

/** Chains each event's hash onto the log head, in global log order (the chain of chain heads). */
export const nextLogHead = (head: string, e: RecordedEvent): string => logLink(head, e.stream, e.revision, storedHash(e));

/**
 * Checks every hash link, fed events in global log order: each event's stored hash must match its recomputed content
 * hash (an edit to data or metadata breaks it), its prevHash must be the previous event of its stream's hash (a removed
 * or reordered event breaks it), and revisions of a stream must follow each other.
 */
export class ChainVerifier {
  private readonly heads = new Map<string, { revision: number; hash: string }>();
  private readonly broken: BrokenLink[] = [];
  private logHead = GENESIS_HASH;
  private count = 0;
  private last: string | null = null;

  add(e: RecordedEvent): void {
    this.count++;
    this.last = positionToString(e.position);
    this.logHead = nextLogHead(this.logHead, e);
    const revision = Number(e.revision);
    const link = (problem: BrokenLink['problem'], detail: string) =>
      this.broken.push({ stream: e.stream, revision, eventId: e.id, position: positionToString(e.position), problem, detail });
    const prev = this.heads.get(e.stream);
    const stored = e.metadata.hash;
    if (typeof stored !== 'string') {
      link('HASH_MISSING', 'the event carries no hash');
      this.heads.set(e.stream, { revision, hash: '' });
      return;
    }
    const expectedRevision = prev ? prev.revision + 1 : 0;
    if (revision !== expectedRevision) link('REVISION_GAP', `expected revision ${expectedRevision}`);
    const expectedPrev = prev?.hash ?? GENESIS_HASH;
    if (e.metadata.prevHash !== expectedPrev)
      link('PREVIOUS_HASH_MISMATCH', `prevHash does not match the hash of revision ${prev ? prev.revision : 'none (genesis)'}`);
    const recomputed = eventHash({ stream: e.stream, revision, eventId: e.id, type: e.type, data: e.data, metadata: e.metadata });
    if (recomputed !== stored) link('CONTENT_CHANGED', 'the content no longer matches its hash');
    this.heads.set(e.stream, { revision, hash: stored });
  }

  /** The log-chain head after the last event added. */
  get head(): string {
    return this.logHead;
  }

  get eventsCount(): number {
    return this.count;
  }

  report(): VerifyReport {
    return {
      ok: this.broken.length === 0,
      eventsChecked: this.count,
      streamsChecked: this.heads.size,
      broken: [...this.broken],
      logHead: this.logHead,
      lastPosition: this.last,
    };
  }
}
