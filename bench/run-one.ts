/** Runs one model bench file in its own process (so its peak RSS is its own); prints JSON. */
import { join, resolve } from 'node:path';

type BenchResult = { name: string; events: number; seconds: number; unit?: string; note?: string };
const file = process.argv[2];
if (!file) throw new Error('usage: tsx bench/run-one.ts <bench file>');
const mod = (await import(resolve(join(import.meta.dirname, file)))) as { run?: () => Promise<BenchResult[]> };
const results = typeof mod.run === 'function' ? await mod.run() : [];
process.stdout.write(JSON.stringify({ results, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
