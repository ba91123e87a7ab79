import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as Plot from '@observablehq/plot';
import type { Table } from 'apache-arrow';
import { readArrow } from '../results/arrow-io.ts';
import { openRun } from '../results/run-store.ts';
import { cellTextFill, countAxis, type ChartSpec } from './charts.ts';
import { duration, stepMeans } from './tear-sheet-stats.ts';
import { m4Indices } from './thin.ts';

/** Lazily loaded result tables of one run, read from its Arrow files. */
export class RunTables {
  private readonly cache = new Map<string, Table | null>();
  constructor(private readonly dir: string) {}
  get(name: string): Table | null {
    if (!this.cache.has(name)) {
      const f = join(this.dir, `${name}.arrow`);
      this.cache.set(name, existsSync(f) ? readArrow(f) : null);
    }
    return this.cache.get(name)!;
  }
  has(name: string, ...cols: string[]): boolean {
    const t = this.get(name);
    return t !== null && t.numRows > 0 && cols.every((c) => t.getChild(c) !== null);
  }
  nums(name: string, col: string): number[] {
    const c = this.get(name)?.getChild(col);
    return c ? Array.from(c.toArray() as ArrayLike<number | bigint>, Number) : [];
  }
  strs(name: string, col: string): string[] {
    const t = this.get(name);
    const c = t?.getChild(col);
    return c ? Array.from({ length: t!.numRows }, (_, i) => String(c.get(i))) : [];
  }
  times(name: string): Date[] {
    return this.nums(name, 'ts_us').map((t) => new Date(t / 1000));
  }
  private manifest: Record<string, unknown> | undefined;
  /** A top-level field of the run's manifest (e.g. a grid's `axes`), or undefined. */
  manifestField(name: string): unknown {
    if (this.manifest === undefined) {
      try {
        this.manifest = openRun(this.dir).manifest as unknown as Record<string, unknown>;
      } catch {
        this.manifest = {};
      }
    }
    return this.manifest[name];
  }
  /** A metric of the run's manifest (e.g. positionUnit), or undefined. */
  metric(name: string): unknown {
    return ((this.manifestField('metrics') as Record<string, unknown> | undefined) ?? {})[name];
  }
  /** The output tokens of the strategies' swaps (their MEV loss is in these), or undefined for runs written before token_out. */
  swapTokens(): string[] | undefined {
    return this.has('swaps', 'token_out') ? [...new Set(this.strs('swaps', 'token_out'))] : undefined;
  }
}

type Recipe = (t: RunTables) => ChartSpec[];

/**
 * A table's rows grouped by a column (its venue, an instrument, an oracle feed; first appearance
 * order), or one group of every row when it has none; `named` when there is more than one group
 * (charts then name theirs).
 */
function rowsBy(t: RunTables, table: string, col = 'venue'): { key: string; rows: number[]; named: boolean }[] {
  const n = t.get(table)?.numRows ?? 0;
  if (!t.has(table, col)) return [{ key: '', rows: Array.from({ length: n }, (_, i) => i), named: false }];
  const groups = new Map<string, number[]>();
  t.strs(table, col).forEach((v, i) => {
    let g = groups.get(v);
    if (!g) groups.set(v, (g = []));
    g.push(i);
  });
  return [...groups].map(([key, rows]) => ({ key, rows, named: groups.size > 1 }));
}

/** The last of `rows` (in time order) whose time `ts[row]` is at or before `at`, or undefined (binary search). */
function lastAtOrBefore(ts: readonly number[], rows: readonly number[], at: number): number | undefined {
  let lo = 0;
  let hi = rows.length - 1;
  if (hi < 0 || ts[rows[0]!]! > at) return undefined;
  while (lo < hi) {
    const m = (lo + hi + 1) >> 1;
    if (ts[rows[m]!]! <= at) lo = m;
    else hi = m - 1;
  }
  return rows[lo];
}

/** An inventory with more changes than this is drawn as its mean per bucket (a chart is ~900 px wide). */
const INVENTORY_STEPS = 300;
const INVENTORY_BUCKETS = 300;

/** Rows `{ t, v, …extra }` of a series, one a point (dots: every fill is drawn). */
export const line = (x: Date[], y: number[], extra: Record<string, unknown> = {}) => x.map((t, i) => ({ t, v: y[i]!, ...Object.fromEntries(Object.entries(extra).map(([k, arr]) => [k, (arr as unknown[])[i]])) }));

