/**
 * How `primesim query` should reach Arrow results without DuckDB's arrow extension (DESIGN §7):
 * (1) load the Arrow table through the appender for every query, or (2) write a Parquet copy
 * once when the run is finalised and let DuckDB scan it. Measured on a 10-million-row fills-like
 * table (BENCH_QUERY_ROWS to change). Result on the dev machine is quoted in src/results/run-store.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArrow, writeArrow } from '../src/results/arrow-io.ts';
import { loadArrowTable, openDuck } from '../src/results/duck.ts';

type BenchResult = { name: string; events: number; seconds: number; unit?: string; note?: string };

export async function run(): Promise<BenchResult[]> {
  const n = Number(process.env.BENCH_QUERY_ROWS ?? 10_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'primesim-qbench-'));
  try {
    const ts = new Float64Array(n);
    const px = new Float64Array(n);
    const qty = new Float64Array(n);
    const fee = new BigInt64Array(n);
    const side: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      ts[i] = 1.7e15 + i * 1000;
      px[i] = 60000 + (i % 1000) / 10;
      qty[i] = 0.001 * (1 + (i % 50));
      fee[i] = BigInt(i % 9999);
      side[i] = i % 2 ? 'buy' : 'sell';
    }
    const file = join(dir, 'fills.arrow');
    writeArrow(file, { ts_us: ts, price: px, qty, fee_minor: fee, side });
    const sql = "select side, count(*), sum(qty), avg(price) from fills group by side";
    const { instance, conn } = await openDuck();
    let t0 = performance.now();
    await loadArrowTable(conn, 'fills', readArrow(file), 'run');
    await conn.runAndReadAll(sql);
    const appenderSecs = (performance.now() - t0) / 1000;
    const pq = join(dir, 'fills.parquet');
    t0 = performance.now();
    await conn.run(`COPY fills TO '${pq}' (FORMAT parquet)`);
    const copySecs = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await conn.runAndReadAll(sql.replace('from fills', `from read_parquet('${pq}')`));
    const parquetSecs = (performance.now() - t0) / 1000;
    conn.closeSync();
    instance.closeSync();
    return [
      { name: 'query via appender load of Arrow (per query)', events: n, seconds: appenderSecs, unit: 'rows' },
      { name: 'one-off Parquet copy at finalise', events: n, seconds: copySecs, unit: 'rows' },
      { name: 'query over the Parquet copy', events: n, seconds: parquetSecs, unit: 'rows', note: `${(appenderSecs / parquetSecs).toFixed(0)}× faster than appender per query` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
