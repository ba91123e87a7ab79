/**
 * The tear sheet of a run: what quantstats / pyfolio show (cumulative returns linear and log,
 * underwater and the worst drawdowns, monthly and yearly returns, the return distribution with
 * VaR/ES, rolling volatility and Sharpe, the benchmark — buying and holding the run's instrument:
 * its return, beta, correlation, alpha, information ratio —, trade statistics and the trade list,
 * exposure and turnover) plus what they
 * do not (PnL attribution over time, margin usage, queue waits, MEV loss). Sections that need more
 * data than the run has are replaced by a note saying why; annualised figures appear only for
 * runs of at least 30 days.
 */
import * as Plot from '@observablehq/plot';
import { cellTextFill, countAxis, MONTHS, type ChartSpec } from './charts.ts';
import { drawnLine, type RunTables } from './recipes.ts';
import {
  benchmarkStats, dailyReturns, DAY_US, duration, exposure, MIN_ANNUALISE_US, monthlyReturns, onGrid, rolling, samplingInterval, underwater, varEs, worstDrawdowns, YEAR_US,
} from './tear-sheet-stats.ts';
import { esc } from './html.ts';
import { money, wholeAmount } from './summary-rows.ts';
import { tripStats } from '../results/round-trips.ts';
import { fillSpreadCapture } from '../results/metrics.ts';
import type { Instrument } from '../market/instrument.ts';

export interface TearSheet {
  /** Rows of the summary table (label, value). */
  summary: [string, string][];
  charts: ChartSpec[];
  /** Extra HTML tables, by title. */
  tables: { title: string; html: string }[];
  /** What was left out and why. */
  notes: string[];
  /** Each drawn PnL attribution component's value at the end (valuation asset). */
  attribution: Record<string, number>;
}

const pct = (x: number, d = 2) => (Number.isFinite(x) ? `${(x * 100).toFixed(d)}%` : '—');
const num = (x: number, d = 4) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d }) : '—');
const iso = (us: number | undefined) => (us === undefined ? 'not recovered' : new Date(us / 1000).toISOString().replace('T', ' ').slice(0, 16));
const table = (head: string[], rows: string[][]) => `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</table>`;

/** What the tear sheet needs of a run's instrument (its manifest's `instrument`). */
export interface TearSheetInstrument {
  kind: Instrument['kind'];
  multiplier: number;
  tickSize: string;
  lotSize: string;
  settle: string;
  quote: string;
  /** The benchmark's name (buy and hold of it); runs' manifests have it. */
  symbol?: string;
}

/**
 * Cumulative spread capture of `who`'s fills at each equity sample (fills at or before it), with
 * the summary's formula (fillSpreadCapture); undefined without a fills table to read it from or
 * when the fills are on several venues.
 */
function spreadOverTime(t: RunTables, who: string | undefined, ts: readonly number[], inst: TearSheetInstrument): number[] | undefined {
  if (!t.has('fills', 'ts_us', 'side', 'price_ticks', 'size_lots', 'mid')) return undefined;
  const fts = t.nums('fills', 'ts_us');
  const side = t.strs('fills', 'side');
  const pt = t.nums('fills', 'price_ticks');
  const sz = t.nums('fills', 'size_lots');
  const mid = t.nums('fills', 'mid');
  const acct = t.has('fills', 'account') ? t.strs('fills', 'account') : undefined;
  const tick = Number(inst.tickSize);
  const lot = Number(inst.lotSize);
  const order = fts.map((_, i) => i).filter((i) => acct === undefined || acct[i] === who).sort((a, b) => fts[a]! - fts[b]! || a - b);
  // One instrument: fills on several venues would need each venue's.
  if (t.has('fills', 'venue')) {
    const venue = t.strs('fills', 'venue');
    if (new Set(order.map((i) => venue[i])).size > 1) return undefined;
  }
  const out: number[] = [];
  let cum = 0;
  let j = 0;
  for (const at of ts) {
    for (; j < order.length && fts[order[j]!]! <= at; j++) {
      const i = order[j]!;
      cum += fillSpreadCapture(inst, side[i] === 'buy' ? 0 : 1, pt[i]! * tick, mid[i]!, sz[i]! * lot);
    }
    out.push(cum);
  }
  return out;
}