/**
 * `line`'s rows for a line or area chart: a long series thinned to the points that draw the same
 * pixels (m4Indices), so a month of minute samples is a few thousand points, not 45,000. `extra`
 * holds one value per point, the same for every point (a series' name): one series a call.
 */
export const drawnLine = (x: Date[], y: number[], extra: Record<string, unknown> = {}) => {
  const keep = m4Indices(x, y);
  if (keep === undefined) return line(x, y, extra);
  const pick = <T,>(a: readonly T[]) => keep.map((i) => a[i]!);
  return line(pick(x), pick(y), Object.fromEntries(Object.entries(extra).map(([k, arr]) => [k, pick(arr as unknown[])])));
};

/** Charts for whatever result tables a run has: backtests, hedging, cascades, DEX execution, lending. */
const RECIPES: Recipe[] = [
  (t) => {
    if (!t.has('equity', 'ts_us', 'equity')) return [];
    const x = t.times('equity');
    const eq = t.nums('equity', 'equity');
    // An account whose equity never moved (a scenario without a strategy): flat lines say nothing.
    if (eq.every((e) => e === eq[0])) return [];
    let peak = -Infinity;
    const dd = eq.map((e) => e - (peak = Math.max(peak, e)));
    const out: ChartSpec[] = [
      { title: 'Equity', marks: [Plot.lineY(drawnLine(x, eq), { x: 't', y: 'v', stroke: '#1f77b4' })], y: { label: 'equity', zero: false } },
      { title: 'Drawdown', marks: [Plot.areaY(drawnLine(x, dd), { x: 't', y: 'v', fill: '#d62728', fillOpacity: 0.4 }), Plot.ruleY([0])], y: { label: 'drawdown' } },
    ];
    const posCol = t.has('equity', 'position_lots') ? 'position_lots' : t.has('equity', 'perp_position') ? 'perp_position' : undefined;
    const posVenues = t.has('positions', 'ts_us', 'venue', 'position_qty') ? rowsBy(t, 'positions') : [];
    if (posVenues.length > 1) {
      // Several venues: the equity table's position is the first venue's only; each venue's own
      // inventory (base units) from the positions table, held to the end of the run.
      const [pts, qty] = [t.nums('positions', 'ts_us'), t.nums('positions', 'position_qty')];
      const end = x[x.length - 1]!;
      for (const { key: venue, rows } of posVenues) {
        const pts2 = [...rows.map((i) => ({ t: new Date(pts[i]! / 1000), v: qty[i]! })), { t: end, v: qty[rows[rows.length - 1]!]! }];
        out.push({ title: `Inventory: ${venue}`, marks: [Plot.lineY(pts2, { x: 't', y: 'v', stroke: '#2ca02c', curve: 'step-after' }), Plot.ruleY([0])], y: { label: 'position (base units)' }, height: 200 });
      }
    } else if (posCol) {
      // In the instrument's quantity (ETH, not 891,508 lots) when the positions table gives the lot size.
      let pos = t.nums('equity', posCol);
      let posLabel = posCol;
      const unit = t.metric('positionUnit');
      if (posCol === 'position_lots' && typeof unit === 'string' && t.has('positions', 'position_lots', 'position_qty')) {
        const lots = t.nums('positions', 'position_lots');
        const qty = t.nums('positions', 'position_qty');
        const k = lots.findIndex((l) => l !== 0);
        if (k >= 0) {
          const per = qty[k]! / lots[k]!;
          pos = pos.map((l) => l * per);
          posLabel = `position (${unit})`;
        }
      }
      let changes = 0;
      for (let i = 1; i < pos.length; i++) if (pos[i] !== pos[i - 1]) changes++;
      const accounts = t.has('equity', 'account') ? new Set(t.strs('equity', 'account')).size : 1;
      if (changes <= INVENTORY_STEPS || accounts > 1) out.push({ title: 'Inventory', marks: [Plot.lineY(drawnLine(x, pos), { x: 't', y: 'v', stroke: '#2ca02c', curve: 'step-after' }), Plot.ruleY([0])], y: { label: posLabel } });
      else {
        // Thousands of changes drawn step by step fill the chart solid: draw their time-weighted
        // mean (one account's samples, in time order).
        const ts = t.nums('equity', 'ts_us');
        const m = stepMeans(ts, pos, INVENTORY_BUCKETS);
        out.push({ slug: 'inventory', title: `Inventory: time-weighted mean per ${duration((ts[ts.length - 1]! - ts[0]!) / INVENTORY_BUCKETS)} (${changes.toLocaleString('en-US')} changes)`, marks: [Plot.lineY(drawnLine([...m.tUs].map((u) => new Date(u / 1000)), [...m.mean]), { x: 't', y: 'v', stroke: '#2ca02c', curve: 'step-after' }), Plot.ruleY([0])], y: { label: `${posLabel}, mean` } });
      }
    }
    return out;
  },
  (t) => {
    if (!t.has('fills', 'ts_us', 'price', 'side') || !t.has('equity', 'mid')) return [];
    const color = { domain: ['buy', 'sell'], range: ['#2ca02c', '#d62728'], legend: true };
    const venues = rowsBy(t, 'fills');
    if (venues.length <= 1) {
      const fills = line(t.times('fills'), t.nums('fills', 'price'), { side: t.strs('fills', 'side') });
      return [{ title: 'Fills against mid', marks: [Plot.lineY(drawnLine(t.times('equity'), t.nums('equity', 'mid')), { x: 't', y: 'v', stroke: '#999' }), Plot.dot(fills, { x: 't', y: 'v', fill: 'side', r: 2.5 })], y: { label: 'price', zero: false }, color, height: 320 }];
    }
    // Several venues (BTC and ETH): one chart each, against that venue's mark (the equity table's
    // mid is the first venue's), else its fills alone.
    const [fts, price, side] = [t.nums('fills', 'ts_us'), t.nums('fills', 'price'), t.strs('fills', 'side')];
    const markRows = t.has('marks', 'ts_us', 'venue', 'mark') ? rowsBy(t, 'marks') : [];
    const [mts, mark] = markRows.length ? [t.nums('marks', 'ts_us'), t.nums('marks', 'mark')] : [[], []];
    return venues.map(({ key: venue, rows }) => {
      const m = markRows.find((r) => r.key === venue);
      const marks: Plot.Markish[] = m ? [Plot.lineY(m.rows.map((i) => ({ t: new Date(mts[i]! / 1000), v: mark[i]! })), { x: 't', y: 'v', stroke: '#999' })] : [];
      marks.push(Plot.dot(rows.map((i) => ({ t: new Date(fts[i]! / 1000), v: price[i]!, side: side[i]! })), { x: 't', y: 'v', fill: 'side', r: 2.5 }));
      return { title: `Fills against ${m ? 'the mark' : 'time'}: ${venue}`, marks, y: { label: 'price', zero: false }, color, height: 320 };
    });
  },
  (t) => {
    if (!t.has('greeks', 'ts_us', 'delta')) return [];
    const x = t.times('greeks');
    const out: ChartSpec[] = [{ title: 'Portfolio delta', marks: [Plot.lineY(drawnLine(x, t.nums('greeks', 'delta')), { x: 't', y: 'v', stroke: '#1f77b4' }), Plot.ruleY([0])], y: { label: 'delta (coins of the underlying)' } }];
    if (t.has('greeks', 'band')) {
      const b = t.nums('greeks', 'band');
      out[0]!.marks.push(Plot.lineY(drawnLine(x, b), { x: 't', y: 'v', stroke: '#aaa', strokeDasharray: '4 3' }), Plot.lineY(drawnLine(x, b.map((v) => -v)), { x: 't', y: 'v', stroke: '#aaa', strokeDasharray: '4 3' }));
    }
    // The table keeps vega per 1.00 of vol and theta per year (the pricing's units); charted as a
    // desk reads them: vega per vol point, theta per day, both in the premium's currency.
    const shown: [string, number, string][] = [['gamma', 1, 'gamma (delta per 1 USD of the underlying)'], ['vega', 1 / 100, 'vega (premium currency per vol point)'], ['theta', 1 / 365, 'theta (premium currency per day)']];
    for (const [g, k, label] of shown) if (t.has('greeks', g)) out.push({ title: `Portfolio ${g}`, marks: [Plot.lineY(drawnLine(x, t.nums('greeks', g).map((v) => v * k)), { x: 't', y: 'v', stroke: '#9467bd' }), Plot.ruleY([0])], y: { label }, height: 200 });
    return out;
  },
  (t) => {
    if (!t.has('margin', 'ts_us', 'account', 'im', 'mm', 'equity')) return [];
    const accounts = new Set(t.strs('margin', 'account'));
    const x = t.times('margin');
    if (accounts.size <= 3) {
      const rows = [
        ...drawnLine(x, t.nums('margin', 'equity'), { k: x.map(() => 'equity') }),
        ...drawnLine(x, t.nums('margin', 'im'), { k: x.map(() => 'initial margin') }),
        ...drawnLine(x, t.nums('margin', 'mm'), { k: x.map(() => 'maintenance margin') }),
      ];
      return [{ title: 'Margin', marks: [Plot.lineY(rows, { x: 't', y: 'v', stroke: 'k' })], color: { legend: true }, y: { label: 'USDT' } }];
    }
    // Many accounts (a cascade): how many are below maintenance at each time.
    const below = new Map<number, number>();
    const eq = t.nums('margin', 'equity');
    const mm = t.nums('margin', 'mm');
    x.forEach((d, i) => below.set(d.getTime(), (below.get(d.getTime()) ?? 0) + (eq[i]! < mm[i]! ? 1 : 0)));
    const rows = [...below].map(([ms, n]) => ({ t: new Date(ms), v: n }));
    return [{ title: 'Accounts below maintenance margin', marks: [Plot.lineY(rows, { x: 't', y: 'v', stroke: '#d62728', curve: 'step-after' })], y: countAxis('accounts') }];
  },
  (t) => {
    if (!t.has('funding', 'ts_us', 'payment')) return [];
    let c = 0;
    const cum = t.nums('funding', 'payment').map((p) => (c += p));
    // A dot at every payment (marker): every point drawn, none thinned.
    return [{ title: 'Cumulative funding paid', marks: [Plot.lineY(line(t.times('funding'), cum), { x: 't', y: 'v', stroke: '#ff7f0e', curve: 'step-after', marker: 'dot' }), Plot.ruleY([0])], y: { label: 'paid' } }];
  },
  (t) => {
    // Path venues: the mark with liquidation impact against the no-impact path (the counterfactual),
    // one chart per venue (a run with a BTC and an ETH perp has both in the table).
    if (!t.has('marks', 'ts_us', 'path', 'mark')) return [];
    const out: ChartSpec[] = [];
    const cols = new Map<string, number[]>();
    const col = (c: string) => cols.get(c) ?? (cols.set(c, t.nums('marks', c)), cols.get(c)!);
    for (const { key: venue, rows: ix, named } of rowsBy(t, 'marks')) {
      const ts = col('ts_us');
      const x = ix.map((i) => new Date(ts[i]! / 1000));
      const pick = (c: string) => {
        const v = col(c);
        return ix.map((i) => v[i]!);
      };
      const mark = pick('mark');
      const impact = t.has('marks', 'impact') ? pick('impact') : [];
      const title = (s: string) => (named ? `${s}: ${venue}` : s);
      // Nothing moved the mark off its path (no liquidation took from the book): one line, no displacement.
      if (impact.every((v) => v === 0)) {
        out.push({ title: title('Mark (the price path: no liquidation moved it)'), marks: [Plot.lineY(drawnLine(x, mark), { x: 't', y: 'v', stroke: '#1f77b4' })], y: { label: 'price', zero: false } });
        continue;
      }
      const pathRows = drawnLine(x, pick('path'), { k: x.map(() => 'path (no impact)') });
      const markRows = drawnLine(x, mark, { k: x.map(() => 'mark (with impact)') });
      const displaced = drawnLine(x, impact.map((v) => v * 100));
      // The path wide and light under the mark: where impact has decayed they coincide, and a
      // plain path line lay hidden under the mark (its legend entry unseen) for most of a run.
      const lines = [Plot.lineY(pathRows, { x: 't', y: 'v', stroke: 'k', strokeWidth: 4 }), Plot.lineY(markRows, { x: 't', y: 'v', stroke: 'k', strokeWidth: 1.2 })];
      out.push(
        { title: title('Mark with liquidation impact vs the no-impact path'), marks: lines, color: { legend: true, domain: ['path (no impact)', 'mark (with impact)'], range: ['#a6cee3', '#d62728'] }, y: { label: 'price', zero: false } },
        // The area's edge drawn too: displacements last minutes of a run of weeks, and an area that
        // thin at 0.4 opacity read as no displacement at all.
        { title: title('Displacement of the mark by liquidations (%)'), marks: [Plot.areaY(displaced, { x: 't', y: 'v', fill: '#d62728', fillOpacity: 0.4 }), Plot.lineY(displaced, { x: 't', y: 'v', stroke: '#d62728', strokeWidth: 1 }), Plot.ruleY([0])], y: { label: '%' }, height: 200 },
      );
    }
    return out;
  },
  (t) => {
    if (!t.has('liquidations', 'ts_us', 'price', 'size_lots')) return [];
    const out: ChartSpec[] = [];
    const hasMarks = t.has('marks', 'ts_us', 'mark');
    const markRows = hasMarks ? rowsBy(t, 'marks') : [];
    const [mts, mark] = hasMarks ? [t.nums('marks', 'ts_us'), t.nums('marks', 'mark')] : [[], []];
    const [lts, price, lots] = [t.nums('liquidations', 'ts_us'), t.nums('liquidations', 'price'), t.nums('liquidations', 'size_lots')];
    const byInstrument = rowsBy(t, 'liquidations', 'instrument');
    for (const { key: venue, rows: ix, named } of byInstrument) {
      // Steps that filled nothing (no bid above the bankruptcy price) have no price to draw.
      const done = ix.filter((i) => lots[i]! > 0);
      const marks: Plot.Markish[] = [];
      // The mark of the venue the instrument trades on (instrument ids are venue ids in a run spec).
      const m = markRows.find((r) => r.key === venue) ?? (markRows.length === 1 ? markRows[0] : undefined);
      if (m) marks.push(Plot.lineY(drawnLine(m.rows.map((i) => new Date(mts[i]! / 1000)), m.rows.map((i) => mark[i]!)), { x: 't', y: 'v', stroke: '#999' }));
      else if (byInstrument.length === 1 && rowsBy(t, 'positions').length <= 1 && t.has('equity', 'ts_us', 'mid')) {
        // A venue replayed from a catalog has no marks table: the equity samples' mark of the run's
        // one venue (one account's rows). Without it a single liquidation was one dot on an axis
        // of one price and one instant.
        const [acct] = rowsBy(t, 'equity', 'account');
        const [ets, mid] = [t.nums('equity', 'ts_us'), t.nums('equity', 'mid')];
        const rows = acct!.rows.filter((i) => Number.isFinite(mid[i]));
        if (rows.length > 1) marks.push(Plot.lineY(drawnLine(rows.map((i) => new Date(ets[i]! / 1000)), rows.map((i) => mid[i]!)), { x: 't', y: 'v', stroke: '#999' }));
      }
      const x = done.map((i) => new Date(lts[i]! / 1000));
      marks.push(Plot.dot(line(x, done.map((i) => price[i]!), { s: done.map((i) => lots[i]!) }), { x: 't', y: 'v', r: 's', fill: '#d62728', fillOpacity: 0.4 }));
      // Area by lots up to 7 px for the largest step: with Plot's default (the median step at 3 px,
      // the largest unbounded) a population's 7,740 steps were one red blob 50 px tall over the mark.
      out.push({ title: `Liquidations (dots, sized by lots) against the mark${named ? `: ${venue}` : ''}`, marks, y: { label: 'price', zero: false }, r: { type: 'sqrt', domain: [0, done.reduce((a, i) => Math.max(a, lots[i]!), 1)], range: [0, 7] }, height: 320 });
    }
    return out;
  },
  (t) => {
    // The classifier's sandwiches on the run's own blocks against the bots' records, per block.
    if (!t.has('mev_detected', 'block', 'detected', 'simulated')) return [];
    const block = t.nums('mev_detected', 'block');
    if (block.length === 0) return [];
    const det = t.nums('mev_detected', 'detected');
    const sim = t.nums('mev_detected', 'simulated');
    const kind = block.map((_, i) => (det[i] && sim[i] ? 'recorded and detected' : sim[i] ? 'recorded, not detected' : 'detected, not recorded'));
    const rows = block.map((b, i) => ({ b: String(b), k: kind[i]! }));
    const domain = [...new Set(block)].sort((a, b) => a - b).map(String);
    return [
      {
        title: 'Sandwiches per block: recorded by the bots vs found by the MEV classifier',
        marks: [Plot.barY(rows, Plot.groupX({ y: 'count' }, { x: 'b', fill: 'k' })), Plot.ruleY([0])],
        x: { type: 'band', label: 'block', domain },
        y: countAxis('sandwiched swaps'),
        color: { legend: true, domain: ['recorded and detected', 'recorded, not detected', 'detected, not recorded'], range: ['#2ca02c', '#d62728', '#ff7f0e'] },
        height: 220,
      },
    ];
  },
  (t) => {
    if (!t.has('swaps', 'label', 'mev_loss', 'settlement_delay_us')) return [];
    const s = t.strs('swaps', 'label').map((l, i) => l || `#${i}`);
    const loss = t.nums('swaps', 'mev_loss');
    const delay = t.nums('swaps', 'settlement_delay_us').map((d) => d / 1e6);
    if (s.length === 0) return [];
    const none = loss.every((v) => v === 0);
    // Each swap's loss is in its output token: named (runs written before token_out: generic).
    const unit = t.swapTokens()?.join(' or ') ?? 'output token';
    return [
      {
        slug: 'mev-loss-per-swap',
        title: `MEV loss per swap (${unit})${none ? ': none on any swap' : ''}`,
        marks: [Plot.barY(s.map((k, i) => ({ k, v: loss[i]! })), { x: 'k', y: 'v', fill: '#d62728' }), Plot.ruleY([0])],
        x: { type: 'band', label: 'swap', domain: s },
        // No swap lost anything: an axis from 0 to 1, not Plot's degenerate [0, 0] that drew every bar full height.
        y: { label: 'loss', ...(none ? { domain: [0, 1] } : {}) },
        ...(none ? { height: 160 } : {}),
      },
      { title: 'Time to finality per swap (s)', marks: [Plot.barY(s.map((k, i) => ({ k, v: delay[i]! })), { x: 'k', y: 'v', fill: '#1f77b4' }), Plot.ruleY([0])], x: { type: 'band', label: 'swap', domain: s }, y: { label: 'seconds' } },
    ];
  },
  (t) => {
    // A Monte Carlo sensitivity grid: one heatmap per risk figure over the first two axes.
    const g = t.get('grid');
    if (!g || g.numRows === 0) return [];
    const axes = g.schema.fields.map((f) => f.name).filter((n) => /^axis\d+_/.test(n));
    if (axes.length === 0) return [];
    const a0 = t.strs('grid', axes[0]!);
    const a1 = axes[1] ? t.strs('grid', axes[1]) : a0.map(() => '');
    // The axes as given on the command line (`agents.2.population.leverage.max`; the columns' names
    // have their dots replaced), from the grid's manifest.
    const given = t.manifestField('axes');
    const label = (n: string | undefined) => {
      if (!n) return '';
      const i = Number(/^axis(\d+)_/.exec(n)?.[1]);
      return Array.isArray(given) && typeof given[i] === 'string' ? given[i] : n.replace(/^axis\d+_/, '');
    };
    const figs: [string, string][] = [['var95', 'VaR 95% (desk loss)'], ['es95', 'ES 95%'], ['lar95', 'liquidations-at-risk 95%'], ['pFundExhausted', 'P(insurance fund exhausted)']];
    return figs.filter(([c]) => t.has('grid', c)).map(([c, title]) => {
      const v = t.nums('grid', c);
      const rows = a0.map((x, i) => ({ x, y: a1[i]!, v: v[i]! }));
      const ink = cellTextFill(v, false);
      return {
        title: `${title} by ${label(axes[0])}${axes[1] ? ` × ${label(axes[1])}` : ''}`,
        marks: [Plot.cell(rows, { x: 'x', y: 'y', fill: 'v', inset: 0.5 }), Plot.text(rows, { x: 'x', y: 'y', text: (d: { v: number }) => (c === 'pFundExhausted' ? `${(d.v * 100).toFixed(0)}%` : Math.round(d.v).toLocaleString('en-US')), fill: (d: { v: number }) => ink(d.v) })],
        x: { type: 'band', label: label(axes[0]), domain: [...new Set(a0)] },
        // Above the axis, across: a field path read down the left margin was cut off there.
        y: { type: 'band', label: label(axes[1]), labelAnchor: 'top', domain: [...new Set(a1)] },
        // No ramp legend (Plot draws it on a canvas, which a DOM in Node lacks): the cells carry their values.
        color: { scheme: 'reds' },
        height: 80 + 40 * new Set(a1).size,
      } satisfies ChartSpec;
    });
  },
  (t) => {
    // Routed parent orders: the shortfall decomposition, execution against the schedule, the venue split.
    if (!t.has('tca', 'parent', 'shortfall_bps') || !t.has('routes', 'ts_us', 'venue', 'qty_filled')) return [];
    const parents = t.strs('tca', 'parent');
    const terms = ['timing', 'spread', 'impact', 'fees', 'gas', 'mev'] as const;
    const bars = parents.flatMap((p, i) => terms.map((k) => ({ p, k, v: t.nums('tca', `${k}_bps`)[i]! })));
    const out: ChartSpec[] = [{
      title: 'Implementation shortfall by term (bps of arrival value)',
      marks: [Plot.barY(bars, { x: 'k', y: 'v', fill: 'k', fx: 'p' }), Plot.ruleY([0])],
      x: { type: 'band', label: null, domain: [...terms] },
      // One facet per routed parent order, headed by its label alone (Plot wrote the channel's name "p" over it).
      fx: { label: null },
      color: { domain: [...terms], range: ['#7f7f7f', '#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#d62728'] },
      y: { label: 'bps' },
    }];
    // Cumulative filled quantity by venue at each child's decision time (fills land within its latency or block).
    const x = t.times('routes');
    const venue = t.strs('routes', 'venue');
    const filled = t.nums('routes', 'qty_filled');
    const order = x.map((_, i) => i).sort((a, b) => x[a]!.getTime() - x[b]!.getTime());
    const cum = new Map<string, number>();
    let all = 0;
    const rows: { t: Date; v: number; k: string }[] = [];
    for (const i of order) {
      cum.set(venue[i]!, (cum.get(venue[i]!) ?? 0) + filled[i]!);
      all += filled[i]!;
      for (const [k, v] of cum) rows.push({ t: x[i]!, v, k });
      rows.push({ t: x[i]!, v: all, k: 'executed (all venues)' });
    }
    const marks: Plot.Markish[] = [Plot.lineY(rows, { x: 't', y: 'v', stroke: 'k', curve: 'step-after' })];
    if (t.has('strategy_schedule', 'ts_us', 'qty')) {
      let c = 0;
      const sched = drawnLine(t.times('strategy_schedule'), t.nums('strategy_schedule', 'qty').map((q) => (c += q)));
      marks.push(Plot.lineY(sched, { x: 't', y: 'v', stroke: '#999', strokeDasharray: '4 3', curve: 'step-after' }));
    }
    out.push({ title: 'Execution against the schedule (dashed) and by venue', marks, color: { legend: true }, y: { label: 'base units' }, height: 300 });
    return out;
  },
  (t) => {
    if (!t.has('lending', 'ts_us', 'health_factor')) return [];
    const x = t.times('lending');
    const hf = t.nums('lending', 'health_factor');
    const min = new Map<number, number>();
    const count = new Map<number, number>();
    x.forEach((d, i) => {
      min.set(d.getTime(), Math.min(min.get(d.getTime()) ?? Infinity, hf[i]!));
      count.set(d.getTime(), (count.get(d.getTime()) ?? 0) + 1);
    });
    // Only the panel's full rounds (every borrower): between them it holds just the accounts
    // liquidated in a block, whose minimum is not the market's.
    const full = Math.max(0, ...count.values());
    const rows = [...min].filter(([ms]) => count.get(ms) === full).map(([ms, v]) => ({ t: new Date(ms), v }));
    return [{ title: 'Lowest health factor', marks: [Plot.lineY(rows, { x: 't', y: 'v', stroke: '#8c564b' }), Plot.ruleY([1], { stroke: '#d62728' })], y: { label: 'health factor' } }];
  },
];

