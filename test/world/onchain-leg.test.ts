import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { queryRuns } from '../../src/results/query.ts';
import { specWithOverrides } from '../../src/sweep/spec-job.ts';
import { runWorld } from '../../src/world/run.ts';

/**
 * An account's on-chain holdings are part of its equity. scenarios/dex-twap.yaml funds the desk
 * with 50 WETH and 10 ETH on chain and sells the WETH through a Uniswap pool; its equity was 0 at
 * every sample (the wallet valued only the exchange account `desk:cash`), so its PnL, returns and
 * drawdown said nothing, and route-eth's total PnL left out the part it sold on chain.
 */
const root = mkdtempSync(join(tmpdir(), 'primesim-onchain-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const scenario = join(PACKAGE_ROOT, 'scenarios', 'dex-twap.yaml');
const text = readFileSync(scenario, 'utf8').replace('../strategies/dex-twap.ts', join(PACKAGE_ROOT, 'strategies', 'dex-twap.ts'));

async function runText(yaml: string, runId: string) {
  const f = join(root, `${runId}.yaml`);
  writeFileSync(f, yaml);
  const { spec, source } = specWithOverrides(f, {});
  return runWorld(spec, source, { runsDir: root, runId });
}

describe('on-chain holdings in the equity', () => {
  it('dex-twap: equity is the desk\'s ledger balances on chain at the CEX price, at every sample; the split adds up; PnL = revaluation + what the swaps made', async () => {
    const { spec, source } = specWithOverrides(scenario, {});
    const r = await runWorld(spec, source, { runsDir: root, runId: 'twap' });
    const rows = (await queryRuns([r.dir], 'SELECT ts_us, equity, deposits, pnl_onchain, pnl_cex, liquidation FROM equity ORDER BY ts_us')).rows.map((x) => x.map(Number));
    expect(rows.length).toBeGreaterThan(60);
    // The balances from the ledger table alone (every transfer in or out of the desk's chain account).
    const ledger = (await queryRuns([r.dir], "SELECT ts_us, from_account, to_account, asset, amount_exact, kind FROM ledger WHERE from_account = 'desk' OR to_account = 'desk' ORDER BY seq")).rows;
    const scale: Record<string, number> = { WETH: 1e18, ETH: 1e18, USDC: 1e6 };
    let k = 0;
    const bal = new Map<string, bigint>();
    // The price of ETH the run used at a sample: the deposits (50 WETH + 10 ETH) over 60.
    let checked = 0;
    for (const [ts, equity, deposits, pnlOnchain, pnlCex, liq] of rows) {
      // A block at a sample's time comes after it (the recorder's timer was scheduled first);
      // the funding at the start comes before the first sample.
      while (k < ledger.length && (Number(ledger[k]![0]) < ts! || (Number(ledger[k]![0]) === ts && ledger[k]![5] === 'deposit'))) {
        const [, from, to, asset, amount] = ledger[k++]!;
        const a = BigInt(amount as string);
        if (to === 'desk') bal.set(asset as string, (bal.get(asset as string) ?? 0n) + a);
        if (from === 'desk') bal.set(asset as string, (bal.get(asset as string) ?? 0n) - a);
      }
      const eth = deposits! / 60;
      let want = 0;
      for (const [asset, b] of bal) want += (Number(b) / scale[asset]!) * (asset === 'USDC' ? 1 : eth);
      expect(Math.abs(equity! - want)).toBeLessThanOrEqual(1e-9 * want);
      // equity = deposits at current prices + each leg's PnL + liquidation transfers
      expect(Math.abs(deposits! + pnlOnchain! + pnlCex! + liq! - equity!)).toBeLessThanOrEqual(1e-9 * equity!);
      checked++;
    }
    expect(checked).toBe(rows.length);
    // At the start: 60 ETH at the path's first price, 2,000.
    expect(rows[0]![1]).toBe(120_000);
    // Every WETH was sold: the desk ends with USDC and what gas left of its ETH.
    expect(bal.get('WETH') ?? 0n).toBe(0n);
    expect(Number(bal.get('USDC'))).toBeGreaterThan(90_000e6);
    const m = r.metrics;
    const last = rows[rows.length - 1]!;
    expect(m.initialCapital).toBe(120_000);
    expect(m.totalPnl).toBeCloseTo(last[1]! - 120_000, 9);
    expect(m.depositsPnl).toBeCloseTo(last[2]! - 120_000, 9);
    // Selling 50 WETH into a 1,000 WETH pool, sandwiched, costs: the swaps' part is a loss.
    expect(last[3]!).toBeLessThan(0);
  });

  it('a token nothing prices is an error naming the account\'s field; an oracle <TOKEN>/USD prices it', async () => {
    const dai = text.replace('onchain: { WETH: 50, ETH: 10 }', 'onchain: { WETH: 50, ETH: 10, DAI: 1000 }');
    await expect(runText(dai, 'dai-unpriced')).rejects.toThrow(/field accounts\[0\]\.onchain\.DAI: nothing in the spec prices DAI, which account desk holds on chain/);
    const priced = dai.replace(/^chain:\n/m, 'chain:\n  oracles:\n    - { id: DAI/USD, fixed: 0.9995 }\n');
    const r = await runText(priced, 'dai-priced');
    const first = (await queryRuns([r.dir], 'SELECT equity FROM equity ORDER BY ts_us LIMIT 1')).rows[0]!;
    expect(Number(first[0])).toBeCloseTo(60 * 2000 + 1000 * 0.9995, 6);
  });
});
