/**
 * A string-keyed map of numbers whose `set` allocates nothing once a key exists. A `Map<string,
 * number>` stores a fractional value as a fresh heap number on every `set`; prices and marks are
 * set at every book point (millions of times a run), so each key here holds a cell whose number
 * field is overwritten in place.
 */
export class NumberMap {
  private readonly cells = new Map<string, { v: number }>();

  get(key: string): number | undefined {
    return this.cells.get(key)?.v;
  }

  has(key: string): boolean {
    return this.cells.has(key);
  }

  set(key: string, value: number): void {
    const c = this.cells.get(key);
    if (c !== undefined) c.v = value;
    else this.cells.set(key, { v: value });
  }
}
