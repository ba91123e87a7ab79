import { readArrow } from '../results/arrow-io.ts';
import { esc } from './html.ts';


/**
 * A per-side/liquidity summary of fills built with a danfo.js DataFrame groupby, rendered as an
 * HTML table. danfojs-node is loaded lazily: it pulls in TensorFlow.js, which is slow to import.
 */
export async function fillsSummary(fillsArrow: string): Promise<string> {
  const t = readArrow(fillsArrow);
  if (t.numRows === 0) return '<p>No fills.</p>';
  const need = ['side', 'liquidity', 'qty', 'fee', 'price'];
  if (need.some((c) => t.getChild(c) === null)) return '';
  const dfd = await import('danfojs-node');
  const get = (n: string) => Array.from(t.getChild(n)!.toArray() as ArrayLike<number | bigint>, Number);
  const strs = (n: string) => Array.from({ length: t.numRows }, (_, i) => String(t.getChild(n)!.get(i)));
  const df = new dfd.DataFrame({ side: strs('side'), liquidity: strs('liquidity'), qty: get('qty'), fee: get('fee'), price: get('price') });
  const g = df.groupby(['side', 'liquidity']).agg({ qty: ['count', 'sum'], fee: 'sum', price: 'mean' });
  const sorted = g.sortValues('side') as typeof g;
  const cols = sorted.columns as string[];
  const rows = sorted.values as unknown as unknown[][];
  const head = cols.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((v) => `<td>${esc(typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 6 }) : String(v))}</td>`).join('')}</tr>`).join('');
  return `<table><tr>${head}</tr>${body}</table>`;
}
