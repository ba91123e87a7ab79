import { ConfigError } from '../../errors.ts';

/** Maker/taker fees in basis points of notional; a negative maker fee is a rebate. */
export interface FeeModel {
  readonly name: string;
  feeBps(maker: boolean): number;
}

export class MakerTakerFees implements FeeModel {
  readonly name: string;
  constructor(
    readonly makerBps: number,
    readonly takerBps: number,
  ) {
    if (!Number.isFinite(makerBps) || !Number.isFinite(takerBps)) throw new ConfigError('fees must be finite numbers of bps', { field: 'fees' });
    if (takerBps < 0) throw new ConfigError(`taker fee ${takerBps} bps is negative`, { field: 'fees' });
    this.name = `maker ${makerBps}bps / taker ${takerBps}bps`;
  }
  feeBps(maker: boolean): number {
    return maker ? this.makerBps : this.takerBps;
  }
}

/** `maker:taker` in bps, e.g. `2:5` (Binance USDⓈ-M VIP0 is 2/5) or `-0.5:2.5` (rebate). */
export function parseFees(spec: string): FeeModel {
  const m = /^(-?\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(spec.trim());
  if (!m) throw new ConfigError(`fees "${spec}" are not maker:taker bps`, { field: 'fees', hint: 'e.g. 2:5 or -0.5:2.5' });
  return new MakerTakerFees(Number(m[1]), Number(m[2]));
}
