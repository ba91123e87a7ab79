import { Chain } from '../../../src/chain/chain.ts';
import { ETHEREUM } from '../../../src/chain/profiles.ts';
import { Rng } from '../../../src/kernel/rng.ts';
import { Ledger } from '../../../src/ledger/ledger.ts';
import { ChainBank, ChainV2Pool, MevHarness, SandwichAttacker, type AdversaryModel } from '../../../src/mev/adversaries/index.ts';

export const E18 = 10n ** 18n;
export const E6 = 10n ** 6n;
export const GWEI = 1_000_000_000n;

/** 1000 WETH / 2,000,000 USDC, 0.3% fee, on an Ethereum-like chain. */
export function world(adversaries: (bank: ChainBank) => AdversaryModel[] = () => []) {
  const ledger = new Ledger();
  const chain = new Chain(ETHEREUM);
  const bank = new ChainBank(ledger, chain.state);
  const pool = new ChainV2Pool('weth-usdc', 'WETH', 'USDC', bank);
  pool.init(0, 1000n * E18, 2_000_000n * E6);
  const pools = new Map([[pool.id, pool]]);
  const advs = adversaries(bank);
  const harness = new MevHarness(chain, bank, pools, advs, Rng.root(7).split('mev'));
  return { ledger, chain, bank, pool, harness, advs };
}

export function sandwicher(bank: ChainBank, name = 'sandwich', capital = 500n * E18): SandwichAttacker {
  bank.fund(0, name, 'WETH', capital);
  bank.fund(0, name, 'ETH', 10n * E18);
  return new SandwichAttacker({ name, presence: 1, latencyUs: 100_000, capital, tipShareBps: 9000 });
}
