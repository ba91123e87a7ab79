/**
 * Chain model throughput: blocks built per second with a busy mempool (50k pending txs, 200 fit
 * a block, 200 new arrive per block so the pool stays full), plus the MEV classifier over the
 * real mev-inspect blocks when the shared data is present.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Chain } from '../src/chain/chain.ts';
import { ETHEREUM } from '../src/chain/profiles.ts';
import type { ChainTx } from '../src/chain/types.ts';
import { readBlockJsonFile } from '../src/data/chain/block-json.ts';
import { classifyBlock } from '../src/mev/classifier.ts';

type BenchResult = { name: string; events: number; seconds: number; unit?: string; note?: string };

const GWEI = 1_000_000_000n;
const TX_GAS = 100_000;

/** Deterministic LCG (no Math.random in the project). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function busyMempool(pending: number, perBlock: number, blocks: number, seed: number): BenchResult {
  const rnd = lcg(seed);
  let n = 0;
  const mk = (): ChainTx => {
    const tip = BigInt(Math.floor(rnd() * 5_000)) * 1_000_000n; // 0–5 gwei
    const maxFee = 20n * GWEI + BigInt(Math.floor(rnd() * 30)) * GWEI;
    return { hash: `0x${(n++).toString(16)}`, from: `s${n % 5000}`, gasLimit: TX_GAS, maxFeePerGasWei: maxFee, maxPriorityFeePerGasWei: tip };
  };
  // Base fee starts at 1 gwei; half-full blocks would keep it there, these are full and it rises.
  const chain = new Chain({ ...ETHEREUM, gasLimit: perBlock * TX_GAS });
  for (let i = 0; i < pending; i++) chain.submit(mk(), { private: rnd() < 0.1 });
  let included = 0;
  const t0 = performance.now();
  for (let b = 0; b < blocks; b++) {
    const block = chain.buildBlock(b * ETHEREUM.slotUs);
    included += block.txs.length;
    for (let i = 0; i < perBlock; i++) chain.submit(mk());
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    name: 'chain.buildBlock busy mempool',
    events: blocks,
    seconds,
    unit: 'blocks',
    note: `${pending} pending, ${perBlock}/block, ${included} txs included, final base fee ${chain.nextBaseFeeWei} wei, seed ${seed}`,
  };
}

function classifier(): BenchResult | undefined {
  const dir = path.resolve(import.meta.dirname, '../../shared/data/chain/mev-inspect');
  if (!existsSync(dir)) return undefined;
  const blocks = [12775690, 12914944, 13234998, 13244807].map((n) => readBlockJsonFile(path.join(dir, `blocks_${n}.json`)));
  const traces = blocks.reduce((s, b) => s + b.traces.length, 0);
  const reps = 5;
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) for (const b of blocks) classifyBlock(b);
  return { name: 'mev.classifyBlock real blocks', events: traces * reps, seconds: (performance.now() - t0) / 1000, unit: 'traces', note: `4 mev-inspect blocks × ${reps}` };
}

export async function run(): Promise<BenchResult[]> {
  const out = [busyMempool(50_000, 200, 100, 42)];
  const c = classifier();
  if (c !== undefined) out.push(c);
  return out;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const r of await run()) {
    console.log(`${r.name}: ${r.events} ${r.unit ?? 'events'} in ${r.seconds.toFixed(3)} s = ${(r.events / r.seconds).toFixed(1)}/s (${r.note ?? ''})`);
  }
}
