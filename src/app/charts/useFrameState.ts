// The charts read the store through this hook instead of useStore(selector):
// a burst of worker events (a fast GPU reports many steps per frame) costs
// one re-render per animation frame, not one per event.

import { useEffect, useState } from 'react';
import { useStore, type AppState } from '../store';

/**
 * The selected slice, refreshed at most once per requestAnimationFrame after
 * it changes (compared by reference). select must be stable (module-level).
 */
export function useFrameState<T>(select: (s: AppState) => T): T {
  const [value, setValue] = useState(() => select(useStore.getState()));
  useEffect(() => {
    let frame = 0;
    const flush = () => {
      frame = 0;
      setValue(() => select(useStore.getState()));
    };
    const unsubscribe = useStore.subscribe((s, prev) => {
      if (frame !== 0 || select(s) === select(prev)) return;
      frame = requestAnimationFrame(flush);
    });
    // catch up on anything that changed between the first render and subscribing
    setValue(() => select(useStore.getState()));
    return () => {
      unsubscribe();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [select]);
  return value;
}
