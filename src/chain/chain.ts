/**
 * A pure model of one chain: pending transactions (public mempool and private relay), block
 * building by effective priority fee with atomic bundles, EIP-1559 base fee, receipts and time to
 * finality. It never reads a clock: the caller (the kernel) says when each block is built.
 */
import { ModelError } from '../errors.ts';
import { nextBaseFee } from './eip1559.ts';
import { MaxHeap } from '../kernel/max-heap.ts';
import { finalityOf, type ChainProfile, type FinalityTimes } from './profiles.ts';
import { ChainState } from './state.ts';
import type { BackgroundDemand, Block, Bundle, ChainTx, Receipt, SubmitOptions, TxOutcome } from './types.ts';

/** Intrinsic gas of the cheapest transaction; a block with less room left is full. */
export const MIN_TX_GAS = 21_000;

interface PendingUnit {
  key: string;
  seq: number;
  arrivalTsUs: number;
  isPrivate: boolean;
  txs: ChainTx[];
  bundleId: string | undefined;
  gasLimit: number;
  /** The lowest maxFeePerGas of its txs: the unit can pay a base fee up to this. */
  minMaxFee: bigint;
}

interface Candidate {
  unit: PendingUnit;
  tipPerGas: bigint;
}

/** min(maxPriorityFee, maxFee − baseFee): what the producer earns per gas; negative = can't pay. */
export function effectivePriorityFee(tx: ChainTx, baseFeeWei: bigint): bigint {
  const room = tx.maxFeePerGasWei - baseFeeWei;
  return room < tx.maxPriorityFeePerGasWei ? room : tx.maxPriorityFeePerGasWei;
}

export class Chain {
  readonly state: ChainState;
  private readonly pending = new Map<string, PendingUnit>();
  /**
   * The pending units split by whether they can pay the current base fee: `active` ones are
   * candidates, `parked` ones (ascending minMaxFee) wait for the base fee to fall to their cap.
   * In a crash thousands of bids priced out by a rising base fee sit pending; checking each of them
   * at every block was a visible share of the run. Which units are candidates is unchanged, and
   * block building orders them by (tip, arrival), so their order here does not matter.
   */
  private readonly active = new Set<PendingUnit>();
  private readonly parked: PendingUnit[] = [];
  private readonly seenHashes = new Set<string>();
  private readonly receipts = new Map<string, { receipt: Receipt; blockTsUs: number }>();
  private readonly sealed: Block[] = [];
  private baseFeeWei: bigint;
  private lastBlockTsUs: number | undefined;
  private seq = 0;

  private readonly background: BackgroundDemand | undefined;

  constructor(readonly profile: ChainProfile, opts: { state?: ChainState; background?: BackgroundDemand } = {}) {
    this.state = opts.state ?? new ChainState();
    this.baseFeeWei = profile.initialBaseFeeWei;
    this.background = opts.background;
  }

  /** Queues a transaction. Throws ModelError for a tx no block could ever include. */
  submit(tx: ChainTx, opts: SubmitOptions = {}): void {
    this.validate(tx);
    this.seenHashes.add(tx.hash);
    this.enqueue(tx.hash, [tx], undefined, opts.private === true, opts.tsUs);
  }

  /** Queues a bundle through the private relay: its txs run contiguously, in order, all or none. */
  submitBundle(bundle: Bundle, opts: { tsUs?: number } = {}): void {
    if (bundle.txs.length === 0) throw new ModelError(`bundle ${bundle.id} is empty`, { field: 'txs' });
    const key = `bundle:${bundle.id}`;
    if (this.pending.has(key)) throw new ModelError(`bundle ${bundle.id} already pending`, { field: 'id' });
    const hashes = new Set<string>();
    for (const tx of bundle.txs) {
      this.validate(tx);
      if (hashes.has(tx.hash)) throw new ModelError(`bundle ${bundle.id} repeats tx ${tx.hash}`, { field: 'txs' });
      hashes.add(tx.hash);
    }
    const gas = bundle.txs.reduce((s, t) => s + t.gasLimit, 0);
    if (gas > this.profile.gasLimit) {
      throw new ModelError(`bundle ${bundle.id} needs ${gas} gas, more than the block gas limit ${this.profile.gasLimit}`, {
        field: 'gasLimit', hint: 'no block can ever include it',
      });
    }
    for (const h of hashes) this.seenHashes.add(h);
    this.enqueue(key, bundle.txs, bundle.id, true, opts.tsUs);
  }

