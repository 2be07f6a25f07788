/**
 * The shared event-store contract, run against the EventStoreDB adapter twice:
 * - over the FAKE EventStoreDB server (test/fakes/eventstoredb-fake.server.ts, a test double speaking the real gRPC
 *   protocol to the real client), always;
 * - over a real EventStoreDB when ESDB_TEST_URL is set (e.g. `esdb://localhost:2113?tls=false`).
 */
import { describe, it } from '@jest/globals';
import { eventStoreContract, type ContractHarness } from '../testing/event-store.contract.js';
import { startFakeEventStoreDb } from '../../../test/fakes/eventstoredb-fake.server.js';
import { EventStoreDbEventStore } from './eventstoredb.event-store.js';

function harness(url: string, stop: () => Promise<void>, raceStreams?: number): ContractHarness {
  const store = EventStoreDbEventStore.connect(url);
  const clients: EventStoreDbEventStore[] = [];
  return {
    store,
    raceStreams,
    async newClient() {
      const client = EventStoreDbEventStore.connect(url);
      clients.push(client);
      return client;
    },
    async cleanup() {
      await Promise.all([store, ...clients].map((c) => c.close()));
      await stop();
    },
  };
}

// The server orders writes itself; over the double each contended 'any' append costs several round trips.
const FAKE_RACE_STREAMS = 60;

// BatchAppend is what a 21.10+ server announces and so what production uses; the classic Append is the 20.x path.
eventStoreContract('EventStoreDbEventStore (fake EventStoreDB server, BatchAppend)', async () => {
  const fake = await startFakeEventStoreDb({ batchAppend: true });
  return harness(
    fake.url,
    async () => {
      // The contract must really have gone through BatchAppend, not fallen back to the classic Append.
      if (fake.appendCalls.batch === 0 || fake.appendCalls.classic > 0) {
        throw new Error(`appends took the wrong path: ${JSON.stringify(fake.appendCalls)}`);
      }
      await fake.stop();
    },
    FAKE_RACE_STREAMS,
  );
});

eventStoreContract('EventStoreDbEventStore (fake EventStoreDB server, classic Append)', async () => {
  const fake = await startFakeEventStoreDb({ batchAppend: false });
  return harness(fake.url, () => fake.stop(), FAKE_RACE_STREAMS);
});

const realUrl = process.env.ESDB_TEST_URL;
if (realUrl) {
  eventStoreContract('EventStoreDbEventStore (real server)', async () => harness(realUrl, async () => undefined));
} else {
  describe('event store contract: EventStoreDbEventStore (real server)', () => {
    it('is not run: ESDB_TEST_URL is not set (no EventStoreDB can be installed here; set it to run the contract on one)', () => {
      console.log('EventStoreDB real-server contract skipped: ESDB_TEST_URL is not set');
    });
  });
}
