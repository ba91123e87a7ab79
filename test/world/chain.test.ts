import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ETHEREUM } from '../../src/chain/profiles.ts';
import { eip1559 } from '../helpers/eip1559.ts';
import { getAmountOut } from '../../src/venues/amm/index.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { queryRuns } from '../../src/results/query.ts';
import { specWithOverrides } from '../../src/sweep/spec-job.ts';
import { runWorld, type WorldResult } from '../../src/world/run.ts';
import { readSpecDocument, validateSpec } from '../../src/world/spec-file.ts';

/**
 * The chain in the one world: the old hand-wired DEX and lending scenarios as run specs
 * (scenarios/dex-twap.yaml, scenarios/lending-liquidations.yaml) — a CEX venue, an AMM pool or a
 * lending market, oracles, adversaries and strategies on one clock and one ledger.
 */
const root = mkdtempSync(join(tmpdir(), 'primesim-chain-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const num = (v: unknown) => Number(v);
const scenario = (name: string) => join(PACKAGE_ROOT, 'scenarios', `${name}.yaml`);

async function run(name: string, overrides: Record<string, string>, runId: string): Promise<WorldResult> {
  const { spec, source } = specWithOverrides(scenario(name), overrides);
  return runWorld(spec, source, { runsDir: root, runId });
}
const q = async (dir: string, sql: string) => (await queryRuns([dir], sql)).rows;

describe('DEX TWAP in the world: strategy swaps, sandwich bots and a CEX-DEX arbitrageur on one clock', () => {
  for (const kind of ['amm-v2', 'amm-v3'] as const) {
    it(`${kind}: public loses to sandwiches bounded by amountOutMin, private does not; finality; money conserved; byte-identical`, async () => {
      const base = { slices: '6', amount: '30', intervalSeconds: '36', 'venues.weth-usdc.kind': kind };
      const pub = await run('dex-twap', { ...base, route: 'public' }, `${kind}-pub`);
      const priv = await run('dex-twap', { ...base, route: 'private' }, `${kind}-priv`);
      for (const r of [pub, priv]) {
        expect(r.metrics.swaps).toBe(6);
        expect(r.metrics.swapsFilled).toBe(6);
        expect(r.metrics.chainLedgerMismatches).toBe(0);
      }
      expect(pub.metrics.swapsSandwiched).toBeGreaterThan(0);
      expect(pub.metrics.swapMevLoss).toBeGreaterThan(0);
      expect(priv.metrics.swapsSandwiched).toBe(0);
      expect(priv.metrics.swapMevLoss).toBe(0);
      expect(pub.metrics.swapAvgPrice!).toBeLessThan(priv.metrics.swapAvgPrice!);
      expect(num((await q(priv.dir, 'SELECT COUNT(*) FROM mev'))[0]![0])).toBe(0);

      // Each swap: a sandwiched one ends at its amountOutMin to the minor unit (the bot takes all
      // the slack the desk allowed); finality is 64 slots after the including block.
      const rows = await q(pub.dir, 'SELECT amount_out, amount_out_min, mev_loss, status, final_ts_us, included_ts_us, submitted_ts_us, settlement_delay_us FROM swaps ORDER BY submitted_ts_us');
      expect(rows).toHaveLength(6);
      for (const [out, min, loss, status, fin, inc, sub, delay] of rows) {
        expect(status).toBe('success');
        expect(num(out)).toBeGreaterThanOrEqual(num(min));
        if (num(loss) > 0) expect(num(out) - num(min)).toBeLessThanOrEqual(1e-6 + 1e-9);
        expect(num(fin) - num(inc)).toBe(64 * ETHEREUM.slotUs);
        expect(num(delay)).toBe(num(fin) - num(sub));
      }
      // The classifier's sandwich rules on the run's own blocks find every sandwich the bots
      // recorded — same victim, sandwicher = attacker, profit = the bot's gross to the minor unit —
      // and nothing else; in the private run there is nothing to find.
      const det = await q(pub.dir, 'SELECT detected, simulated, sandwicher = attacker, detected_profit_minor = simulated_gross_minor FROM mev_detected');
      expect(det.length).toBe(num((await q(pub.dir, "SELECT COUNT(*) FROM mev WHERE kind = 'sandwich'"))[0]![0]));
      for (const row of det) expect(row.map((x) => (typeof x === 'boolean' ? x : num(x)))).toEqual([1, 1, true, true]);
      expect(num((await q(priv.dir, 'SELECT COUNT(*) FROM mev_detected'))[0]![0])).toBe(0);
      // The mev table's victim losses are the swaps' losses.
      const joined = (await q(pub.dir, 'SELECT SUM(m.victim_loss) - SUM(s.mev_loss) FROM mev m JOIN swaps s ON m.victim_tx = s.tx'))[0]![0];
      expect(Math.abs(num(joined))).toBeLessThan(1e-6);
      // Blocks every 12 s; every swap's gas is in the ledger as the desk's ETH outflow.
      const gaps = (await q(pub.dir, 'SELECT MIN(d), MAX(d) FROM (SELECT ts_us - LAG(ts_us) OVER (ORDER BY number) AS d FROM blocks) WHERE d IS NOT NULL'))[0]!;
      expect([num(gaps[0]), num(gaps[1])]).toEqual([12_000_000, 12_000_000]);
      const gas = (await q(pub.dir, "SELECT SUM(amount_minor) FROM ledger WHERE from_account = 'desk' AND asset = 'ETH' AND kind = 'gas'"))[0]![0];
      expect(num(gas) / 1e18).toBeCloseTo(pub.metrics.swapGasEth!, 12);
      // Exactly 30 of the desk's 50 WETH left it, on the chain and in the ledger alike.
      const { bank } = pub.world.chain!;
      expect(bank.balance('desk', 'WETH')).toBe(20n * 10n ** 18n);
      expect(pub.world.ledger.balance('desk', 'WETH')).toBe(20n * 10n ** 18n);

      const again = await run('dex-twap', { ...base, route: 'public' }, `${kind}-pub2`);
      expect(again.manifest.resultsSha256).toBe(pub.manifest.resultsSha256);
      for (const t of ['blocks', 'txs', 'mev', 'swaps', 'arbs', 'ledger']) expect(readFileSync(join(again.dir, `${t}.arrow`)).equals(readFileSync(join(pub.dir, `${t}.arrow`)))).toBe(true);
    });
  }

  it('a v2 swap pays exactly the Uniswap v2 getAmountOut on the reserves it met (private relay, no attack)', async () => {
    // One private swap at the start: nothing trades the pool before it in its block (the
    // arbitrageur back-runs after), so its output is the closed form on the initial reserves.
    const r = await run('dex-twap', { slices: '1', amount: '10', route: 'private', startSeconds: '1' }, 'v2-exact');
    const [out] = (await q(r.dir, 'SELECT amount_out FROM swaps'))[0]!;
    const want = getAmountOut(10n * 10n ** 18n, 1000n * 10n ** 18n, 2_000_000n * 10n ** 6n);
    expect(Math.round(num(out) * 1e6)).toBe(Number(want));
  });

  it('the arbitrageur keeps the pool near the CEX venue\'s mark (the two venues meet)', async () => {
    const r = await run('dex-twap', { slices: '1', amount: '1', route: 'private' }, 'arb-track');
    const pool = r.world.chain!.pools.get('weth-usdc')!;
    const [r0, r1] = pool.reserves();
    const poolPx = (Number(r1) / 1e6) / (Number(r0) / 1e18);
    const cex = r.world.venues[0]!;
    const mark = cex.clob.book.midTicks() * Number(cex.clob.instrument.tickSize);
    expect(r.metrics.arbProfitEth!).toBeGreaterThan(0);
    // Within the 0.3% fee band plus a little for gas and the last block's move.
    expect(Math.abs(poolPx / mark - 1)).toBeLessThan(0.006);
  });
});

describe('gas demand in the world', () => {
  it('a demand spike (full demand for three minutes) lifts the base fee by the EIP-1559 rule as others step back; after it the fee falls back', async () => {
    const r = await run('dex-twap', { slices: '2', 'chain.gas.noise': '0', 'chain.gas.spikes': '[{"from": "2024-01-01T00:03:00Z", "to": "2024-01-01T00:06:00Z", "utilisation": 1}]' }, 'spike');
    const rows = await q(r.dir, 'SELECT ts_us, base_fee, gas_used, background_gas FROM blocks ORDER BY number');
    const from = Date.parse('2024-01-01T00:03:00Z') * 1000;
    const to = Date.parse('2024-01-01T00:06:00Z') * 1000;
    for (let i = 1; i < rows.length; i++) {
      const [ts, fee, used, bg] = rows[i]!;
      const [, prevFee, prevUsed] = rows[i - 1]!;
      // Every block's base fee follows from its parent's gas used (background included), by the
      // EIP-1559 update transcribed from the EIP (target = limit / 2, max change 1/8).
      const base = BigInt(prevFee as bigint);
      const pUsed = BigInt(Math.round(num(prevUsed)));
      expect(BigInt(fee as bigint)).toBe(eip1559(base, pUsed, 30_000_000n));
      // Everyone else's share answers the block's fee: u − 0.1·ln(fee / 1 gwei) (the default
      // elasticity and reference), all of it placed while the block has room.
      const u = num(ts) >= from && num(ts) < to ? 1 : 0.5;
      const share = Math.min(1, Math.max(0, u - 0.1 * Math.log(num(fee) / 1e9)));
      const wantBg = Math.round(share * 30_000_000);
      if (num(used) < 30_000_000 - 400_000) expect(num(bg)).toBe(wantBg);
      else expect(num(bg)).toBeLessThanOrEqual(wantBg);
    }
    const feeAt = (t: number) => num(rows.find((x) => num(x[0]) >= t)![1]);
    expect(feeAt(to)).toBeGreaterThan(3 * feeAt(from));
    // Back at the target share, the others return as the fee falls: it decays toward 1 gwei.
    expect(feeAt(to + 120e6)).toBeLessThan(0.9 * feeAt(to));
    // With fixed demand (elasticity 0) the fee holds where the spike left it.
    const fixed = await run('dex-twap', { slices: '2', 'chain.gas.noise': '0', 'chain.gas.elasticity': '0', 'chain.gas.spikes': '[{"from": "2024-01-01T00:03:00Z", "to": "2024-01-01T00:06:00Z", "utilisation": 1}]' }, 'spike-fixed');
    const frows = await q(fixed.dir, 'SELECT ts_us, base_fee FROM blocks ORDER BY number');
    const fixedAt = (t: number) => num(frows.find((x) => num(x[0]) >= t)![1]);
    expect(Math.abs(fixedAt(to + 120e6) / fixedAt(to) - 1)).toBeLessThan(0.01);
  });
});

describe('gas at a reference fee', () => {
  it('with chain.gas.referenceGwei the base fee starts there and the half-full background holds it near there', async () => {
    const r = await run('dex-twap', { slices: '2', 'chain.gas.noise': '0', 'chain.gas.referenceGwei': '50' }, 'ref50');
    const rows = await q(r.dir, 'SELECT base_fee FROM blocks ORDER BY number');
    expect(num(rows[0]![0])).toBe(50e9);
    for (const [fee] of rows) expect(Math.abs(num(fee) / 50e9 - 1)).toBeLessThan(0.05);
  });
});

describe('lending in the world: oracle follows the CEX venue, searchers liquidate in a gas auction', () => {
  it('liquidates only below HF 1 with the Aave close factor; counts agree across tables; byte-identical', async () => {
    const r = await run('lending-liquidations', { 'agents.0.borrowers.count': '8' }, 'lend');
    expect(r.metrics.lendingLiquidations!).toBeGreaterThan(0);
    const blocks = r.metrics.blocks!;
    const rows = (await q(r.dir, 'SELECT COUNT(*), COUNT(DISTINCT account) FROM lending'))[0]!;
    expect([num(rows[0]), num(rows[1])]).toEqual([8 * blocks, 8]);
    const bad = (await q(r.dir, `SELECT COUNT(*) FROM lending_liquidations WHERE hf_before >= 1
      OR (hf_before > 0.95 AND close_factor_bps <> 5000) OR (hf_before <= 0.95 AND close_factor_bps <> 10000)`))[0]![0];
    expect(num(bad)).toBe(0);
    expect(num((await q(r.dir, "SELECT COUNT(*) FROM mev WHERE kind = 'liquidation'"))[0]![0])).toBe(r.metrics.lendingLiquidations);
    const diff = (await q(r.dir, `SELECT COUNT(*) FROM (SELECT account, MAX(liquidations) n FROM lending GROUP BY account) l
      LEFT JOIN (SELECT "user", COUNT(*) n FROM lending_liquidations GROUP BY "user") x ON x."user" = l.account WHERE l.n <> COALESCE(x.n, 0)`))[0]![0];
    expect(num(diff)).toBe(0);
    // The oracle's rounds follow the CEX mark: each deviation round moved ≥ 0.5% from the last.
    const rounds = await q(r.dir, "SELECT answer, reason FROM oracle_rounds WHERE feed = 'ETH/USD' ORDER BY round");
    expect(rounds.length).toBeGreaterThan(5);
    for (let i = 1; i < rounds.length; i++) if (rounds[i]![1] === 'deviation') expect(Math.abs(num(rounds[i]![0]) / num(rounds[i - 1]![0]) - 1)).toBeGreaterThanOrEqual(0.005 - 1e-9);
    const again = await run('lending-liquidations', { 'agents.0.borrowers.count': '8' }, 'lend2');
    expect(again.manifest.resultsSha256).toBe(r.manifest.resultsSha256);
  });

  it('contagion needs the link: with the oracle cut from the CEX venue (a fixed price), nobody is liquidated', async () => {
    const linked = await run('lending-liquidations', { 'agents.0.borrowers.count': '8' }, 'linked');
    const { raw, source } = readSpecDocument(scenario('lending-liquidations'));
    const oracles = (raw.chain as { oracles: Record<string, unknown>[] }).oracles;
    delete oracles[0]!.venue;
    oracles[0]!.fixed = 2000;
    ((raw.agents as Record<string, Record<string, unknown>>[])[0]!.borrowers!).count = 8;
    const cut = await runWorld(validateSpec(raw, source), source, { runsDir: root, runId: 'cut' });
    expect(linked.metrics.lendingLiquidations!).toBeGreaterThan(0);
    expect(cut.metrics.lendingLiquidations).toBe(0);
  });
});

describe('bad chain specs name file, line and field', () => {
  const good = readFileSync(scenario('dex-twap'), 'utf8').replace('../strategies/dex-twap.ts', join(PACKAGE_ROOT, 'strategies', 'dex-twap.ts'));
  const problem = async (text: string) => {
    const f = join(root, 'bad.yaml');
    writeFileSync(f, text);
    try {
      const { spec, source } = specWithOverrides(f, {});
      await runWorld(spec, source, { runsDir: root, runId: 'bad' });
      return 'no error';
    } catch (e) {
      return (e as Error).message;
    }
  };
  it('each mistake is one message', async () => {
    const cases: [string, RegExp][] = [
      [good.replace('tokens: [WETH, USDC]', 'tokens: [WETH, DOGE]'), /bad\.yaml:\d+, field venues\[1\]\.tokens\[1\]: unknown chain token DOGE/],
      [good.replace('pool: weth-usdc, venue: cex', 'pool: weth-usdc, venue: binance'), /field agents\[2\]\.adversary\.venue: the arbitrageur's CEX venue "binance" is not a spot or perp venue/],
      [good.replace('pool: weth-usdc, venue: cex', 'pool: nowhere, venue: cex'), /field agents\[2\]\.adversary\.pool: the arbitrageur trades pool "nowhere"/],
      [good.replace(/^chain:\n(  .*\n)+/m, ''), /field venues\[1\]\.kind: a amm-v2 venue lives on a chain: the spec needs a chain section/],
      [good.replace('kind: amm-v2', 'kind: amm-v3\n    feePips: 42'), /field venues\[1\]\.feePips: fee tier 42 is not a Uniswap v3 tier/],
      [good.replace('onchain: { WETH: 50, ETH: 10 }', 'onchain: { WETH: 50, SHIB: 10 }'), /field accounts\[0\]\.onchain\.SHIB: unknown chain token SHIB/],
    ];
    for (const [text, want] of cases) expect(await problem(text)).toMatch(want);
  });
});

describe('Aave on real history: Chainlink rounds replayed, risk parameters from a snapshot (scenarios/aave-eth-2021-05.yaml)', () => {
  it('the oracle publishes exactly the file\'s rounds at their updatedAt; reserves carry the snapshot; every liquidation is below HF 1', async () => {
    const start = Date.parse('2021-05-19T06:00:00Z') * 1000;
    const end = Date.parse('2021-05-19T18:00:00Z') * 1000;
    const r = await run('aave-eth-2021-05', { 'time.start': '2021-05-19T06:00:00Z', 'time.end': '2021-05-19T18:00:00Z', 'agents.0.borrowers.count': '60' }, 'aave-real');
    // Reference: the rounds file itself (space-separated getRoundData rows: roundId answer startedAt updatedAt …).
    const text = readFileSync(join(PACKAGE_ROOT, '..', 'shared', 'data', 'chain', 'chainlink', 'husd-eth_rounds.txt'), 'utf8');
    const rows = text.split('\n').filter((l) => /^\d/.test(l.trim())).map((l) => l.trim().split(/\s+/)).map((c) => ({ ts: Number(c[3]) * 1e6, usd: 1e18 / Number(c[1]) }));
    rows.sort((a, b) => a.ts - b.ts);
    // Two rounds written in the same second: the later one is what a contract reads.
    for (let i = rows.length - 1; i > 0; i--) if (rows[i]!.ts === rows[i - 1]!.ts) rows.splice(i - 1, 1);
    const inRun = rows.filter((x) => x.ts > start && x.ts < end);
    const first = rows.filter((x) => x.ts <= start).pop()!;
    const got = await q(r.dir, "SELECT published_ts_us, answer FROM oracle_rounds WHERE feed = 'ETH/USD' ORDER BY round");
    // The last round at or before the start, then every round in the window (the last scan is before the end).
    const lastScan = num(got[got.length - 1]![0]);
    const want = [first, ...inRun.filter((x) => x.ts <= lastScan)];
    expect(got.map((g) => num(g[0]))).toEqual(want.map((x) => x.ts));
    for (let i = 0; i < want.length; i++) expect(num(got[i]![1])).toBeCloseTo(want[i]!.usd, 6);
    expect(want.length).toBeGreaterThan(20);

    const pool = r.world.chain!.lending.get('aave')!;
    // aave_v3_ethereum.csv of 2023-09-11: WETH 80.5% / 83% / 5%, USDC 77% / 80% / 4.5%.
    expect([pool.config('WETH').ltvBps, pool.config('WETH').liquidationThresholdBps, pool.config('WETH').liquidationBonusBps]).toEqual([8050, 8300, 10500]);
    expect([pool.config('USDC').ltvBps, pool.config('USDC').liquidationThresholdBps, pool.config('USDC').liquidationBonusBps]).toEqual([7700, 8000, 10450]);

    expect(r.metrics.lendingLiquidations!).toBeGreaterThan(10);
    const [bad, n] = (await q(r.dir, 'SELECT count(*) FILTER (WHERE hf_before >= 1), count(*) FROM lending_liquidations'))[0]!;
    expect(num(bad)).toBe(0);
    expect(num(n)).toBe(r.metrics.lendingLiquidations);
    expect(r.metrics.chainLedgerMismatches).toBe(0);
  });
});
