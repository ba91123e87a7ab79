/**
 * Run Monte Carlo path k of a spec and reduce it to its summary row. The same function runs in
 * the local worker pool (piscina), in a queue worker (BullMQ) and in `primesim mc --only k`, so a
 * path's run folder is byte-identical wherever it ran.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tokenDecimals } from '../chain/tokens.ts';
import { ConfigError } from '../errors.ts';
import { writeFileWhole } from '../results/safe-output.ts';
import { codeFingerprint } from '../results/versions.ts';
import { specWithOverrides } from '../sweep/spec-job.ts';
import { pathSpec } from '../world/mc-paths.ts';
import { runWorld } from '../world/run.ts';
import type { McRow } from './stats.ts';

export interface PathJob {
  /** Absolute path of the spec file, and field overrides (as `--set`). */
  file: string;
  overrides: Record<string, string>;
  k: number;
  /** The MC folder: path k goes to <dir>/path-<k>. */
  dir: string;
  /** The code fingerprint of whoever made the job: a queue worker running other code refuses it. */
  code?: string;
  /** Replace a path-<k> folder that is not a run folder (`mc --force`); otherwise such a folder is refused. */
  force?: boolean;
}

export function pathRunId(k: number): string {
  return `path-${String(k).padStart(5, '0')}`;
}

/** Where path k's row goes: written after its run folder is in place, so a row means a complete path. */
export function rowFile(dir: string, k: number): string {
  return join(dir, 'rows', `${pathRunId(k)}.json`);
}

/** A finished path's row, or undefined. */
export function readPathRow(dir: string, k: number): McRow | undefined {
  const f = rowFile(dir, k);
  const manifest = join(dir, pathRunId(k), 'manifest.json');
  if (!existsSync(f) || !existsSync(manifest)) return undefined;
  // A path written by other code (an older primesim, edited sources) is not reused: the paths of
  // one MC come from one model. (Manifests from before the fingerprint have none: reused.)
  const code = (JSON.parse(readFileSync(manifest, 'utf8')) as { versions?: { code?: string } }).versions?.code;
  if (code !== undefined && code !== codeFingerprint()) return undefined;
  return JSON.parse(readFileSync(f, 'utf8')) as McRow;
}

export async function runPath(job: PathJob): Promise<McRow> {
  if (job.code !== undefined && job.code !== codeFingerprint()) {
    throw new ConfigError(`this worker runs primesim code ${codeFingerprint()}, the MC was enqueued by code ${job.code}: run the same primesim on every machine`, { field: '--queue' });
  }
  const { spec, source } = specWithOverrides(job.file, job.overrides);
  const p = pathSpec(spec, job.k);
  const runId = pathRunId(job.k);
  // A path-<k> run folder without its row (an interrupted run of this MC) is replaced whole, as any
  // run folder is; a folder of other files only with --force (mc checks them all before it starts).
  // A path is a short run among many in one worker: no forced full collections (see collectGarbage),
  // no spill thread — its start and messages cost more than they save on a run this short (in
  // line, four paths took 10 s without it and 11–12 s with it), and pool workers have none anyway —
  // and no spill files: a path's chunks (a few MB) stay in memory until its files are written.
  const r = await runWorld(p.spec, source, { runsDir: job.dir, runId, force: job.force ?? false, collectGarbage: false, spillThread: false, spillInMemory: true, extra: { mc: { k: job.k, label: p.label, shock: p.shock } } });
  const m = r.metrics as unknown as Record<string, unknown>;
  const w = r.world;
  const lot = new Map(w.venues.map((v) => [v.id, Number(v.clob.instrument.lotSize) * v.clob.instrument.multiplier]));
  let liqNotional = 0;
  let fundMin = Number(m.insuranceFund ?? 0);
  for (const x of w.liquidation?.records ?? []) {
    // A step that found no bid has size 0 and no price.
    if (x.kind !== 'adl' && x.sizeLots > 0 && Number.isFinite(x.price)) liqNotional += x.sizeLots * (lot.get(x.instrument) ?? 0) * x.price;
    if (x.fundBalance < fundMin) fundMin = x.fundBalance;
  }
  let lendingUsd = 0;
  for (const pool of w.chain?.lending.values() ?? []) {
    // Debt repaid, USD: stablecoin debt at 1 (the scenarios borrow USDC); other debt at its oracle's last price.
    for (const l of pool.liquidations) lendingUsd += (Number(l.debtRepaid) / 10 ** tokenDecimals(l.debtAsset)) * (/^(USDC|USDT|DAI)$/.test(l.debtAsset) ? 1 : Number(pool.price(l.debtAsset, l.tsUs)) / 1e8);
  }
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  let feeMax = w.chain ? 0n : -1n;
  for (const b of w.chain?.blocks ?? []) if (b.baseFeeWei > feeMax) feeMax = b.baseFeeWei;
  const row: McRow = {
    k: job.k, seed: p.seed, label: p.label, shock: p.shock,
    deskPnl: num(m.totalPnl), liquidations: num(m.liquidationsAll), accountsLiquidated: num(m.accountsLiquidated),
    liquidatedNotional: liqNotional, lendingLiquidatedUsd: lendingUsd, lendingLiquidations: num(m.lendingLiquidations),
    adlEvents: num(m.adlEvents), badDebt: num(m.badDebt), lendingBadDebtUsd: num(m.lendingBadDebtUsd),
    insuranceFundEnd: num(m.insuranceFund), insuranceFundMin: fundMin, fundExhausted: fundMin <= 0,
    pathLow: num(m.pathLow), markLow: num(m.markLow), baseFeeMaxGwei: feeMax < 0n ? NaN : Number(feeMax) / 1e9, events: Number(r.manifest.counts.events ?? 0), resultsSha256: r.manifest.resultsSha256, dir: runId,
  };
  const f = rowFile(job.dir, job.k);
  mkdirSync(dirname(f), { recursive: true });
  writeFileWhole(f, JSON.stringify(row) + '\n');
  return row;
}