export function tearSheet(t: RunTables, metrics: Record<string, unknown>, inst?: TearSheetInstrument): TearSheet | undefined {
  if (!t.has('equity', 'ts_us', 'equity')) return undefined;
  // The strategy's account: the first account in the equity table.
  const accts = t.strs('equity', 'account');
  const who = accts[0];
  const allTs = t.nums('equity', 'ts_us');
  const allEq = t.nums('equity', 'equity');
  const keep = accts.map((a, i) => (a === who && Number.isFinite(allEq[i]!) ? i : -1)).filter((i) => i >= 0);
  if (keep.length < 3) return undefined;
  const ts = keep.map((i) => allTs[i]!);
  const eq = keep.map((i) => allEq[i]!);
  const col = (c: string) => {
    if (!t.has('equity', c)) return undefined;
    const all = t.nums('equity', c);
    return keep.map((i) => all[i]!);
  };
  const x = ts.map((u) => new Date(u / 1000));
  const spanUs = ts[ts.length - 1]! - ts[0]!;
  const annualise = spanUs >= MIN_ANNUALISE_US;
  const e0 = eq[0]!;
  const out: TearSheet = { summary: [], charts: [], tables: [], notes: [], attribution: {} };

  // Returns per sampling interval (on its regular grid: the curve also has a sample at each fill), and daily.
  const stepUs = samplingInterval(ts);
  const grid = onGrid(ts, eq, stepUs);
  const r: number[] = [];
  for (let i = 1; i < grid.eq.length; i++) r.push(grid.eq[i - 1]! !== 0 ? grid.eq[i]! / grid.eq[i - 1]! - 1 : 0);
  const daily = dailyReturns(ts, eq);
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, r.length - 1));
  const down = Math.sqrt(r.reduce((a, b) => a + Math.min(0, b) ** 2, 0) / Math.max(1, r.length));
  const perYear = YEAR_US / stepUs;
  const total = eq[eq.length - 1]! / e0 - 1;
  const uw = underwater(eq);
  const maxDd = Math.min(...uw);

  // ---- summary ----
  out.summary.push(['period', `${iso(ts[0])} → ${iso(ts[ts.length - 1])} (${duration(spanUs)}), ${eq.length.toLocaleString('en-US')} equity samples, every ${duration(stepUs)} and at fills`]);
  if (eq.every((e) => e === e0)) {
    // Nothing to analyse: every return is 0 (histograms of one value, flat lines).
    out.notes.push(`No return statistics or charts: the equity of ${who ?? 'the account'} stayed at ${num(e0, 2)} for the whole run.`);
    return out;
  }
  out.summary.push(['total return', pct(total)]);
  if (annualise) {
    out.summary.push(['CAGR (365 d)', pct((1 + total) ** (YEAR_US / spanUs) - 1)]);
    out.summary.push(['volatility (annualised)', pct(sd * Math.sqrt(perYear))]);
    out.summary.push([`Sharpe / Sortino (annualised, rf 0) of the equity curve's return per ${duration(stepUs)}`, `${num((mean / sd) * Math.sqrt(perYear), 2)} / ${num((mean / down) * Math.sqrt(perYear), 2)}`]);
    out.summary.push(['Calmar', num(((1 + total) ** (YEAR_US / spanUs) - 1) / Math.abs(maxDd), 2)]);
  } else {
    out.summary.push([`volatility per ${duration(stepUs)}`, pct(sd, 4)]);
    out.summary.push([`Sharpe / Sortino per ${duration(stepUs)}`, `${num(mean / sd, 4)} / ${num(mean / down, 4)}`]);
    out.notes.push(`No annualised figures (CAGR, annual volatility, Sharpe, Calmar): the run spans ${duration(spanUs)}, under the 30 days that would make them meaningful.`);
  }
  out.summary.push(['max drawdown', pct(maxDd)]);
  const ve = varEs(r, 0.95);
  if (ve) out.summary.push([`VaR / ES 95% per ${duration(stepUs)} (historical)`, `${pct(ve.var, 4)} / ${pct(ve.es, 4)}`]);
  // The market itself as the benchmark: buying and holding the run's (first) instrument, its price
  // being the equity table's `mid` (the venue's mark at each sample), on the same grid.
  const mids = col('mid');
  const priced = (v: number) => Number.isFinite(v) && v > 0;
  const b0 = mids?.find(priced);
  // An inverse contract in a run valued in its coin: holding it 1× long (the capital's worth of
  // contracts at the start) is worth 2 − P0/P of the capital in the coin — a 50% rise returns 33%
  // in BTC, not 50%. Otherwise the price's own return.
  const inCoin = inst?.kind === 'inverse' && metrics.settleAsset === inst.settle;
  const hold = (p: number) => (inCoin ? 2 - b0! / p : p / b0!);
  const bName = `buy and hold ${inst?.symbol ?? 'the instrument'}${inCoin ? ` (1× long, in ${inst.settle})` : ''}`;
  if (mids && b0 !== undefined) {
    // Over the strategy's own span (first to last sample), its returns on the strategy's grid.
    out.summary.push([`${bName}: total return`, pct(hold([...mids].reverse().find(priced)!) - 1)]);
    const bench = onGrid(ts, mids.map((m) => (priced(m) ? hold(m) : m)), stepUs).eq;
    const br: number[] = [];
    for (let i = 1; i < bench.length; i++) br.push(priced(bench[i - 1]!) && priced(bench[i]!) ? bench[i]! / bench[i - 1]! - 1 : NaN);
    const bs = benchmarkStats(r, br);
    if (bs) {
      out.summary.push([`beta / correlation to ${bName}`, `${num(bs.beta, 3)} / ${num(bs.correlation, 3)}`]);
      out.summary.push(
        annualise
          ? [`alpha (annualised) / information ratio (annualised) vs ${bName}`, `${pct(bs.alpha * perYear)} / ${num(bs.informationRatio * Math.sqrt(perYear), 2)}`]
          : [`alpha / information ratio per ${duration(stepUs)} vs ${bName}`, `${pct(bs.alpha, 4)} / ${num(bs.informationRatio, 4)}`],
      );
    }
  }
  const pos = col('position_lots');
  if (pos) out.summary.push(['exposure (time with a position)', pct(exposure(ts, pos), 1)]);
  if (typeof metrics.turnover === 'number') out.summary.push(['turnover (traded notional ÷ capital)', num(metrics.turnover, 2)]);

  // ---- cumulative returns, underwater, drawdowns ----
  if (mids && b0 !== undefined) {
    // The strategy beside buying and holding the instrument over the same time.
    const held = x.flatMap((_, i) => (Number.isFinite(mids[i]!) && mids[i]! > 0 ? [i] : []));
    const rows = [
      ...drawnLine(x, eq.map((e) => (e / e0 - 1) * 100), { k: x.map(() => 'strategy') }),
      ...drawnLine(held.map((i) => x[i]!), held.map((i) => (hold(mids[i]!) - 1) * 100), { k: held.map(() => bName) }),
    ];
    out.charts.push({ title: 'Cumulative return (%)', marks: [Plot.lineY(rows, { x: 't', y: 'v', stroke: 'k' }), Plot.ruleY([0])], color: { domain: ['strategy', bName], range: ['#1f77b4', '#999999'], legend: true }, y: { label: '%' } });
  } else out.charts.push({ title: 'Cumulative return (%)', marks: [Plot.lineY(drawnLine(x, eq.map((e) => (e / e0 - 1) * 100)), { x: 't', y: 'v', stroke: '#1f77b4' }), Plot.ruleY([0])], y: { label: '%' } });
  out.charts.push({ title: 'Cumulative log return', marks: [Plot.lineY(drawnLine(x, eq.map((e) => Math.log(e / e0))), { x: 't', y: 'v', stroke: '#1f77b4' }), Plot.ruleY([0])], y: { label: 'ln(equity / start)' } });
  out.charts.push({ title: 'Underwater (%)', marks: [Plot.areaY(drawnLine(x, [...uw].map((v) => v * 100)), { x: 't', y: 'v', fill: '#d62728', fillOpacity: 0.4 }), Plot.ruleY([0])], y: { label: '% below peak' }, height: 200 });
  const worst = worstDrawdowns(ts, eq, 5);
  if (worst.length) out.tables.push({ title: 'Worst drawdowns', html: table(['depth', 'peak', 'trough', 'recovered', 'length'], worst.map((d) => [pct(d.depth), iso(d.peakUs), iso(d.troughUs), iso(d.recoveryUs), duration((d.recoveryUs ?? ts[ts.length - 1]!) - d.peakUs)])) });

  // ---- monthly / yearly ----
  const months = monthlyReturns(ts, eq);
  if (months.size >= 2) {
    const cells = [...months].map(([k, v]) => ({ year: k.slice(0, 4), month: Number(k.slice(5, 7)), v: v * 100 }));
    // Plot's diverging scale is symmetric around its pivot: its dark ends are ±the largest |v|.
    const ink = cellTextFill(cells.map((c) => c.v), true);
    out.charts.push({
      title: 'Monthly returns (%)',
      // White figures on the scheme's dark ends (RdYlGn around 0: the strongest months of the run).
      marks: [Plot.cell(cells, { x: 'month', y: 'year', fill: 'v', inset: 1 }), Plot.text(cells, { x: 'month', y: 'year', text: (d: { v: number }) => d.v.toFixed(1), fill: (d: { v: number }) => ink(d.v) })],
      x: { type: 'band', label: null, domain: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], tickFormat: (m: number) => MONTHS[m - 1] },
      y: { type: 'band', label: 'year', grid: false },
      color: { type: 'diverging', scheme: 'RdYlGn', pivot: 0 },
      height: 80 + 40 * new Set(cells.map((c) => c.year)).size,
    });
    const years = new Map<string, number>();
    for (const [k, v] of months) years.set(k.slice(0, 4), (1 + (years.get(k.slice(0, 4)) ?? 0)) * (1 + v) - 1);
    if (years.size >= 2) out.tables.push({ title: 'Yearly returns', html: table(['year', 'return'], [...years].map(([y, v]) => [y, pct(v)])) });
    else out.notes.push('No yearly table: the run lies within one calendar year.');
  } else out.notes.push('No monthly returns: the run lies within one calendar month.');

  // ---- distribution ----
  const dist = annualise && daily.ret.length >= 20 ? { r: daily.ret, label: 'daily' } : { r, label: `per ${duration(stepUs)}` };
  const dve = varEs(dist.r, 0.95);
  if (dve) {
    out.charts.push({
      slug: 'return-distribution',
      title: `Return distribution (${dist.label}) with VaR and ES 95%`,
      marks: [Plot.rectY(dist.r.map((v) => ({ v: v * 100 })), Plot.binX({ y: 'count' }, { x: 'v', thresholds: 60, fill: '#1f77b4' }) as Plot.RectYOptions), Plot.ruleX([-dve.var * 100], { stroke: '#ff7f0e', strokeWidth: 2 }), Plot.ruleX([-dve.es * 100], { stroke: '#d62728', strokeWidth: 2, strokeDasharray: '4 3' }), Plot.ruleY([0])],
      x: { type: 'linear', label: `return (%) — VaR ${pct(dve.var, 3)} (orange), ES ${pct(dve.es, 3)} (red)` },
      y: countAxis('count'),
    });
  } else out.notes.push('No return distribution: fewer than 20 returns.');

  // ---- rolling vol / Sharpe ----
  if (annualise && daily.ret.length >= 60) {
    const w = 30;
    const rr = rolling(daily.ret, w);
    const dx = daily.dayUs.map((u) => new Date(u / 1000));
    out.charts.push({ slug: 'rolling-volatility', title: 'Rolling 30-day volatility (annualised, %)', marks: [Plot.lineY(drawnLine(dx, [...rr.vol].map((v) => v * Math.sqrt(365) * 100)), { x: 't', y: 'v', stroke: '#9467bd' })], y: { label: '%' }, height: 200 });
    out.charts.push({ slug: 'rolling-sharpe', title: 'Rolling 30-day Sharpe (annualised)', marks: [Plot.lineY(drawnLine(dx, [...rr.sharpe].map((v) => v * Math.sqrt(365))), { x: 't', y: 'v', stroke: '#8c564b' }), Plot.ruleY([0])], y: { label: 'Sharpe' }, height: 200 });
  } else if (annualise && stepUs < DAY_US / 2 && r.length * stepUs >= 3 * DAY_US) {
    // A month or two sampled within the day (a 31-day run of minute bars): a one-day window,
    // annualised like the summary's figures. Returns are compounded into blocks of at least a
    // minute so a window holds at most 1,440 of them (each window is summed afresh).
    const perDay = Math.round(DAY_US / stepUs);
    const block = Math.max(1, Math.ceil(perDay / 1440));
    const rb: number[] = [];
    const tb: Date[] = [];
    for (let i = block - 1; i < r.length; i += block) {
      let g = 1;
      for (let k = i - block + 1; k <= i; k++) g *= 1 + r[k]!;
      rb.push(g - 1);
      tb.push(new Date(grid.ts[i + 1]! / 1000));
    }
    const w = Math.round(perDay / block);
    const rr = rolling(rb, w);
    const k = Math.sqrt((365 * perDay) / block);
    out.charts.push({ slug: 'rolling-volatility', title: 'Rolling 1-day volatility (annualised, %)', marks: [Plot.lineY(drawnLine(tb, [...rr.vol].map((v) => v * k * 100)), { x: 't', y: 'v', stroke: '#9467bd' })], y: { label: '%' }, height: 200 });
    out.charts.push({ slug: 'rolling-sharpe', title: 'Rolling 1-day Sharpe (annualised)', marks: [Plot.lineY(drawnLine(tb, [...rr.sharpe].map((v) => v * k)), { x: 't', y: 'v', stroke: '#8c564b' }), Plot.ruleY([0])], y: { label: 'Sharpe' }, height: 200 });
    out.notes.push(`Rolling statistics: one-day windows of the ${duration(stepUs * block)} returns, annualised (√(365 × ${wholeAmount(w)})); a 30-day window once the run has 60 days.`);
  } else if (r.length >= 120) {
    // A window of a twentieth of the run, at most 500 samples (each window is summed afresh).
    const w = Math.min(500, Math.max(20, Math.floor(r.length / 20)));
    const rr = rolling(r, w);
    const rx = grid.ts.slice(1).map((u) => new Date(u / 1000));
    out.charts.push({ slug: 'rolling-volatility', title: `Rolling volatility over ${w} samples (per ${duration(stepUs)}, %)`, marks: [Plot.lineY(drawnLine(rx, [...rr.vol].map((v) => v * 100)), { x: 't', y: 'v', stroke: '#9467bd' })], y: { label: '%' }, height: 200 });
    out.charts.push({ slug: 'rolling-sharpe', title: `Rolling Sharpe over ${w} samples (per ${duration(stepUs)})`, marks: [Plot.lineY(drawnLine(rx, [...rr.sharpe]), { x: 't', y: 'v', stroke: '#8c564b' }), Plot.ruleY([0])], y: { label: 'Sharpe' }, height: 200 });
    if (!annualise) out.notes.push('Rolling statistics are per sample, not annualised (run under 30 days).');
  } else out.notes.push('No rolling statistics: fewer than 120 returns.');

  // ---- trades ----
  if (t.has('trades', 'account', 'status', 'open_ts_us', 'close_ts_us', 'pnl')) {
    const T = 'trades';
    const acct = t.strs(T, 'account');
    const status = t.strs(T, 'status');
    const idx = acct.map((_, i) => i).filter((i) => acct[i] === who && status[i] === 'closed');
    const venue = t.strs(T, 'venue');
    const open = t.nums(T, 'open_ts_us');
    const close = t.nums(T, 'close_ts_us');
    const pnl = t.nums(T, 'pnl');
    const asset = t.strs(T, 'asset');
    const rows: string[][] = [];
    for (const v of [...new Set(idx.map((i) => venue[i]!))]) {
      const mine = idx.filter((i) => venue[i] === v);
      const s = tripStats(mine.map((i) => ({ openUs: open[i]!, closeUs: close[i]!, pnl: pnl[i]! })));
      if (s) rows.push([v, wholeAmount(s.trips), pct(s.hitRate, 1), Number.isFinite(s.profitFactor) ? num(s.profitFactor, 2) : '∞ (no losing trip)', `${money(s.expectancy, asset[mine[0]!])} ${asset[mine[0]!]}`, duration(s.avgHoldingUs)]);
    }
    if (rows.length) {
      out.tables.push({ title: 'Trades (round trips: flat → position → flat)', html: table(['venue', 'trips', 'hit rate', 'profit factor', 'expectancy', 'avg holding'], rows) });
      // The list itself: every trip of a short run; of a long one the best and the worst (all in the trades table).
      const LIST = 30;
      const byPnl = [...idx].sort((x, y) => pnl[y]! - pnl[x]! || x - y);
      const shown = idx.length <= LIST ? idx : [...byPnl.slice(0, 10), ...byPnl.slice(-10)];
      const dir = t.strs(T, 'direction');
      const exit = t.strs(T, 'exit');
      const qty = t.nums(T, 'max_qty');
      const entry = t.nums(T, 'entry_price');
      const exitPx = t.nums(T, 'exit_price');
      const ret = t.nums(T, 'return');
      const trip = t.nums(T, 'trip');
      // One settle asset (the usual run) goes in the header; several stay on each amount.
      const one = new Set(shown.map((i) => asset[i]!)).size === 1 ? asset[shown[0]!]! : undefined;
      // The order that closed each trip, by its tag (a take-profit, a stop …).
      const closer = closingTags(t);
      const tagOf = (i: number) => (exit[i] === 'orders' ? (closer.get(`${venue[i]}|${close[i]}`) ?? '') : '');
      const list = shown.map((i) => [venue[i]!, String(trip[i]), dir[i]!, iso(open[i]), duration(close[i]! - open[i]!), num(qty[i]!, 8), num(entry[i]!, 8), num(exitPx[i]!, 8), one ? money(pnl[i]!, one) : `${money(pnl[i]!, asset[i])} ${asset[i]}`, pct(ret[i]!, 2), exit[i] === 'liquidation' ? 'liquidated' : exit[i] === 'adl' ? 'auto-deleveraged' : tagOf(i) || 'orders']);
      // Which exits made the money: trips by the tag of the order that closed them.
      const byTag = new Map<string, number[]>();
      for (const i of idx) {
        const k = exit[i] === 'orders' ? tagOf(i) || '(untagged order)' : exit[i] === 'liquidation' ? '(liquidated)' : '(auto-deleveraged)';
        byTag.set(k, [...(byTag.get(k) ?? []), i]);
      }
      if (byTag.size >= 2 && one) {
        const tagRows = [...byTag].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1)).map(([k, is]) => {
          const won = is.filter((i) => pnl[i]! > 0).length;
          const total = is.reduce((s, i) => s + pnl[i]!, 0);
          return [k, wholeAmount(is.length), pct(won / is.length, 1), money(total / is.length, one), money(total, one), duration(is.reduce((s, i) => s + close[i]! - open[i]!, 0) / is.length)];
        });
        out.tables.push({ title: `Exits: trips by the order that closed them (${one})`, html: table(['closed by', 'trips', 'won', 'mean PnL', 'total PnL', 'mean holding'], tagRows) });
      }
      const title = idx.length <= LIST ? `Trade list (${wholeAmount(idx.length)} round trips)` : `Trade list: the 10 best and 10 worst of ${wholeAmount(idx.length)} round trips (all: primesim query <run> "select * from trades")`;
      out.tables.push({ title, html: `<div class="nowrap">${table(['venue', 'trip', 'side', 'opened', 'held', 'max qty', 'entry', 'exit', one ? `PnL (${one})` : 'PnL', 'return', 'closed by'], list)}</div>` });
    } else out.notes.push('No trade statistics: no position was opened and closed.');
  } else if (t.has('fills', 'ts_us')) out.notes.push('No trade statistics: the run was written before primesim recorded round trips (run it again for its trades table).');
  if (t.has('fills', 'queue_wait_us', 'liquidity')) {
    const liq = t.strs('fills', 'liquidity');
    const waitsUs = t.nums('fills', 'queue_wait_us').filter((_, i) => liq[i] === 'maker');
    const chart = waitChart(waitsUs);
    if (chart) {
      out.charts.push(chart.spec);
      if (chart.note) out.notes.push(chart.note);
    }
  }

  // ---- PnL attribution ----
  // Spread capture (each fill's edge over the mid) and inventory (the rest of the trading PnL), as
  // the run's summary splits its total, when the run's one instrument is quote-settled (its
  // spread is then in the valuation asset); else realized and unrealized.
  const split = inst && inst.settle === inst.quote ? spreadOverTime(t, who, ts, inst) : undefined;
  // PnL counted from the capital (the first sample may already follow a fill).
  const base = typeof metrics.initialCapital === 'number' ? metrics.initialCapital : e0;
  // Deposits of another asset than the valuation's (BTC collateral valued in USDT, the ETH an
  // execution desk sells), revalued: not trading PnL, so not inventory (the summary's row).
  const deposits = col('deposits');
  const revalued = deposits?.map((d) => d - base);
  const trading: [string, number[] | undefined, number][] = split
    ? (() => {
        const fees = col('fees') ?? ts.map(() => 0);
        const funding = col('funding') ?? ts.map(() => 0);
        const liq = col('liquidation') ?? ts.map(() => 0);
        // total = spread + inventory − fees − funding + liquidation transfers + deposits
        // revalued: inventory is the rest.
        const inventory = eq.map((e, i) => e - base - split[i]! + fees[i]! + funding[i]! - liq[i]! - (revalued?.[i] ?? 0));
        return [['spread capture', split, 1], ['inventory', inventory, 1]];
      })()
    : [['realized', col('realized'), 1], ['unrealized', col('unrealized'), 1]];
  const parts: [string, number[] | undefined, number][] = [...trading, ['fees', col('fees'), -1], ['funding', col('funding'), -1], ['liquidation transfers', col('liquidation'), 1], ['deposits revalued', revalued, 1]];
  const drawn = parts.filter(([, c]) => c && c.some((v) => v !== 0));
  for (const [k, c, sgn] of drawn) out.attribution[k] = c![c!.length - 1]! * sgn;
  const series = drawn.flatMap(([k, c, sgn]) => drawnLine(x, c!.map((v) => v * sgn), { k: x.map(() => k) }));
  // The run's valuation asset by name; MEV loss is in its swaps' output token (named when it differs).
  const asset = typeof metrics.settleAsset === 'string' ? metrics.settleAsset : 'valuation asset';
  let mevNote = '';
  if (t.has('swaps', 'submitted_ts_us', 'mev_loss')) {
    let c = 0;
    const mx = t.nums('swaps', 'submitted_ts_us').map((u) => new Date(u / 1000));
    const unit = t.swapTokens()?.join('/') ?? 'swap output token';
    if (unit !== asset) mevNote = `; MEV loss in ${unit}`;
    series.push(...drawnLine(mx, t.nums('swaps', 'mev_loss').map((v) => -(c += v)), { k: mx.map(() => `MEV loss (${unit})`) }));
  }
  if (series.length) out.charts.push({ slug: 'pnl-attribution', title: `PnL attribution over time (${asset}${mevNote})`, marks: [Plot.lineY(series, { x: 't', y: 'v', stroke: 'k' }), Plot.ruleY([0])], color: { legend: true }, y: { label: 'cumulative' }, height: 300 });

  // ---- margin usage ----
  if (t.has('margin', 'ts_us', 'account', 'im', 'mm', 'equity')) {
    const ma = t.strs('margin', 'account');
    const idx = ma.map((a, i) => (a === who ? i : -1)).filter((i) => i >= 0);
    if (idx.length >= 2) {
      const mts = t.nums('margin', 'ts_us');
      const mt = idx.map((i) => new Date(mts[i]! / 1000));
      const me = t.nums('margin', 'equity');
      const im = t.nums('margin', 'im');
      const mm = t.nums('margin', 'mm');
      const rows = [...drawnLine(mt, idx.map((i) => (me[i]! > 0 ? (im[i]! / me[i]!) * 100 : NaN)), { k: mt.map(() => 'initial margin ÷ equity') }), ...drawnLine(mt, idx.map((i) => (me[i]! > 0 ? (mm[i]! / me[i]!) * 100 : NaN)), { k: mt.map(() => 'maintenance ÷ equity (100% = liquidation)') })];
      // The 100% line (liquidation) only when usage comes within sight of it: a desk at 0.2% of its
      // margin saw two flat lines at the foot of a 0–100% axis. Otherwise the peak is said.
      let peakIm = 0;
      let peakMm = 0;
      for (const i of idx) {
        if (me[i]! > 0) {
          peakIm = Math.max(peakIm, im[i]! / me[i]!);
          peakMm = Math.max(peakMm, mm[i]! / me[i]!);
        }
      }
      const near = Math.max(peakIm, peakMm) >= 0.25;
      const marks = [Plot.lineY(rows, { x: 't', y: 'v', stroke: 'k' }), Plot.ruleY([0]), ...(near ? [Plot.ruleY([100], { stroke: '#d62728', strokeDasharray: '4 3' })] : [])];
      out.charts.push({ slug: 'margin-usage', title: 'Margin usage and distance to liquidation (%)', marks, color: { legend: true }, y: { label: '%' }, height: 240 });
      if (!near) out.notes.push(`Margin usage peaked at ${pct(peakIm, 3)} of equity (initial margin) and ${pct(peakMm, 3)} (maintenance); liquidation comes at 100% maintenance, off the chart's scale.`);
    }
  }
  return out;
}

