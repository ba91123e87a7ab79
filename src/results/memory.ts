import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined | null = null;
/** Heap + buffers right after the last collection here: what the run holds live. */
let live = 0;

/**
 * A full garbage collection when the JavaScript heap and its buffers have grown by more than
 * `growthBytes` since the last one. Called after a result chunk has spilled: the spilled rows are
 * garbage by then, but V8 lets the old generation grow with the allocation rate before
 * collecting it, so a long run's peak RSS would still grow with its length (60M events: ~110 MB
 * of heap, 29 MB of it live). Measured from what stayed live (a bar run holds its bars, ~50 MB),
 * so it runs a few times per run, not at every chunk.
 */
export function collectIfGrown(growthBytes: number): void {
  load();
  if (!gc) return;
  // Grown by the threshold, or by half of what stayed live if that is more (a run holding much —
  // a million bars — is collected less often; each full collection walks what is live).
  if (used() - live > Math.max(growthBytes, live / 2)) {
    gc();
    live = used();
  }
}

/**
 * What a run holds as its replay begins (its data, its world), taken as live without collecting:
 * growth is measured from here. Measured from nothing, a run that starts holding more than the
 * threshold (a million bars: 48 MB of columns) paid a full collection at its first spilled chunk
 * that freed nothing of what it held.
 */
export function markLive(): void {
  live = used();
}

/** A full collection now (before the result files are written: the replay's garbage goes first). */
export function collectNow(): void {
  load();
  if (!gc) return;
  gc();
  live = used();
}

function used(): number {
  // The old generation only (young garbage — boxed numbers of the event loop — is collected
  // cheaply by V8 itself), plus buffers (Arrow chunks read back, bytes written): they are freed
  // with their wrappers.
  let old = 0;
  for (const sp of getHeapSpaceStatistics()) if (sp.space_name === 'old_space' || sp.space_name === 'large_object_space') old += sp.space_used_size;
  return old + getHeapStatistics().external_memory;
}

function load(): void {
  if (gc === null) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = undefined;
    }
  }
}
