/**
 * Key-value world state with a journal, so a reverted transaction or a failed bundle can be
 * undone exactly. Values are opaque to the chain; venues keep their own keys.
 */
export type Checkpoint = number & { readonly __checkpoint: unique symbol };

export class ChainState {
  private readonly values = new Map<string, unknown>();
  private readonly journal: Array<{ key: string; had: boolean; prev: unknown }> = [];

  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }

  set(key: string, value: unknown): void {
    this.journal.push({ key, had: this.values.has(key), prev: this.values.get(key) });
    this.values.set(key, value);
  }

  /** Convenience for balances and counters: missing keys read as 0n. */
  getBig(key: string): bigint {
    const v = this.values.get(key);
    return typeof v === 'bigint' ? v : 0n;
  }

  checkpoint(): Checkpoint {
    return this.journal.length as Checkpoint;
  }

  rollback(cp: Checkpoint): void {
    while (this.journal.length > cp) {
      const e = this.journal.pop() as { key: string; had: boolean; prev: unknown };
      if (e.had) this.values.set(e.key, e.prev);
      else this.values.delete(e.key);
    }
  }

  /** Drops undo history once a block is sealed; older checkpoints become invalid. */
  commit(): void {
    this.journal.length = 0;
  }
}
