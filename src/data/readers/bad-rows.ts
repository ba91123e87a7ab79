import { DataError } from '../../errors.ts';

export type OnBadRow = 'error' | 'skip';

export const MAX_EXAMPLES = 20;

export interface SkippedRows {
  count: number;
  /** Up to 20 (or the configured limit) `file:line field: reason` strings. */
  examples: string[];
}

/**
 * Decides what happens to a bad row: throw (mode 'error', or a problem that cannot be skipped
 * without corrupting the book, such as a sequence gap) or count it and keep going.
 */
export class BadRows implements SkippedRows {
  count = 0;
  examples: string[] = [];

  constructor(
    readonly mode: OnBadRow = 'error',
    private readonly maxExamples = MAX_EXAMPLES,
  ) {}

  /** Throws unless the row may be skipped; returns normally when the caller should drop it. */
  report(file: string, line: number, field: string, reason: string, opts: { fatal?: boolean; hint?: string } = {}): void {
    if (this.mode === 'error' || opts.fatal) throw new DataError(reason, { file, line, field, hint: opts.hint });
    this.count++;
    if (this.examples.length < this.maxExamples) this.examples.push(`${file}:${line} ${field}: ${reason}`);
  }

  snapshot(): SkippedRows {
    return { count: this.count, examples: [...this.examples] };
  }
}
