import { DataError } from '../../errors.ts';

/**
 * Checks a CSV header against the columns a format needs and returns each column's index.
 * A missing column or one this reader does not know is an error naming that column: a
 * silently ignored column is how a changed export format goes unnoticed.
 */
export function headerIndex<K extends string>(file: string, header: string, expected: readonly K[], optional: readonly string[] = []): Record<K, number> {
  const cols = header.split(',').map((c) => c.trim());
  const known = new Set<string>([...expected, ...optional]);
  const seen = new Set<string>();
  for (const c of cols) {
    if (!known.has(c)) throw new DataError(`unknown column "${c}" in the header`, { file, line: 1, field: c || '(empty)', hint: `expected ${expected.join(',')}` });
    if (seen.has(c)) throw new DataError(`column "${c}" appears twice in the header`, { file, line: 1, field: c });
    seen.add(c);
  }
  const idx = {} as Record<K, number>;
  for (const e of expected) {
    const i = cols.indexOf(e);
    if (i < 0) throw new DataError(`missing column "${e}" in the header`, { file, line: 1, field: e });
    idx[e] = i;
  }
  return idx;
}

/** Splits an unquoted CSV line (Tardis and Binance exports never quote). */
export function splitCsv(line: string): string[] {
  return line.split(',');
}
