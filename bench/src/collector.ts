// The collector's work during a measurement, for the instruments that run alone in a fresh process
// (moons-window.ts, mlp-run.ts). A file of its own so that importing it loads nothing else: what a
// process holds in its heap changes how V8 collects (bench/README.md, "A collector mode").

import { constants, PerformanceObserver } from 'node:perf_hooks';

/**
 * Counts the main thread's garbage collections from now on: call the returned function once the work
 * is done. Full collections (mark-compact) are counted apart, because V8 can fall into a mode where
 * one follows every few scavenges (bench/README.md, "A collector mode"), and a run in that mode may
 * be slower for a reason that has nothing to do with the code measured. Entries arrive only when the
 * event loop turns, so reading the counts waits a moment.
 */
export function watchCollector(): () => Promise<{ fullCollections: number; gcShare: number }> {
  let full = 0;
  let pausedMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      pausedMs += entry.duration;
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const start = performance.now();
  return async () => {
    const elapsed = performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    return { fullCollections: full, gcShare: +(pausedMs / elapsed).toFixed(3) };
  };
}
