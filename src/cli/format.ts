import { ConfigError } from '../errors.ts';
/** Plain-text table for terminals; numbers right-aligned. */
export function formatTable(columns: string[], rows: unknown[][]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toLocaleString('en-US', { maximumFractionDigits: 6, useGrouping: false });
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
    return String(v);
  };
  const cells = rows.map((r) => r.map(cell));
  // Numbers, and figures already formatted as numbers ("-1,234.50", "99.0%"), align right.
  const figure = /^-?[\d,]+(\.\d+)?%?$/;
  const numeric = columns.map((_, j) => rows.length > 0 && rows.every((r) => typeof r[j] === 'number' || typeof r[j] === 'bigint' || r[j] === null || (typeof r[j] === 'string' && figure.test(r[j] as string))));
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j]!.length)));
  const line = (vals: string[]) => vals.map((v, j) => (numeric[j] ? v.padStart(widths[j]!) : v.padEnd(widths[j]!))).join('  ').trimEnd();
  return [line(columns), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function toCsv(columns: string[], rows: unknown[][]): string {
  const q = (v: unknown) => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) : v instanceof Date ? v.toISOString() : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.map(q).join(','), ...rows.map((r) => r.map(q).join(','))].join('\n');
}

export function toJson(columns: string[], rows: unknown[][]): string {
  return JSON.stringify(
    rows.map((r) => Object.fromEntries(columns.map((c, j) => [c, r[j]]))),
    (_k, x) => (typeof x === 'bigint' ? (x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x.toString()) : x),
    2,
  );
}

/** The command-line flag of an option key, as commander names them: latencyEntry → --latency-entry. */
export const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * Commander parsers for numeric flags that refuse what is not the number the flag takes:
 * `Number.parseInt` read `--seed 1.5` as 1 and `--seed 7x` as 7, `Number` read `--capital abc`
 * as NaN for a later, vaguer error. One line naming the flag, as every other bad input.
 */
export function intArg(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isSafeInteger(n)) throw new ConfigError(`${JSON.stringify(v)} is not a whole number`, { field: flag });
    return n;
  };
}

export function numArg(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`${JSON.stringify(v)} is not a number`, { field: flag });
    return n;
  };
}
