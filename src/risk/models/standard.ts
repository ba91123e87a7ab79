import { ConfigError } from '../../errors.ts';
import { BracketTable, buildBrackets } from '../tiers.ts';
import type { Leg, OptionStandardParams, RiskInstrument, Tier } from '../types.ts';

/** Deribit standard margin for options (BTC): short IM = max(0.15 − OTM/S, 0.10)·S + mark, MM = 0.075·S + mark. */
export const DERIBIT_OPTION_STANDARD: OptionStandardParams = { imBase: 0.15, imFloor: 0.1, mmBase: 0.075 };

/**
 * Per-position "standard" requirement: tiered brackets for delta-one legs, Deribit's standard
 * option rule for short options (long options need nothing beyond their premium, which the
 * account's equity already carries). Cross margin sums it over legs; isolated applies it to one.
 */
const SHARED_TABLES = new WeakMap<readonly Tier[], BracketTable>();

export class StandardRequirement {
  private readonly brackets = new Map<string, BracketTable>();
  /** Last result, reused so a revaluation allocates nothing per leg. */
  private readonly out = { im: 0, mm: 0 };

  /**
   * `leverage`: the account's chosen leverage (Binance's per-symbol setting): a delta-one leg's
   * initial margin is notional / leverage, as Binance computes it, or notional × the rate of the
   * position's bracket where that bracket allows less leverage (the larger position needs the
   * margin of the bracket's maximum). Without it the bracket schedule applies (rate less the
   * bracket's cumulative amount). Maintenance margin, and so the liquidation price of a cross
   * account, does not depend on it.
   */
  constructor(
    private readonly defaultOption: OptionStandardParams = DERIBIT_OPTION_STANDARD,
    leverage?: number,
  ) {
    this.userImr = leverage === undefined ? 0 : 1 / leverage;
  }

  private readonly userImr: number;

  /**
   * Requirement of one leg; the returned object is reused by the next call. With `coin` the leg
   * settles in the underlying and the requirement is in coin: inverse delta-one notional is
   * |face| / mark (tiers are coin-notional brackets), a short coin option needs Deribit's
   * max(0.15 − OTM/S, 0.10) + mark BTC (IM) and 0.075 + mark BTC (MM) per contract.
   */
  leg(l: Leg, spot: number, coin = false): { im: number; mm: number } {
    const out = this.out;
    out.im = 0;
    out.mm = 0;
    if (l.qty === 0) return out;
    const inst = l.inst;
    if (inst.kind === 'option') {
      if (l.qty > 0) return out;
      const o = inst.option!;
      const p = inst.optionParams ?? this.defaultOption;
      const n = -l.qty;
      const otm = o.kind === 'call' ? Math.max(0, o.strike - spot) : Math.max(0, spot - o.strike);
      const scale = coin ? 1 : spot;
      const im = (Math.max(p.imBase - otm / spot, p.imFloor) * scale + l.mark) * n;
      const mm = (p.mmBase * scale + l.mark) * n;
      out.im = Math.max(im, mm);
      out.mm = mm;
      return out;
    }
    const b = this.bracketsFor(inst);
    const notional = inst.market.kind === 'inverse' ? Math.abs(l.qty) / l.mark : Math.abs(l.qty) * l.mark;
    const i = b.index(notional);
    // Chosen leverage: Binance's notional / leverage, at the rate of the position's bracket where
    // that bracket allows less leverage (Binance refuses such a position at that leverage; here it
    // needs the margin it would need at the bracket's maximum).
    out.im = this.userImr === 0 ? notional * b.imr[i]! - b.cumIm[i]! : notional * Math.max(this.userImr, b.imr[i]!);
    out.mm = notional * b.mmr[i]! - b.cumMm[i]!;
    return out;
  }

  /** The last instrument asked for and its table (an account's revaluations ask for the same one). */
  private lastInst: RiskInstrument | undefined;
  private lastTable: BracketTable | undefined;

  private bracketsFor(inst: RiskInstrument): BracketTable {
    if (inst === this.lastInst) return this.lastTable!;
    const b = this.tableFor(inst);
    this.lastInst = inst;
    this.lastTable = b;
    return b;
  }

  private tableFor(inst: RiskInstrument): BracketTable {
    let b = this.brackets.get(inst.id);
    if (!b) {
      if (!inst.tiers) {
        throw new ConfigError(`instrument ${inst.id} has no margin model: no tiers for a ${inst.kind}`, {
          field: 'tiers',
          hint: 'give the instrument tiers, e.g. BINANCE_BTCUSDT_TIERS',
        });
      }
      // One table per tiers array, shared by every account's model (a population of thousands
      // of accounts would otherwise build thousands of identical tables).
      b = SHARED_TABLES.get(inst.tiers);
      if (!b) SHARED_TABLES.set(inst.tiers, (b = new BracketTable(buildBrackets(inst.tiers, `instrument ${inst.id} tiers`))));
      this.brackets.set(inst.id, b);
    }
    return b;
  }
}
