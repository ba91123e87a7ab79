// The spill thread's entry (plain JavaScript so a thread can load it with no hooks): registers
// tsx's TypeScript hooks in this thread, then serves the run's spill chunks (spill-task.ts).
import { register } from 'tsx/esm/api';

register();
await import('./spill-task.ts');