/**
 * The chain's side of a run: each oracle feed's published answers (steps) against the CEX mark it
 * follows, with the lending liquidations on it; the base fee of every block (the gas auction's floor).
 */
const CHAIN_RECIPES: Recipe[] = [
  (t) => {
    if (!t.has('oracle_rounds', 'feed', 'answer', 'published_ts_us')) return [];
    const [answer, pub] = [t.nums('oracle_rounds', 'answer'), t.nums('oracle_rounds', 'published_ts_us')];
    // A fixed feed (USDC/USD = 1, republished on its heartbeat) never moves: nothing to draw.
    const moving = rowsBy(t, 'oracle_rounds', 'feed').filter(({ rows: ix }) => ix.some((i) => answer[i] !== answer[ix[0]!]));
    const markRows = t.has('marks', 'ts_us', 'mark') ? rowsBy(t, 'marks') : [];
    const [mts, mark] = markRows.length ? [t.nums('marks', 'ts_us'), t.nums('marks', 'mark')] : [[], []];
    // The run's last sample (a loop: spreading a long column into Math.max overflows the stack).
    const end = (t.has('equity', 'ts_us') ? t.nums('equity', 'ts_us') : pub).reduce((a, b) => Math.max(a, b), -Infinity);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const out: ChartSpec[] = [];
    for (const { key: name, rows: ix } of moving) {
      ix.sort((a, b) => pub[a]! - pub[b]!);
      const steps = [...ix.map((i) => ({ t: new Date(pub[i]! / 1000), v: answer[i]! })), { t: new Date(end / 1000), v: answer[ix[ix.length - 1]!]! }];
      const marks: Plot.Markish[] = [];
      const keys: string[] = [];
      // The venue the feed follows: the one whose mark, where the feed published, is on the
      // feed's scale (an ETH feed is not drawn against a BTC perp).
      const markAt = (rows: number[], at: number) => {
        const i = lastAtOrBefore(mts, rows, at);
        return i === undefined ? NaN : mark[i]!;
      };
      const followed = markRows.find((r) => {
        const ratios = ix.map((i) => answer[i]! / markAt(r.rows, pub[i]!)).filter(Number.isFinite);
        return ratios.length > 0 && Math.abs(median(ratios) - 1) < 0.1;
      });
      if (followed) {
        const k = `mark${followed.key ? ` (${followed.key})` : ''}`;
        // Wide and light under the feed's steps: where the mark is the feed's own path (a venue
        // replaying the same rounds) a plain line lay hidden under them, its legend entry unseen.
        marks.push(Plot.lineY(followed.rows.map((i) => ({ t: new Date(mts[i]! / 1000), v: mark[i]!, k })), { x: 't', y: 'v', stroke: 'k', strokeWidth: 4, strokeOpacity: 0.45 }));
        keys.push(k);
      }
      marks.push(Plot.lineY(steps.map((p) => ({ ...p, k: `oracle ${name}` })), { x: 't', y: 'v', stroke: 'k', curve: 'step-after' }));
      keys.push(`oracle ${name}`);
      // Lending liquidations on the answer in force (only one feed moves: the collateral's).
      if (moving.length === 1 && t.has('lending_liquidations', 'ts_us')) {
        const inForce = (at: number) => {
          const i = lastAtOrBefore(pub, ix, at);
          return i === undefined ? NaN : answer[i]!;
        };
        marks.push(Plot.dot(t.nums('lending_liquidations', 'ts_us').map((at) => ({ t: new Date(at / 1000), v: inForce(at), k: 'lending liquidation' })), { x: 't', y: 'v', fill: 'k', r: 3.5 }));
        keys.push('lending liquidation');
      }
      const range = keys.map((k) => (k.startsWith('mark') ? '#1f77b4' : k.startsWith('oracle') ? '#ff7f0e' : '#d62728'));
      out.push({ title: `Oracle ${name}: published answers against the ${followed ? 'mark it follows' : 'run'}${keys.includes('lending liquidation') ? ', lending liquidations as dots' : ''}`, marks, color: { domain: keys, range, legend: true }, y: { label: 'price', zero: false }, height: 300 });
    }
    return out;
  },
  (t) => {
    if (!t.has('blocks', 'ts_us', 'base_fee')) return [];
    const x = t.times('blocks');
    return [{ title: 'Base fee per block (gwei)', marks: [Plot.lineY(drawnLine(x, t.nums('blocks', 'base_fee').map((w) => w / 1e9)), { x: 't', y: 'v', stroke: '#9467bd', curve: 'step-after' })], y: { label: 'gwei', zero: false }, height: 200 }];
  },
];

export function buildCharts(dir: string): ChartSpec[] {
  const t = new RunTables(dir);
  return [...RECIPES, ...CHAIN_RECIPES].flatMap((r) => r(t));
}
