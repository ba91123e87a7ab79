import { basename } from 'node:path';
import { PrimesimError } from '../../errors.ts';
import type { Instrument } from '../../market/instrument.ts';
import type { CatalogManifest } from '../catalog.ts';
import { FLAG_END } from '../market-rows.ts';
import { BadRows } from '../readers/bad-rows.ts';
import { detectFormat, type DatasetFormat, type InstrumentHints } from '../readers/detect.ts';
import type { ReadStats } from '../readers/lines.ts';
import { readMarketRows, resolveInstrument } from '../readers/read-any.ts';
import { PROGRESS_EVERY_ROWS, checkInput, type ProgressFn } from './import-dataset.ts';

export interface ValidateOptions {
  input: string;
  instrument?: Instrument;
  instrumentHints?: InstrumentHints;
  onProgress?: ProgressFn;
  /** Problems listed in full (all are counted); default 1000. */
  maxProblems?: number;
}

export interface ValidationReport {
  format: DatasetFormat | null;
  instrument: Instrument | null;
  rows: number;
  counts: CatalogManifest['counts'];
  /** `file:line field: reason`, skippable problems first, then the fatal one that stopped the read, if any. */
  problems: string[];
  /** Number of rows that would be skipped with onBadRow 'skip'. */
  badRows: number;
  /** False when a fatal problem (sequence gap, crossed snapshot, bad header) stopped the read. */
  complete: boolean;
}

/**
 * Runs every import check without writing anything: bad rows are collected rather than thrown,
 * and the read stops only at a problem that makes the rest meaningless (a sequence gap, a
 * crossed snapshot, an unreadable header).
 */
export async function validateDataset(opts: ValidateOptions): Promise<ValidationReport> {
  const report: ValidationReport = {
    format: null,
    instrument: null,
    rows: 0,
    counts: { level: 0, snapshot: 0, trade: 0, bbo: 0, messages: 0 },
    problems: [],
    badRows: 0,
    complete: true,
  };
  const bad = new BadRows('skip', opts.maxProblems ?? 1000);
  const stats: ReadStats = { bytesRead: 0, totalBytes: 0 };
  const c = report.counts;
  try {
    checkInput(opts.input);
    report.format = await detectFormat(opts.input);
    report.instrument = await resolveInstrument(opts.input, report.format, opts.instrument, opts.instrumentHints);
    await readMarketRows(opts.input, report.format, { instrument: report.instrument, badRows: bad, stats }, (r) => {
      report.rows++;
      if (r.kind === 0) c.level++;
      else if (r.kind === 1) c.snapshot++;
      else if (r.kind === 2) c.trade++;
      else c.bbo++;
      if (r.flags & FLAG_END) c.messages++;
      if (report.rows % PROGRESS_EVERY_ROWS === 0) opts.onProgress?.(stats.bytesRead, stats.totalBytes, report.rows);
    });
  } catch (e) {
    if (!(e instanceof PrimesimError)) throw e;
    report.complete = false;
    report.problems.push(...bad.examples, e.file ? e.message : `${basename(opts.input)}: ${e.message}`);
    report.badRows = bad.count;
    return report;
  }
  report.problems.push(...bad.examples);
  report.badRows = bad.count;
  return report;
}