  /** The public mempool as an agent sees it: pending public txs in arrival order. */
  mempool(): ChainTx[] {
    const out: ChainTx[] = [];
    for (const u of this.pending.values()) if (!u.isPrivate) out.push(u.txs[0] as ChainTx);
    return out;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Base fee the next block will charge. */
  get nextBaseFeeWei(): bigint {
    return this.baseFeeWei;
  }

  /** Earliest time the next block may be built (slot time after the last one). */
  nextBlockTsUs(): number | undefined {
    return this.lastBlockTsUs === undefined ? undefined : this.lastBlockTsUs + this.profile.slotUs;
  }

  blocks(): readonly Block[] {
    return this.sealed;
  }

  receipt(hash: string): Receipt | undefined {
    return this.receipts.get(hash)?.receipt;
  }

  /** Soft and hard finality of an included tx; undefined while it is pending or unknown. */
  finality(hash: string): FinalityTimes | undefined {
    const r = this.receipts.get(hash);
    return r === undefined ? undefined : finalityOf(this.profile, r.blockTsUs);
  }

  /** When an included tx becomes final (hard finality); undefined while pending or unknown. */
  finalityTsUs(hash: string): number | undefined {
    return this.finality(hash)?.hardTsUs;
  }

  buildBlock(tsUs: number): Block {
    if (!Number.isSafeInteger(tsUs)) throw new ModelError(`block time ${tsUs} is not an integer of µs`, { field: 'tsUs' });
    const earliest = this.nextBlockTsUs();
    if (earliest !== undefined && tsUs < earliest) {
      throw new ModelError(`block at ${tsUs} µs comes before the next slot at ${earliest} µs`, {
        field: 'tsUs', hint: `slot time is ${this.profile.slotUs} µs`,
      });
    }
    const baseFee = this.baseFeeWei;
    const block: Block = {
      number: this.sealed.length, tsUs, baseFeeWei: baseFee, gasLimit: this.profile.gasLimit, gasUsed: 0,
      txs: [], receipts: [], burnedWei: 0n, priorityFeesWei: 0n, droppedBundles: [], backgroundGas: 0,
    };
    const heap = new MaxHeap(this.candidates(tsUs, baseFee), (a, b) =>
      a.tipPerGas > b.tipPerGas || (a.tipPerGas === b.tipPerGas && a.unit.seq < b.unit.seq));
    let room = this.profile.gasLimit;
    const bg = this.background?.at(block.number, tsUs, baseFee);
    let bgLeft = bg === undefined ? 0 : Math.max(0, Math.min(Math.floor(bg.gas), room));
    const placeBackground = () => {
      const g = Math.min(bgLeft, room);
      block.backgroundGas += g;
      block.gasUsed += g;
      block.burnedWei += BigInt(g) * baseFee;
      room -= g;
      bgLeft = 0;
    };
    while (room >= MIN_TX_GAS) {
      const c = heap.pop();
      if (c === undefined) break;
      // Background demand tipping more than this candidate is included first.
      if (bgLeft > 0 && c.tipPerGas < bg!.tipPerGasWei) placeBackground();
      if (c.unit.gasLimit > room) continue; // stays pending for a later block
      const used = this.include(c.unit, block);
      room -= used;
    }
    if (bgLeft > 0) placeBackground();
    this.sealed.push(block);
    this.state.commit();
    this.lastBlockTsUs = tsUs;
    this.baseFeeWei = nextBaseFee(baseFee, BigInt(block.gasUsed), BigInt(block.gasLimit), this.profile);
    return block;
  }

  private validate(tx: ChainTx): void {
    const where = { field: 'gasLimit' };
    if (this.seenHashes.has(tx.hash)) throw new ModelError(`tx ${tx.hash} was already submitted`, { field: 'hash' });
    if (!Number.isSafeInteger(tx.gasLimit) || tx.gasLimit < MIN_TX_GAS) {
      throw new ModelError(`tx ${tx.hash}: gas limit ${tx.gasLimit} is below the intrinsic ${MIN_TX_GAS}`, where);
    }
    if (tx.gasLimit > this.profile.gasLimit) {
      throw new ModelError(`tx ${tx.hash}: gas limit ${tx.gasLimit} exceeds the block gas limit ${this.profile.gasLimit}`, {
        ...where, hint: 'no block can ever include it',
      });
    }
    if (tx.maxPriorityFeePerGasWei < 0n || tx.maxFeePerGasWei < 0n) {
      throw new ModelError(`tx ${tx.hash}: negative fee`, { field: 'maxFeePerGasWei' });
    }
    if (tx.maxPriorityFeePerGasWei > tx.maxFeePerGasWei) {
      throw new ModelError(`tx ${tx.hash}: maxPriorityFeePerGas above maxFeePerGas`, { field: 'maxPriorityFeePerGasWei' });
    }
  }

  private enqueue(key: string, txs: ChainTx[], bundleId: string | undefined, isPrivate: boolean, tsUs: number | undefined): void {
    const gasLimit = txs.reduce((s, t) => s + t.gasLimit, 0);
    let minMaxFee = txs[0]!.maxFeePerGasWei;
    for (const t of txs) if (t.maxFeePerGasWei < minMaxFee) minMaxFee = t.maxFeePerGasWei;
    const unit: PendingUnit = {
      key, seq: this.seq++, arrivalTsUs: tsUs ?? Number.NEGATIVE_INFINITY, isPrivate, txs, bundleId, gasLimit, minMaxFee,
    };
    this.pending.set(key, unit);
    this.active.add(unit);
  }

  /** Units that have arrived and can pay the base fee; the rest wait in the pool. */
  private candidates(tsUs: number, baseFee: bigint): Candidate[] {
    const out: Candidate[] = [];
    const parked = this.parked;
    while (parked.length > 0 && parked[parked.length - 1]!.minMaxFee >= baseFee) this.active.add(parked.pop()!);
    for (const unit of this.active) {
      if (unit.minMaxFee < baseFee) {
        // A tx whose maxFee is below the base fee cannot pay (effectivePriorityFee < 0): park it.
        this.active.delete(unit);
        this.park(unit);
        continue;
      }
      if (unit.arrivalTsUs > tsUs) continue;
      if (unit.txs.length === 1) {
        const tip = effectivePriorityFee(unit.txs[0] as ChainTx, baseFee);
        if (tip >= 0n) out.push({ unit, tipPerGas: tip });
        continue;
      }
      // A bundle ranks by its gas-weighted mean tip; one tx unable to pay blocks the whole bundle.
      let weighted = 0n;
      let payable = true;
      for (const tx of unit.txs) {
        const tip = effectivePriorityFee(tx, baseFee);
        if (tip < 0n) { payable = false; break; }
        weighted += tip * BigInt(tx.gasLimit);
      }
      if (payable) out.push({ unit, tipPerGas: weighted / BigInt(unit.gasLimit) });
    }
    return out;
  }

  /** Into `parked`, kept ascending by minMaxFee (then arrival), so the base fee's fall unparks from the end. */
  private park(unit: PendingUnit): void {
    const p = this.parked;
    let lo = 0;
    let hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = p[mid]!;
      if (m.minMaxFee < unit.minMaxFee || (m.minMaxFee === unit.minMaxFee && m.seq < unit.seq)) lo = mid + 1;
      else hi = mid;
    }
    p.splice(lo, 0, unit);
  }

