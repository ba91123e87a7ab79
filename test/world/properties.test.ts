import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld } from '../../src/world/build.ts';
import { worldMetrics } from '../../src/world/run.ts';
import { RunSpecSchema } from '../../src/world/spec.ts';
import { codeSource } from '../../src/world/spec-file.ts';
import { writeTinyDataset } from '../helpers/tiny-dataset.ts';
import { ROOT } from '../helpers/cli.ts';

/**
 * Invariants of any world, over random settings (seed, queue model, latencies, fees, leverage of
 * the capital): money is conserved exactly per asset, equity equals its split at every sample,
 * the wallet equals deposits plus what the fills and funding moved, positions never exceed what
 * was filled, and the run is deterministic.
 */
let data = '';
const root = mkdtempSync(join(tmpdir(), 'primesim-worldprop-'));
beforeAll(() => {
  data = join(root, 'tiny');
  writeTinyDataset(data, 9, 4000);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function runOnce(p: { seed: number; queue: string; entry: number; maker: number; capital: number; spreadBps: number; funding: string }) {
  const spec = RunSpecSchema.parse({
    seed: p.seed,
    venues: [{ id: 'perp', kind: 'perp', data: { catalog: data }, queue: p.queue, fees: `${p.maker}:5`, latency: { entry: `${p.entry}us`, response: '500us' }, funding: p.funding }],
    accounts: [{ id: 'desk', deposits: { USDT: p.capital } }],
    agents: [{ strategy: join(ROOT, 'strategies', 'market-maker.ts'), account: 'desk', venues: ['perp'], params: { spreadBps: p.spreadBps, sizeLots: 5, requoteTicks: 1 } }],
  });
  const w = await buildWorld(spec, codeSource());
  let liqNet = 0n; // liquidation fees paid (−) and insurance cover received (+), from the ledger's own journal
  w.ledger.onTransfer((t) => {
    if (t.kind !== 'liquidation' && t.kind !== 'insurance') return;
    if (t.to === 'desk:cash') liqNet += t.amount;
    if (t.from === 'desk:cash') liqNet -= t.amount;
  });
  w.start();
  w.sim.run(w.endUs);
  for (const v of w.venues) v.source.close();
  w.recorder.sample(w.sim.nowUs);
  return { w, liqNet };
}

describe('world invariants (fast-check)', () => {
  it('conservation, equity split, wallet reconciliation, determinism', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1000 }),
          queue: fc.constantFrom('risk-averse', 'power:2', 'power:3', 'log'),
          entry: fc.integer({ min: 0, max: 20_000 }),
          maker: fc.constantFrom(-0.5, 0, 2),
          capital: fc.constantFrom(50, 500, 100_000),
          spreadBps: fc.constantFrom(0.01, 0.5, 2),
          funding: fc.constantFrom('none', '0.0005@10s'),
        }),
        async (p) => {
          const { w, liqNet } = await runOnce(p);
          const led = w.ledger;
          for (const asset of led.assets()) expect(led.total(asset), asset).toBe(0n);
          const v = w.venues[0]!;
          const pos = v.clob.position;
          // fees = Σ fill fees; funding = Σ funding table; the wallet = deposit + realized − fees − funding ± liquidation, exactly
          expect(pos.fees).toBe(v.clob.fills.reduce((s, f) => s + f.fee, 0n));
          expect(pos.funding).toBe(v.perp!.fundingLog.reduce((s, e) => s + e.payment, 0n));
          expect(led.balance('desk:cash', 'USDT')).toBe(BigInt(p.capital) * 100_000_000n + pos.realized - pos.fees - pos.funding + liqNet);
          // equity = deposits + liquidation + venue PnL (the recorder's split) and the metrics agree
          const m = worldMetrics(w);
          expect(m.totalPnl).toBeCloseTo(m.realizedPnl + m.unrealizedPnl - m.fees - m.funding + w.wallets[0]!.liquidationValue(), 6);
          // no order overfilled; position = Σ signed fills − what the liquidation engine closed
          for (const o of v.clob.orders) expect(o.filledLots).toBeLessThanOrEqual(o.sizeLots);
          const signed = v.clob.fills.reduce((s, f) => s + (f.side === 0 ? f.sizeLots : -f.sizeLots), 0);
          const closed = (w.liquidation?.records ?? []).filter((r) => r.account === 'desk').reduce((s, r) => s + r.sizeLots, 0);
          if (closed === 0) expect(pos.lots).toBe(signed);
          // determinism: the same settings give the same journal
          const again = await runOnce(p);
          expect(again.w.ledger.transferCount).toBe(led.transferCount);
          expect(again.w.ledger.balance('desk:cash', 'USDT')).toBe(led.balance('desk:cash', 'USDT'));
        },
      ),
      { seed: 20261201, numRuns: 12 },
    );
  });
});
