// The storage under persistence: five object stores in one IndexedDB
// database, behind a small generic interface so the logic above it
// (persister.ts) is tested in Node against the in-memory one here.
//   runs         key id
//   metrics      key [runId, step], index runId
//   evals        key [runId, step], index runId
//   samples      key [runId, step], index runId
//   checkpoints  key [runId, step], index runId
// Typed arrays are stored as they are (structured clone), not as JSON.

export type StoreName = 'runs' | 'metrics' | 'evals' | 'samples' | 'checkpoints';
export const STORES: readonly StoreName[] = ['runs', 'metrics', 'evals', 'samples', 'checkpoints'];
export const DB_NAME = 'grpo-playground';
export const DB_VERSION = 1;

/** A record of a per-run store: keyed by (runId, step). */
export interface Keyed {
  runId: string;
  step: number;
}

export interface RunDb {
  /** Writes in one transaction; the promise rejects when it fails (a full quota, a closed database). */
  put(store: StoreName, records: readonly object[]): Promise<void>;
  /** Every record of a store, or of one run of a per-run store; records come back unchecked. */
  getAll(store: StoreName, runId?: string): Promise<unknown[]>;
  /** Deletes (runId, step) keys of a per-run store. */
  deleteSteps(store: Exclude<StoreName, 'runs'>, runId: string, steps: readonly number[]): Promise<void>;
  /** The run and everything keyed by it. */
  deleteRun(runId: string): Promise<void>;
  clear(): Promise<void>;
}

// --- in memory: the tests' fake, and the fallback when IndexedDB is missing (private windows)

export function createMemoryDb(): RunDb {
  const data = new Map<StoreName, Map<string, unknown>>(STORES.map((s) => [s, new Map()]));
  const key = (store: StoreName, r: object) => (store === 'runs' ? (r as { id: string }).id : JSON.stringify([(r as Keyed).runId, (r as Keyed).step]));
  return {
    async put(store, records) {
      for (const r of records) data.get(store)!.set(key(store, r), structuredClone(r));
    },
    async getAll(store, runId) {
      const all = [...data.get(store)!.values()];
      return (runId === undefined ? all : all.filter((r) => (r as Keyed).runId === runId)).map((r) => structuredClone(r));
    },
    async deleteSteps(store, runId, steps) {
      for (const s of steps) data.get(store)!.delete(JSON.stringify([runId, s]));
    },
    async deleteRun(runId) {
      data.get('runs')!.delete(runId);
      for (const s of STORES) if (s !== 'runs') for (const [k, r] of data.get(s)!) if ((r as Keyed).runId === runId) data.get(s)!.delete(k);
    },
    async clear() {
      for (const m of data.values()) m.clear();
    },
  };
}

// --- IndexedDB

const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

const request = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });

export async function openIndexedDb(factory: IDBFactory = indexedDB): Promise<RunDb> {
  const open = factory.open(DB_NAME, DB_VERSION);
  open.onupgradeneeded = () => {
    const db = open.result;
    for (const s of STORES) {
      if (db.objectStoreNames.contains(s)) continue;
      if (s === 'runs') db.createObjectStore(s, { keyPath: 'id' });
      else db.createObjectStore(s, { keyPath: ['runId', 'step'] }).createIndex('runId', 'runId');
    }
  };
  const db = await request(open);
  const range = (runId: string) => IDBKeyRange.bound([runId, -Infinity], [runId, Infinity]);
  return {
    async put(store, records) {
      if (records.length === 0) return;
      const tx = db.transaction(store, 'readwrite');
      const os = tx.objectStore(store);
      for (const r of records) os.put(r);
      await done(tx);
    },
    async getAll(store, runId) {
      const os = db.transaction(store, 'readonly').objectStore(store);
      return request(runId === undefined ? os.getAll() : os.getAll(range(runId)));
    },
    async deleteSteps(store, runId, steps) {
      const tx = db.transaction(store, 'readwrite');
      for (const s of steps) tx.objectStore(store).delete([runId, s]);
      await done(tx);
    },
    async deleteRun(runId) {
      const tx = db.transaction(STORES as StoreName[], 'readwrite');
      tx.objectStore('runs').delete(runId);
      for (const s of STORES) if (s !== 'runs') tx.objectStore(s).delete(range(runId));
      await done(tx);
    },
    async clear() {
      const tx = db.transaction(STORES as StoreName[], 'readwrite');
      for (const s of STORES) tx.objectStore(s).clear();
      await done(tx);
    },
  };
}
