import { readFileSync } from 'node:fs';
import { DataError } from '../../errors.ts';

/** Oracle rounds as columns: the time each answer was written (updatedAt, µs) and its value. */
export interface OracleRounds {
  source: string;
  tsUs: Float64Array;
  value: Float64Array;
}

/**
 * Chainlink rounds as read with `getRoundData`: CSV with a header naming `answer` and `updatedAt`
 * (`# …` comment lines allowed), or whitespace-separated rows after `#` header lines
 * (`roundId answer startedAt updatedAt answeredInRound phaseId aggregatorRoundId`). `answer` is an
 * integer with `decimals` decimals; `invert` gives 1/answer (HUSD/ETH rounds → an ETH/USD path).
 * Rounds are ordered by updatedAt; a round repeating an earlier updatedAt replaces it. A field that
 * is not a number names the file, line and field.
 */
export function readChainlinkRounds(file: string, opts: { decimals: number; invert: boolean; fromUs?: number; toUs?: number }): OracleRounds {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`cannot read oracle rounds: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { file });
  }
  const lines = text.split(/\r?\n/);
  let cols: string[] | undefined;
  let sep: RegExp = /,/;
  const rows: { ts: number; v: number }[] = [];
  const scale = 10 ** opts.decimals;
  // Within one aggregator phase rounds only move forward in time; a new phase may restart earlier.
  let lastPhase = '';
  let lastUpdated = -Infinity;
  for (let ln = 0; ln < lines.length; ln++) {
    const raw = lines[ln]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    if (!cols) {
      if (/answer/i.test(raw) && /updatedAt/i.test(raw)) {
        cols = raw.split(',').map((c) => c.trim());
        continue;
      }
      // No header: the space-separated getRoundData layout.
      cols = ['roundId', 'answer', 'startedAt', 'updatedAt', 'answeredInRound', 'phaseId', 'aggregatorRoundId'];
      sep = /\s+/;
    }
    const cells = raw.split(sep);
    const at = (name: string) => cells[cols!.indexOf(name)] ?? '';
    const answer = at('answer');
    const updated = Number(at('updatedAt'));
    if (!/^-?\d+$/.test(answer)) throw new DataError(`"${answer}" is not an integer answer`, { file, line: ln + 1, field: 'answer' });
    if (!Number.isFinite(updated) || updated <= 0) throw new DataError(`"${at('updatedAt')}" is not a time`, { file, line: ln + 1, field: 'updatedAt' });
    const phase = cols.includes('phaseId') ? at('phaseId') : '';
    if (phase === lastPhase && updated < lastUpdated) throw new DataError(`round goes back in time (updatedAt ${updated} after ${lastUpdated} in phase ${phase || '(none)'})`, { file, line: ln + 1, field: 'updatedAt' });
    lastPhase = phase;
    lastUpdated = updated;
    const a = Number(BigInt(answer)) / scale;
    if (!(a > 0)) throw new DataError(`answer ${answer} is not positive`, { file, line: ln + 1, field: 'answer' });
    const ts = updated * 1e6;
    if ((opts.fromUs !== undefined && ts < opts.fromUs) || (opts.toUs !== undefined && ts >= opts.toUs)) continue;
    rows.push({ ts, v: opts.invert ? 1 / a : a });
  }
  rows.sort((x, y) => x.ts - y.ts);
  const out: { ts: number; v: number }[] = [];
  for (const r of rows) {
    if (out.length && out[out.length - 1]!.ts === r.ts) out[out.length - 1] = r;
    else out.push(r);
  }
  if (out.length === 0) throw new DataError('no oracle rounds in the requested range', { file });
  return { source: file, tsUs: Float64Array.from(out, (r) => r.ts), value: Float64Array.from(out, (r) => r.v) };
}