/** Units a wait is shown in, by its median: the largest unit the median holds at least once. */
const WAIT_UNITS: readonly [string, number][] = [['h', 3600e6], ['min', 60e6], ['s', 1e6], ['ms', 1e3], ['µs', 1]];

/**
 * A log axis' tick as a plain number at the powers of ten (0.01, 1, 1,000), the ticks between
 * unlabelled (D3's SI default wrote 0.01 ms as "10m"). The waits' log axis spans two decades or
 * more (waitChart uses it only then), so it always has labelled ticks.
 */
export function decade(x: number): string {
  const l = Math.log10(x);
  return Math.abs(l - Math.round(l)) < 1e-9 ? x.toLocaleString('en-US', { maximumFractionDigits: 12 }) : '';
}

/**
 * The histogram of maker fills' queue waits, in the unit of their median. Waits span decades (a
 * quote filled in 40 ms, another after 12 hours): beyond two decades the bins are logarithmic on
 * a log axis, where a linear histogram put nearly every fill in its first bar. Waits of zero (a
 * fill at the instant the order rested) cannot sit on a log axis: they are counted in a note.
 */
export function waitChart(waitsUs: readonly number[]): { spec: ChartSpec; note?: string } | undefined {
  if (waitsUs.length < 10) return undefined;
  const pos = waitsUs.filter((w) => w > 0).sort((a, b) => a - b);
  const zero = waitsUs.length - pos.length;
  const median = pos.length ? pos[Math.floor(pos.length / 2)]! : 0;
  const [unit, per] = WAIT_UNITS.find(([, us]) => median >= us) ?? WAIT_UNITS[WAIT_UNITS.length - 1]!;
  const lo = pos[0] ?? 0;
  const hi = pos[pos.length - 1] ?? 0;
  const log = pos.length >= 10 && hi / lo >= 100;
  const data = (log ? pos : waitsUs).map((w) => ({ v: w / per }));
  let thresholds: number | number[] = 40;
  if (log) {
    // 40 bins of equal width in log10, from the shortest wait to the longest (the last edge just past it).
    const a = Math.log10(lo / per);
    const b = Math.log10(hi / per) + 1e-9;
    // The first edge is the shortest wait itself: 10 ** log10(40) is 40.00000000000001, which left
    // every wait equal to the shortest (20 fills at one constant latency) out of the histogram.
    thresholds = Array.from({ length: 41 }, (_, i) => (i === 0 ? lo / per : 10 ** (a + ((b - a) * i) / 40)));
  }
  const spec: ChartSpec = {
    slug: 'queue-wait',
    title: `Queue wait of maker fills (${unit}${log ? ', log scale' : ''})`,
    marks: [Plot.rectY(data, Plot.binX({ y: 'count' }, { x: 'v', thresholds, fill: '#1f77b4' }) as Plot.RectYOptions), Plot.ruleY([0])],
    // Log ticks as plain numbers at the powers of ten: D3's SI default wrote 0.01 ms as "10m" (ten minutes?).
    x: { type: log ? 'log' : 'linear', label: `${unit} from resting to fill`, ...(log ? { tickFormat: decade } : {}) },
    y: countAxis('fills'),
    height: 200,
  };
  const note = log && zero > 0 ? `Queue wait: ${wholeAmount(zero)} of ${wholeAmount(waitsUs.length)} maker fills filled the instant they rested (no wait); the log-scale histogram shows the others.` : undefined;
  return { spec, note };
}

