import type { GroupRequirement, GroupView, MarginModel, OptionStandardParams } from '../types.ts';
import { StandardRequirement } from './standard.ts';

/** Sum of per-position standard requirements: the rule cross and isolated margin share. */
abstract class PerPositionMargin implements MarginModel {
  abstract readonly name: string;
  abstract readonly isolated: boolean;
  private readonly std: StandardRequirement;

  /** `leverage`: the account's chosen leverage; initial margin at least notional / leverage (see StandardRequirement). */
  constructor(opts: { option?: OptionStandardParams; leverage?: number } = {}) {
    this.std = new StandardRequirement(opts.option, opts.leverage);
  }

  /** Reused by every call: a revaluation at every mark allocates nothing (callers copy what they keep). */
  private readonly out: GroupRequirement = { im: 0, mm: 0 };

  groupRequirement(g: GroupView): GroupRequirement {
    let im = 0;
    let mm = 0;
    const legs = g.legs;
    for (let i = 0; i < legs.length; i++) {
      const r = this.std.leg(legs[i]!, g.spot, g.coin === true);
      im += r.im;
      mm += r.mm;
    }
    const out = this.out;
    out.im = im;
    out.mm = mm;
    return out;
  }
}

/**
 * Cross margin: one collateral pool, requirement = Σ per-position standard requirements
 * (Binance USDⓈ-M brackets for delta-one, Deribit standard rule for short options). No offsets
 * between legs: a hedge costs margin on both sides, which is what portfolio margin improves on.
 */
export class CrossMargin extends PerPositionMargin {
  readonly name = 'cross';
  readonly isolated = false;
}

/**
 * Isolated margin: the same per-position rule, but an account holds exactly one position with its
 * own collateral (Binance isolated mode is a sub-wallet per symbol): open one engine account per
 * isolated position. The engine refuses a second instrument in an isolated account.
 */
export class IsolatedMargin extends PerPositionMargin {
  readonly name = 'isolated';
  readonly isolated = true;
}
