/**
 * A string-keyed map of numbers whose `set` allocates nothing once a key exists. A `Map<string,
 * number>` stores a fractional value as a fresh heap number on every `set`; prices and marks are
 * set at every book point (millions of times a run), so each key here holds a cell whose number
 * field is overwritten in place.
 */
export class NumberMap {
  private readonly cells = new Map<string, { v: number }>();
  /** The last key asked and its cell: a run sets and reads the same asset's price over and over. */
  private lastKey: string | undefined;
  private lastCell: { v: number } | undefined;

  private cell(key: string): { v: number } | undefined {
    if (key === this.lastKey) return this.lastCell;
    const c = this.cells.get(key);
    if (c !== undefined) {
      this.lastKey = key;
      this.lastCell = c;
    }
    return c;
  }

  get(key: string): number | undefined {
    return this.cell(key)?.v;
  }

  has(key: string): boolean {
    return this.cell(key) !== undefined;
  }

  set(key: string, value: number): void {
    const c = this.cell(key);
    if (c !== undefined) c.v = value;
    else this.cells.set(key, { v: value });
  }
}
