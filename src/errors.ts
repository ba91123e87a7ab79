/**
 * Typed errors that carry where the problem is. The CLI prints `err.message` as one line,
 * so the message itself names file, line and field.
 */
export interface ErrorWhere {
  file?: string;
  line?: number;
  field?: string;
  hint?: string;
}

/** The message a PrimesimError with these parts carries (for a revert reported without throwing). */
export function describe(base: string, where: ErrorWhere): string {
  const loc: string[] = [];
  if (where.file !== undefined) loc.push(where.line !== undefined ? `${where.file}:${where.line}` : where.file);
  if (where.field !== undefined) loc.push(`field ${where.field}`);
  const head = loc.length ? `${loc.join(', ')}: ` : '';
  return `${head}${base}${where.hint ? ` (${where.hint})` : ''}`;
}

export class PrimesimError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;
  readonly hint: string | undefined;
  /** The message without its place (to report the same problem at another place). */
  readonly reason: string;
  constructor(message: string, where: ErrorWhere = {}) {
    super(describe(message, where));
    this.name = new.target.name;
    this.reason = message;
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
    this.hint = where.hint;
  }
}

/** Bad input data: malformed rows, sequence gaps, crossed books, timestamps going backwards. */
export class DataError extends PrimesimError {}
/** Bad configuration, CLI flags, strategy parameters or unknown strategy files. */
export class ConfigError extends PrimesimError {}
/** A model asked to do something outside its domain (no-arbitrage bounds, pool liquidity, …). */
export class ModelError extends PrimesimError {}
