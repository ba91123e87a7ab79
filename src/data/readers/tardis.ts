import { DataError } from '../../errors.ts';
import { FLAG_END, FLAG_SNAPSHOT_START, ROW_BBO, ROW_LEVEL, ROW_SNAPSHOT, ROW_TRADE } from '../market-rows.ts';
import { headerIndex, splitCsv } from './csv.ts';
import { LevelScratch } from './levels.ts';
import { lineBatches } from './lines.ts';
import { TARDIS_L2, TARDIS_QUOTES, TARDIS_TRADES, detectTardisHeader, snapshotColumns, type TardisKind } from './tardis-detect.ts';
import { RowOut, parseUint, type ReadSummary, type ReaderOptions, type RowSink } from './types.ts';

export interface TardisSummary extends ReadSummary {
  kind: TardisKind;
}

/** Per-format row handler: `row` gets the split cells of one data line; `end` flushes lookahead. */
interface Handler {
  row(cells: string[], line: number, tsUs: number, localTsUs: number): void;
  end(): void;
}

/**
 * Reads a Tardis.dev normalized CSV (incremental_book_L2, trades, quotes, book_snapshot_N),
 * plain or gzip, detecting the type from the header. Timestamps are µs. options_chain is not a
 * book format: read it with `readOptionsChain`.
 */
export async function readTardis(file: string, opts: ReaderOptions, sink: RowSink): Promise<TardisSummary> {
  const out = new RowOut(file, opts, sink);
  const f = out.file;
  const bad = out.bad;
  let handler: Handler | null = null;
  let kind: TardisKind = 'trades';
  let ncols = 0;
  let symbol = '';
  let lastTs = -Infinity;
  let lastLocal = -Infinity;
  let lines = 0;

  for await (const b of lineBatches(file, opts.stats)) {
    for (let k = 0; k < b.lines.length; k++) {
      const text = b.lines[k]!;
      const line = b.firstLineNumber + k;
      if (line === 1) {
        const h = detectTardisHeader(text);
        if (!h) throw new DataError('header is not a known Tardis CSV header', { file: f, line: 1, field: text.split(',').slice(0, 6).join(',') });
        if (h.kind === 'options_chain') throw new DataError('options_chain is not a book format', { file: f, line: 1, field: 'strike_price', hint: 'an options venue reads it in a run spec: optionChain: { file: <path> } (scenarios/hedger.yaml has an options venue)' });
        kind = h.kind;
        ncols = text.split(',').length;
        handler = makeHandler(h.kind, h.depth, text, out);
        continue;
      }
      if (text === '') continue;
      const cells = splitCsv(text);
      if (cells.length !== ncols) {
        bad.report(f, line, 'columns', `row has ${cells.length} columns, the header has ${ncols}`);
        continue;
      }
      const sym = cells[1]!;
      if (symbol === '') symbol = sym;
      else if (sym !== symbol) {
        bad.report(f, line, 'symbol', `symbol ${sym} differs from ${symbol}: one file, one instrument`);
        continue;
      }
      const tsUs = parseUint(cells[2]!);
      if (tsUs !== tsUs) {
        bad.report(f, line, 'timestamp', `timestamp ${JSON.stringify(cells[2])} is not an integer of µs`);
        continue;
      }
      const localTsUs = parseUint(cells[3]!);
      if (localTsUs !== localTsUs) {
        bad.report(f, line, 'local_timestamp', `local_timestamp ${JSON.stringify(cells[3])} is not an integer of µs`);
        continue;
      }
      if (localTsUs < lastLocal) {
        bad.report(f, line, 'local_timestamp', `local_timestamp goes backwards (${localTsUs} < ${lastLocal})`);
        continue;
      }
      if (tsUs < lastTs) {
        bad.report(f, line, 'timestamp', `timestamp goes backwards (${tsUs} < ${lastTs})`);
        continue;
      }
      const before = bad.count;
      handler!.row(cells, line, tsUs, localTsUs);
      // A row the handler rejected must not move the clocks forward.
      if (bad.count === before) {
        lastLocal = localTsUs;
        lastTs = tsUs;
      }
    }
    lines = b.firstLineNumber + b.lines.length - 1;
  }
  if (!handler) throw new DataError('empty file (no header)', { file: f, line: 1 });
  handler.end();
  return { ...out.summary(lines), kind };
}

function makeHandler(kind: TardisKind, depth: number, header: string, out: RowOut): Handler {
  if (kind === 'incremental_book_L2') return l2Handler(header, out);
  if (kind === 'trades') return tradesHandler(header, out);
  if (kind === 'quotes') return quotesHandler(header, out);
  return snapshotHandler(header, depth, out);
}

function sideOf(s: string): 0 | 1 | -1 {
  return s === 'bid' || s === 'buy' ? 0 : s === 'ask' || s === 'sell' ? 1 : -1;
}

/**
 * incremental_book_L2: rows sharing a timestamp are one message; a run of is_snapshot=true
 * rows is one snapshot (cleared first). One row of lookahead decides where a message ends.
 */
