import { getHeapStatistics, setFlagsFromString } from 'node:v8';
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
  if (gc === null) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = undefined;
    }
  }
  if (gc === undefined) return;
  const used = (): number => {
    const h = getHeapStatistics();
    // Buffers (Arrow chunks read back, bytes written) count too: they are freed with their wrappers.
    return h.used_heap_size + h.external_memory;
  };
  if (used() - live > growthBytes) {
    gc();
    live = used();
  }
}
