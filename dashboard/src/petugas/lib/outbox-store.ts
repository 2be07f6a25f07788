import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxEntry } from './outbox-core.ts';

interface PetugasDb extends DBSchema {
  outbox: { key: string; value: OutboxEntry; indexes: { seq: number } };
}

/** The outbox in IndexedDB: survives reloads and phone restarts; keyed by Idempotency-Key, so a report is stored once. */
export class OutboxStore {
  private constructor(private readonly db: IDBPDatabase<PetugasDb>) {}

  static async open(name = 'sipantaumilu-petugas'): Promise<OutboxStore> {
    const db = await openDB<PetugasDb>(name, 1, {
      upgrade(d) {
        d.createObjectStore('outbox', { keyPath: 'key' }).createIndex('seq', 'seq');
      },
    });
    return new OutboxStore(db);
  }

  /** Adds the report unless one with its key is stored already (a double tap stores nothing twice). */
  async add(entry: Omit<OutboxEntry, 'seq'>): Promise<boolean> {
    const tx = this.db.transaction('outbox', 'readwrite');
    if (await tx.store.get(entry.key)) {
      await tx.done;
      return false;
    }
    const last = await tx.store.index('seq').openCursor(null, 'prev');
    await tx.store.add({ ...entry, seq: (last?.value.seq ?? 0) + 1 });
    await tx.done;
    return true;
  }

  all(): Promise<OutboxEntry[]> {
    return this.db.getAllFromIndex('outbox', 'seq');
  }

  put(entry: OutboxEntry): Promise<string> {
    return this.db.put('outbox', entry);
  }

  delete(key: string): Promise<void> {
    return this.db.delete('outbox', key);
  }
}