function l2Handler(header: string, out: RowOut): Handler {
  const ix = headerIndex(out.file, header, TARDIS_L2);
  let has = false;
  let pTs = 0, pLocal = 0, pSide: 0 | 1 = 0, pPrice = 0, pSize = 0, pSnap = false, pStart = false;
  let snapLine = 0, maxBid = -Infinity, minAsk = Infinity;

  const flush = (nextTs: number, nextSnap: boolean | null): void => {
    if (!has) return;
    const end = nextSnap === null || (!(pSnap && nextSnap) && (nextTs !== pTs || nextSnap !== pSnap));
    if (end && pSnap && maxBid >= minAsk) {
      out.bad.report(out.file, snapLine, 'price', `crossed book after snapshot: best bid ${maxBid} ticks >= best ask ${minAsk} ticks`, { fatal: true });
    }
    out.emit(pTs, pLocal, pSnap ? ROW_SNAPSHOT : ROW_LEVEL, pSide, (pStart ? FLAG_SNAPSHOT_START : 0) | (end ? FLAG_END : 0), pPrice, pSize);
  };

  return {
    row(c, line, tsUs, localTsUs) {
      const snapCell = c[ix.is_snapshot]!;
      if (snapCell !== 'true' && snapCell !== 'false') return out.bad.report(out.file, line, 'is_snapshot', `is_snapshot ${JSON.stringify(snapCell)} is not true/false`);
      const side = sideOf(c[ix.side]!);
      if (side < 0) return out.bad.report(out.file, line, 'side', `side ${JSON.stringify(c[ix.side])} is not bid/ask`);
      const p = out.ticks(c[ix.price]!, line, 'price');
      if (p !== p) return;
      const q = out.lots(c[ix.amount]!, line, 'amount');
      if (q !== q) return;
      const snap = snapCell === 'true';
      flush(tsUs, snap);
      const start = snap && !(has && pSnap);
      if (start) {
        snapLine = line;
        maxBid = -Infinity;
        minAsk = Infinity;
      }
      if (snap && q > 0) {
        if (side === 0) maxBid = Math.max(maxBid, p);
        else minAsk = Math.min(minAsk, p);
      }
      has = true;
      pTs = tsUs; pLocal = localTsUs; pSide = side as 0 | 1; pPrice = p; pSize = q; pSnap = snap; pStart = start;
    },
    end() {
      flush(0, null);
      has = false;
    },
  };
}

function tradesHandler(header: string, out: RowOut): Handler {
  const ix = headerIndex(out.file, header, TARDIS_TRADES);
  return {
    row(c, line, tsUs, localTsUs) {
      const side = c[ix.side] === 'buy' ? 0 : c[ix.side] === 'sell' ? 1 : -1;
      if (side < 0) return out.bad.report(out.file, line, 'side', `aggressor side ${JSON.stringify(c[ix.side])} is not buy/sell`);
      const p = out.ticks(c[ix.price]!, line, 'price');
      if (p !== p) return;
      const q = out.lots(c[ix.amount]!, line, 'amount');
      if (q !== q) return;
      out.emit(tsUs, localTsUs, ROW_TRADE, side as 0 | 1, FLAG_END, p, q);
    },
    end() {},
  };
}

/** quotes → ROW_BBO bid (side 0) then ask (side 1); an empty side (no quote) is left out. */
function quotesHandler(header: string, out: RowOut): Handler {
  const ix = headerIndex(out.file, header, TARDIS_QUOTES);
  return {
    row(c, line, tsUs, localTsUs) {
      const bp = c[ix.bid_price]!, bq = c[ix.bid_amount]!, ap = c[ix.ask_price]!, aq = c[ix.ask_amount]!;
      let b = NaN, B = NaN, a = NaN, A = NaN;
      if (bp !== '') {
        if ((b = out.ticks(bp, line, 'bid_price')) !== b || (B = out.lots(bq, line, 'bid_amount')) !== B) return;
      }
      if (ap !== '') {
        if ((a = out.ticks(ap, line, 'ask_price')) !== a || (A = out.lots(aq, line, 'ask_amount')) !== A) return;
      }
      if (b === b) out.emit(tsUs, localTsUs, ROW_BBO, 0, a === a ? 0 : FLAG_END, b, B);
      if (a === a) out.emit(tsUs, localTsUs, ROW_BBO, 1, FLAG_END, a, A);
    },
    end() {},
  };
}

/** book_snapshot_N: every row is a whole top-N book, one snapshot message (bids then asks). */
function snapshotHandler(header: string, depth: number, out: RowOut): Handler {
  const cols = snapshotColumns(depth);
  const ix = headerIndex(out.file, header, cols) as Record<string, number>;
  const at = (side: 'bids' | 'asks', i: number, what: 'price' | 'amount'): number => ix[`${side}[${i}].${what}`]!;
  const lv = new LevelScratch();
  const sides = [['bids', 0], ['asks', 1]] as const;
  return {
    row(c, line, tsUs, localTsUs) {
      lv.reset();
      for (const [name, side] of sides) {
        for (let i = 0; i < depth; i++) {
          const ps = c[at(name, i, 'price')]!;
          if (ps === '') continue; // fewer than N levels on this side
          const p = out.ticks(ps, line, `${name}[${i}].price`);
          if (p !== p) return;
          const q = out.lots(c[at(name, i, 'amount')]!, line, `${name}[${i}].amount`);
          if (q !== q) return;
          lv.push(side, p, q);
        }
      }
      const crossed = lv.crossed();
      if (crossed) out.bad.report(out.file, line, 'bids[0].price', `crossed book after snapshot: ${crossed}`, { fatal: true });
      lv.dropZeros();
      const n = lv.n;
      for (let i = 0; i < n; i++) {
        out.emit(tsUs, localTsUs, ROW_SNAPSHOT, lv.side[i] as 0 | 1, (i === 0 ? FLAG_SNAPSHOT_START : 0) | (i === n - 1 ? FLAG_END : 0), lv.price[i]!, lv.size[i]!);
      }
    },
    end() {},
  };
}