/**
 * The tag of the order whose fill closed a trip, by `venue|ts_us` of the trip's close: the last
 * fill of that venue at that time (a trip ends at the fill that leaves the position flat or flips
 * it). Empty when the run's tables do not say (a run written before orders had tags).
 */
function closingTags(t: RunTables): Map<string, string> {
  const out = new Map<string, string>();
  if (!t.has('fills', 'venue', 'ts_us', 'order_id', 'seq') || !t.has('orders', 'venue', 'order_id', 'tag')) return out;
  const tags = new Map<string, string>();
  const ov = t.strs('orders', 'venue');
  const oid = t.nums('orders', 'order_id');
  const otag = t.strs('orders', 'tag');
  for (let i = 0; i < oid.length; i++) tags.set(`${ov[i]}|${oid[i]}`, otag[i]!);
  const fv = t.strs('fills', 'venue');
  const fts = t.nums('fills', 'ts_us');
  const fid = t.nums('fills', 'order_id');
  const seq = t.nums('fills', 'seq');
  const last = new Map<string, number>();
  for (let i = 0; i < fts.length; i++) {
    const k = `${fv[i]}|${fts[i]}`;
    const j = last.get(k);
    if (j === undefined || seq[i]! > seq[j]!) last.set(k, i);
  }
  for (const [k, i] of last) out.set(k, tags.get(`${fv[i]}|${fid[i]}`) ?? '');
  return out;
}
