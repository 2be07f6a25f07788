import { afterEach, describe, expect, it } from '@jest/globals';
import type { LogVisibility } from '../event-store/event-store.port.js';
import { registry } from './metrics.js';
import { setLagSource } from './projection-gauges.js';

const line = (text: string, name: string) => new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];

const visible = (hiddenEvents: number, seconds: number): LogVisibility => ({
  hiddenEvents,
  hiddenCapped: false,
  oldestXidTransaction: { pid: 1, database: 'x', application: 'psql', state: 'idle in transaction', seconds },
});

describe('log visibility gauges', () => {
  afterEach(() => setLagSource(null));

  it('read the store: hidden events and the oldest transaction, visibility up', async () => {
    setLagSource({ lag: async () => [], hidden: async () => visible(3, 42) });
    const text = await registry.metrics();
    expect(line(text, 'sipantaumilu_event_log_visibility_up')).toBe('1');
    expect(line(text, 'sipantaumilu_event_log_hidden_events')).toBe('3');
    expect(line(text, 'sipantaumilu_event_log_oldest_xid_transaction_seconds')).toBe('42');
  });

  it('say "unknown" when the reading fails, never 0 (which would silence the hidden-lag alerts)', async () => {
    setLagSource({
      lag: async () => [],
      hidden: async () => {
        throw new Error('connection terminated');
      },
    });
    const text = await registry.metrics();
    expect(line(text, 'sipantaumilu_event_log_visibility_up')).toBe('0');
    // prom-client writes NaN as `Nan`; Prometheus (and promtool) read it case-insensitively.
    expect(line(text, 'sipantaumilu_event_log_hidden_events')).toMatch(/^nan$/i);
    expect(line(text, 'sipantaumilu_event_log_oldest_xid_transaction_seconds')).toMatch(/^nan$/i);
  });

  it('a store without a visibility rule (EventStoreDB) hides nothing and is up', async () => {
    setLagSource({ lag: async () => [] });
    const text = await registry.metrics();
    expect(line(text, 'sipantaumilu_event_log_visibility_up')).toBe('1');
    expect(line(text, 'sipantaumilu_event_log_hidden_events')).toBe('0');
  });
});
