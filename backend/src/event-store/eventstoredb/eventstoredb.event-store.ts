/**
 * The EventStoreDB adapter of the event-store port (production). Configured by one connection string:
 * `esdb://host:2113?tls=false` (one node), `esdb://a:2113,b:2113,c:2113?tls=true` (gossip seeds) or
 * `esdb+discover://cluster.dns:2113` (DNS discovery). The client connects lazily and reconnects by itself after a
 * dropped channel; this class maps its types and errors onto the port and adds what the port promises beyond it
 * (see eventstoredb.append.ts and eventstoredb.subscription.ts).
 */
import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
} from '../event-store.port.js';
import type { Position } from '../position.js';
import { StoreUnavailableError } from '../event-store.errors.js';
import { appendEvents } from './eventstoredb.append.js';
import { toRecordedEvent, toStoreError } from './eventstoredb.mapping.js';
import { readAllEvents, readStreamRaw } from './eventstoredb.reads.js';
import { catchUpAndSubscribe } from './eventstoredb.subscription.js';

export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb';
  /** Aborted on close() so no subscription outlives the client. */
  private readonly subscriptions = new Set<AbortController>();
  private closed = false;

  private constructor(private readonly client: EventStoreDBClient) {}

  /** Parses the connection string now (a typo fails at boot); the first network round trip happens on first use. */
  static connect(connectionString: string): EventStoreDbEventStore {
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(connectionString);
    } catch (error) {
      // The message names the option at fault; the string itself may carry credentials, so it is not repeated.
      throw new Error(`invalid EventStoreDB connection string: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    return new EventStoreDbEventStore(client);
  }

  async appendToStream(stream: string, events: NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    this.assertOpen();
    return appendEvents(this.client, stream, events, options.expectedRevision);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    const raw = await readStreamRaw(this.client, stream, options);
    return (raw ?? []).filter((r) => r.event).map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    return readAllEvents(this.client, options);
  }

  async headPosition(): Promise<Position | null> {
    this.assertOpen();
    const [newest] = await readAllEvents(this.client, { direction: 'backwards', maxCount: 1 });
    return newest?.position ?? null;
  }

  subscribeToAll(options: SubscribeOptions): AsyncIterable<SubscriptionMessage> {
    this.assertOpen();
    const client = this.client;
    const subscriptions = this.subscriptions;
    return {
      async *[Symbol.asyncIterator]() {
        const controller = new AbortController();
        const onAbort = () => controller.abort();
        if (options.signal?.aborted) return;
        options.signal?.addEventListener('abort', onAbort, { once: true });
        subscriptions.add(controller);
        try {
          yield* catchUpAndSubscribe(client, options, controller.signal);
        } finally {
          subscriptions.delete(controller);
          options.signal?.removeEventListener('abort', onAbort);
          controller.abort();
        }
      },
    };
  }

  /** One backwards read of $all: cheap, and it needs a live leader or follower that accepts our credentials. */
  async ping(): Promise<void> {
    this.assertOpen();
    try {
      for await (const _ of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) break;
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const controller of this.subscriptions) controller.abort();
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the EventStoreDB store is closed');
  }
}
