/**
 * Helpers for the shared event-store contract suite: event factories, conflict assertions and a subscription probe
 * whose every wait is bounded and fails with a message saying what it was waiting for.
 */
import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import type {
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
} from '../event-store.port.js';
import { WrongExpectedRevisionError } from '../event-store.errors.js';
import { comparePositions } from '../position.js';

export const WAIT_MS = 10_000;

/** A stream name no other test (or earlier run against the same store) uses. */
export function freshStream(label: string): string {
  return `contract_${label}-${randomUUID().replace(/-/g, '')}`;
}

export function newEvent(type = 'ContractTested', data: Record<string, unknown> = {}): NewEvent {
  return {
    id: randomUUID(),
    type,
    data: { ...data },
    metadata: { actor: 'contract', role: 'test', correlationId: randomUUID(), serverTime: new Date().toISOString() },
  };
}

export function newEvents(count: number, type = 'ContractTested'): NewEvent[] {
  return Array.from({ length: count }, (_, i) => newEvent(type, { i }));
}

/** Awaits a rejection and checks it is the port's conflict error with these fields. */
export async function expectConflict(
  attempt: Promise<unknown>,
  stream: string,
  expected: ExpectedRevision,
  actual: bigint | 'no_stream',
): Promise<void> {
  const error = await attempt.then(
    () => new Error(`expected a WrongExpectedRevisionError on ${stream}, but the append succeeded`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  const conflict = error as WrongExpectedRevisionError;
  expect({ stream: conflict.stream, expected: conflict.expected, actual: conflict.actual }).toEqual({ stream, expected, actual });
}

export function expectStrictlyIncreasing(events: RecordedEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    if (comparePositions(events[i - 1].position, events[i].position) >= 0) {
      throw new Error(`positions out of order at index ${i}: ${fmt(events[i - 1])} then ${fmt(events[i])}`);
    }
  }
}

export function only(events: RecordedEvent[], streams: Iterable<string>): RecordedEvent[] {
  const set = new Set(streams);
  return events.filter((e) => set.has(e.stream));
}

export function ids(events: Array<{ id: string }>): string[] {
  return events.map((e) => e.id);
}

function fmt(e: RecordedEvent): string {
  return `${e.stream}@${e.revision} (${e.position.commit}/${e.position.prepare})`;
}

/** Polls a condition until it holds or the deadline passes; the failure says what was awaited. */
export async function waitUntil(condition: () => boolean, what: () => string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * readAll until it shows every wanted id (bounded). A store may show a commit to log readers slightly later than to
 * stream readers: PostgreSQL hides it while any older transaction is still open (docs/event-store.md).
 */
export async function readAllShowing(store: EventStore, options: ReadAllOptions, wanted: string[]): Promise<RecordedEvent[]> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const all = await store.readAll(options);
    const seen = new Set(ids(all));
    const missing = wanted.filter((id) => !seen.has(id)).length;
    if (missing === 0) return all;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${WAIT_MS} ms waiting for readAll to show ${missing} of ${wanted.length} appended events`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs one subscription in the background and records what it delivers. */
export class SubscriptionProbe {
  readonly messages: SubscriptionMessage[] = [];
  readonly done: Promise<void>;
  error: unknown = undefined;
  finished = false;
  private readonly controller = new AbortController();

  constructor(store: EventStore, options: Omit<SubscribeOptions, 'signal'>) {
    this.done = (async () => {
      try {
        for await (const m of store.subscribeToAll({ ...options, signal: this.controller.signal })) this.messages.push(m);
      } catch (e) {
        this.error = e;
      } finally {
        this.finished = true;
      }
    })();
  }

  /** Delivered events of these streams, in delivery order. */
  events(streams: Iterable<string>): RecordedEvent[] {
    return only(this.allEvents(), streams);
  }

  allEvents(): RecordedEvent[] {
    return this.messages.flatMap((m) => (m.kind === 'events' ? m.events : []));
  }

  caughtUpIndex(): number {
    return this.messages.findIndex((m) => m.kind === 'caught-up');
  }

  async waitForCaughtUp(): Promise<void> {
    await waitUntil(
      () => this.caughtUpIndex() >= 0 || this.finished,
      () => `a caught-up message (got ${this.messages.length} messages)`,
    );
    if (this.error) throw this.error instanceof Error ? this.error : new Error(JSON.stringify(this.error));
    if (this.caughtUpIndex() < 0) throw new Error('subscription ended before it caught up');
  }

  async waitForEvents(streams: string[], count: number): Promise<RecordedEvent[]> {
    await waitUntil(
      () => this.events(streams).length >= count || this.finished,
      () => `${count} events of ${streams.length} stream(s) (got ${this.events(streams).length})`,
    );
    if (this.error) throw this.error instanceof Error ? this.error : new Error(JSON.stringify(this.error));
    return this.events(streams);
  }

  /** Aborts and waits (bounded) for the iteration to end. */
  async stop(): Promise<void> {
    this.controller.abort();
    await waitUntil(
      () => this.finished,
      () => 'the subscription to end after abort',
    );
  }
}
