import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined | null = null;

/**
 * A full garbage collection when the JavaScript heap and its buffers hold more than `limitBytes`. Called after a
 * result chunk has spilled: the spilled rows are garbage by then, but V8 lets the old generation
 * grow with the allocation rate before collecting it, so a long run's peak RSS would still grow
 * with its length (60M events: ~110 MB of heap, 29 MB of it live). Collecting at this point
 * keeps the peak flat; it runs only a few times per run (chunks are thousands of rows).
 */
export function collectIfAbove(limitBytes: number): void {
  if (gc === null) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = undefined;
    }
  }
  if (gc === undefined) return;
  const h = getHeapStatistics();
  // Buffers (Arrow chunks read back, bytes written) count too: they are freed with their wrappers.
  if (h.used_heap_size + h.external_memory > limitBytes) gc();
}
