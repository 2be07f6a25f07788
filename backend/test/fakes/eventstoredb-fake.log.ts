/**
 * TEST DOUBLE, not EventStoreDB: the in-memory transaction log behind the fake EventStoreDB server
 * (eventstoredb-fake.server.ts). It reproduces the few write rules of EventStoreDB our adapter depends on, as far as
 * they are documented or visible from the client: expected-version checks, event-id idempotency, commit/prepare
 * positions and `created` ticks. It is deliberately stricter than the real server where the real one is lenient only
 * by luck (no id dedup for `any`/`stream_exists`, whose real dedup rests on a bounded cache), so the adapter cannot
 * lean on it.
 */

/** What the gRPC layer hands over per proposed event. */
export interface FakeProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  metadata: Uint8Array;
}

export interface FakeStoredEvent extends FakeProposedEvent {
  stream: string;
  revision: bigint;
  commit: bigint;
  prepare: bigint;
  /** .NET ticks (100 ns) since the Unix epoch, as the real server sends in the `created` metadata entry. */
  created: bigint;
}

/** -1n = no stream, -2n = any, -4n = stream exists (EventStoreDB's own encoding); else an exact revision. */
export type FakeExpected = bigint;
export const EXPECT_ANY = -2n;
export const EXPECT_NO_STREAM = -1n;
export const EXPECT_STREAM_EXISTS = -4n;

export type FakeAppendOutcome =
  | { kind: 'written'; events: FakeStoredEvent[] }
  /** Idempotent re-append: the real server answers success with the original revisions and no position. */
  | { kind: 'idempotent'; lastRevision: bigint }
  | { kind: 'wrong-expected-version'; current: bigint | null };

export interface FakePosition {
  commit: bigint;
  prepare: bigint;
}

export function comparePos(a: FakePosition, b: FakePosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

const TICKS_PER_MS = 10_000n;
/** Starts past zero like a real log, whose first chunk already holds the server's own records. */
const FIRST_LOG_POSITION = 4_096n;

export class FakeEventLog {
  readonly all: FakeStoredEvent[] = [];
  private readonly streams = new Map<string, FakeStoredEvent[]>();
  private nextLogPosition = FIRST_LOG_POSITION;
  private readonly listeners = new Set<() => void>();

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stream(name: string): FakeStoredEvent[] | undefined {
    return this.streams.get(name);
  }

  append(stream: string, expected: FakeExpected, given: FakeProposedEvent[]): FakeAppendOutcome {
    // The server parses ids as Guids: compared whatever their case, and read back in lower case.
    const proposed = given.map((p) => ({ ...p, id: p.id.toLowerCase() }));
    const existing = this.streams.get(stream);
    const current = existing && existing.length > 0 ? BigInt(existing.length - 1) : null;
    const decision = this.check(existing ?? [], current, expected, proposed);
    if (decision) return decision;
    if (proposed.length === 0) return { kind: 'idempotent', lastRevision: current ?? -1n };

    // One implicit transaction: every event shares the commit position of the first prepare, each has its own prepare.
    const commit = this.nextLogPosition;
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    const list = existing ?? [];
    const written = proposed.map((p) => {
      const prepare = this.nextLogPosition;
      this.nextLogPosition += 128n + BigInt(p.data.length + p.metadata.length);
      const event: FakeStoredEvent = { ...p, stream, revision: BigInt(list.length), commit, prepare, created };
      list.push(event);
      this.all.push(event);
      return event;
    });
    this.streams.set(stream, list);
    for (const listener of this.listeners) listener();
    return { kind: 'written', events: written };
  }

  /** EventStoreDB's commit check: null means "write it". */
  private check(
    existing: FakeStoredEvent[],
    current: bigint | null,
    expected: FakeExpected,
    proposed: FakeProposedEvent[],
  ): FakeAppendOutcome | null {
    const conflict: FakeAppendOutcome = { kind: 'wrong-expected-version', current };
    if (expected === EXPECT_ANY) return null;
    if (expected === EXPECT_STREAM_EXISTS) return current === null ? conflict : null;
    const currentNumber = current ?? -1n;
    if (expected === currentNumber) return null;
    if (expected > currentNumber) return conflict;
    // The stream moved past `expected`: the write is idempotent only if these exact ids sit right after `expected`.
    for (let i = 0; i < proposed.length; i++) {
      const at = existing[Number(expected) + 1 + i];
      if (!at || at.id !== proposed[i].id) return conflict;
    }
    return { kind: 'idempotent', lastRevision: expected + BigInt(proposed.length) };
  }

  lastPosition(): FakePosition | null {
    const last = this.all[this.all.length - 1];
    return last ? { commit: last.commit, prepare: last.prepare } : null;
  }
}
