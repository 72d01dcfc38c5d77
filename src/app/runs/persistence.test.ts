import { describe, expect, it } from 'vitest';
import type { GrpoMetrics } from '../../train/grpo';
import { PROTOCOL_VERSION as v, type TrainerEvent } from '../../train/protocol';
import { QUICK_CONFIG } from '../../train/quick';
import { useStore } from '../store';
import { beginRun, clearRuns, deleteRun, onTrainerEvent, openPersistence, setOverlay, UNSAVED } from './persistence';

// The page's glue against the in-memory database (Node has no IndexedDB, so
// openPersistence falls back to it): deleting the live run must stick while
// the run keeps stepping.

const mEv = (step: number): TrainerEvent => ({ type: 'metrics', v, metrics: { step, reward: step / 10 } as unknown as GrpoMetrics });
const reset: TrainerEvent = { type: 'status', v, state: 'ready', step: 0, backend: 'cpu', backendLabel: '', message: 'reset' };
/** The persister's write-behind flush runs a macrotask later; its writes a few microtasks after. */
const settle = () => new Promise((r) => setTimeout(r, 20));
const runs = () => useStore.getState().runs;

describe('runs persistence (the page side)', () => {
  it('deleting the live run stops saving it: it stays gone while steps go on, the list says so; a Reset saves again; ticking a run overlays its metrics', async () => {
    await openPersistence(() => {}, '');
    expect(runs().storageError).toMatch(/cannot be kept across reloads/); // Node: the in-memory fallback
    beginRun(QUICK_CONFIG);
    const live = runs().currentId!;
    for (let s = 0; s < 2; s++) onTrainerEvent(mEv(s));
    await settle();
    expect(runs().list.map((r) => [r.id, r.lastStep])).toEqual([[live, 2]]);

    onTrainerEvent(mEv(2)); // queued, not yet written, when Delete is pressed
    await deleteRun(live);
    expect(runs().list).toEqual([]);
    expect(runs().currentId).toBeNull();
    expect(runs().unsaved).toBe(UNSAVED);
    for (let s = 3; s < 5; s++) onTrainerEvent(mEv(s));
    await settle();
    expect(runs().list).toEqual([]); // the next steps did not bring it back

    // a Reset: the fresh run is saved again, and the message goes
    onTrainerEvent(reset);
    for (let s = 0; s < 3; s++) onTrainerEvent(mEv(s));
    await settle();
    expect(runs().unsaved).toBeNull();
    expect(runs().list.map((r) => r.name)).toEqual([expect.stringMatching(/ \(reset\)$/)]);
    const second = runs().currentId!;
    expect(second).not.toBe(live);

    // an overlay carries the run's metrics (read without its checkpoints: persist.test.ts)
    await setOverlay(second, true);
    expect(runs().overlays.map((o) => [o.id, o.metrics?.map((m) => m.step)])).toEqual([[second, [0, 1, 2]]]);

    // Clear all takes the live run too, the same way
    onTrainerEvent(mEv(3));
    await clearRuns();
    expect(runs().list).toEqual([]);
    expect(runs().overlays).toEqual([]);
    expect(runs().unsaved).toBe(UNSAVED);
    onTrainerEvent(mEv(4));
    await settle();
    expect(runs().list).toEqual([]);
    expect(runs().storageError).toMatch(/cannot be kept across reloads/); // kept through the clear

    // a new run saves again
    beginRun(QUICK_CONFIG);
    onTrainerEvent(mEv(0));
    await settle();
    expect(runs().unsaved).toBeNull();
    expect(runs().list.length).toBe(1);
  });
});