  /** Executes a unit into the block; returns the gas it used (0 if a bundle was dropped). */
  private include(unit: PendingUnit, block: Block): number {
    this.pending.delete(unit.key);
    this.active.delete(unit);
    const cp = this.state.checkpoint();
    const staged: Array<{ tx: ChainTx; outcome: TxOutcome }> = [];
    for (const tx of unit.txs) {
      const outcome = this.run(tx);
      if (unit.bundleId !== undefined && outcome.status === 'reverted') {
        this.state.rollback(cp);
        block.droppedBundles.push({ id: unit.bundleId, reason: `tx ${tx.hash} reverted${outcome.reason ? `: ${outcome.reason}` : ''}` });
        return 0;
      }
      staged.push({ tx, outcome });
    }
    let used = 0;
    for (const { tx, outcome } of staged) {
      const tip = effectivePriorityFee(tx, block.baseFeeWei);
      const price = block.baseFeeWei + tip;
      const gas = BigInt(outcome.gasUsed);
      const receipt: Receipt = {
        hash: tx.hash, blockNumber: block.number, position: block.txs.length, status: outcome.status,
        gasUsed: outcome.gasUsed, effectiveGasPriceWei: price, feeWei: gas * price,
        ...(outcome.status === 'reverted' && outcome.reason !== undefined ? { revertReason: outcome.reason } : {}),
        ...(unit.bundleId !== undefined ? { bundleId: unit.bundleId } : {}),
      };
      block.txs.push(tx);
      block.receipts.push(receipt);
      block.gasUsed += outcome.gasUsed;
      block.burnedWei += gas * block.baseFeeWei;
      block.priorityFeesWei += gas * tip;
      this.receipts.set(tx.hash, { receipt, blockTsUs: block.tsUs });
      used += outcome.gasUsed;
    }
    return used;
  }

  /** Runs one tx; a revert undoes its own writes but keeps earlier ones (it still pays gas). */
  private run(tx: ChainTx): TxOutcome {
    if (tx.execute === undefined) return { status: 'success', gasUsed: tx.gasLimit };
    const cp = this.state.checkpoint();
    let outcome: TxOutcome;
    try {
      outcome = tx.execute(this.state);
    } catch (err) {
      this.state.rollback(cp);
      throw err;
    }
    if (!Number.isSafeInteger(outcome.gasUsed) || outcome.gasUsed < 0) {
      this.state.rollback(cp);
      throw new ModelError(`tx ${tx.hash}: execute returned gasUsed ${outcome.gasUsed}`, { field: 'gasUsed' });
    }
    if (outcome.gasUsed > tx.gasLimit) outcome = { status: 'reverted', gasUsed: tx.gasLimit, reason: 'out of gas' };
    if (outcome.status === 'reverted') this.state.rollback(cp);
    return outcome;
  }
}
