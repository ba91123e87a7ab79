import type { GroupRequirement, GroupView, MarginModel, OptionStandardParams } from '../types.ts';
import { StandardRequirement } from './standard.ts';

/** Sum of per-position standard requirements: the rule cross and isolated margin share. */
abstract class PerPositionMargin implements MarginModel {
  abstract readonly name: string;
  abstract readonly isolated: boolean;
  private readonly std: StandardRequirement;

  constructor(opts: { option?: OptionStandardParams } = {}) {
    this.std = new StandardRequirement(opts.option);
  }

  groupRequirement(g: GroupView): GroupRequirement {
    let im = 0;
    let mm = 0;
    for (const l of g.legs) {
      const r = this.std.leg(l, g.spot, g.coin === true);
      im += r.im;
      mm += r.mm;
    }
    return { im, mm };
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
