import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/backtest/run.ts';
import { readArrow, writeArrow } from '../../src/results/arrow-io.ts';
import { openDuck } from '../../src/results/duck.ts';
import { PostedTable, SpoolSeq, TableSpool, tableChunks, writeArrowChunks } from '../../src/results/spool.ts';
import { SpillThread } from '../../src/results/spill-thread.ts';
import { writeParquetFile } from '../../src/results/parquet.ts';
import { writeTinyDataset } from '../helpers/tiny-dataset.ts';

let root: string;
let data: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'primesim-spool-'));
  data = join(root, 'tiny');
  writeTinyDataset(data, 3, 20_000);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cols = (from: number, n: number) => ({
  ts: Float64Array.from({ length: n }, (_, i) => 1.7e15 + from + i),
  id: Int32Array.from({ length: n }, (_, i) => from + i),
  big: BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i) * 10n ** 15n),
  flag: Uint8Array.from({ length: n }, (_, i) => (from + i) % 2),
  side: Array.from({ length: n }, (_, i) => ((from + i) % 3 === 0 ? 'buy' : 'sell')),
});

describe('TableSpool', () => {
  it('spills full chunks to disk and reads every row back in order; the Arrow file is the same rows', () => {
    const dir = mkdtempSync(join(root, 'sp-'));
    const a = new TableSpool('t', dir, 5);
    const b = new TableSpool('u', dir, 5);
    a.append(cols(0, 3));
    expect(readdirSync(dir)).toEqual([]);
    a.append(cols(3, 4)); // 7 ≥ 5: spilled
    a.append(cols(7, 2));
    b.append(cols(100, 6));
    expect(readdirSync(dir).sort()).toEqual(['t.0.arrow', 'u.0.arrow']);
    const seq = new SpoolSeq([a, b]);
    // Spilled chunks come back as Arrow tables, the pending one as the columns appended.
    const rows = [...tableChunks(seq)].map((c) => (c instanceof Table ? Object.fromEntries(c.schema.fields.map((f) => [f.name, Array.from(c.getChild(f.name)!)])) : Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Array.from(v as ArrayLike<unknown>)]))));
    expect(rows.map((c) => c.id!.length)).toEqual([7, 2, 6]);
    const ids = rows.flatMap((c) => c.id as number[]);
    expect(ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 100, 101, 102, 103, 104, 105]);
    expect(rows.flatMap((c) => c.side as string[])).toEqual(ids.map((i) => (i % 3 === 0 ? 'buy' : 'sell')));
    expect(rows.flatMap((c) => c.big as bigint[])).toEqual(ids.map((i) => BigInt(i) * 10n ** 15n));
    const f = join(dir, 'out.arrow');
    const w = writeArrowChunks(f, tableChunks(seq));
    const t = readArrow(f);
    expect(w.rows).toBe(15);
    expect(t.batches.length).toBe(3);
    expect(Array.from(t.getChild('id')!.toArray() as Int32Array)).toEqual(ids);
    expect(Array.from(t.getChild('big')!.toArray() as BigInt64Array)).toEqual(ids.map((i) => BigInt(i) * 10n ** 15n));
    seq.dispose();
    expect(readdirSync(dir)).toEqual(['out.arrow']);
  });

  it('one chunk gives the same bytes as writeArrow; an empty spool gives its empty columns', () => {
    const dir = mkdtempSync(join(root, 'sp-'));
    const c = cols(0, 10);
    writeArrow(join(dir, 'a.arrow'), c);
    writeArrowChunks(join(dir, 'b.arrow'), [c]);
    expect(readFileSync(join(dir, 'a.arrow')).equals(readFileSync(join(dir, 'b.arrow')))).toBe(true);
    const e = new TableSpool('e', dir, 5);
    e.append(cols(0, 0));
    writeArrowChunks(join(dir, 'e.arrow'), tableChunks(e));
    const t = readArrow(join(dir, 'e.arrow'));
    expect(t.numRows).toBe(0);
    expect(t.schema.fields.map((x) => x.name)).toEqual(['ts', 'id', 'big', 'flag', 'side']);
  });
});

describe('a run that spills its long tables', () => {
  const mm = { strategy: 'strategies/market-maker.ts', params: { spreadBps: '0.01', sizeLots: '5', requoteTicks: '1' }, queue: 'power:3', data: '', seed: 7 };

  it('writes the same rows, Parquet copies and metrics as one held in memory, and leaves no spill folder', async () => {
    const whole = await runBacktest({ ...mm, data, runsDir: join(root, 'whole') }, { spillRows: 1_000_000 });
    // A spill folder of the same run id left by a process that died is removed; a live one's is kept.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    mkdirSync(join(root, 'spilled', `.sp.tmp-${dead}.spill`), { recursive: true });
    mkdirSync(join(root, 'spilled', `.sp.tmp-${process.ppid}.spill`), { recursive: true });
    const spilled = await runBacktest({ ...mm, data, runsDir: join(root, 'spilled'), runId: 'sp' }, { spillRows: 16 });
    expect(existsSync(join(root, 'spilled', `.sp.tmp-${dead}.spill`))).toBe(false);
    expect(existsSync(join(root, 'spilled', `.sp.tmp-${process.ppid}.spill`))).toBe(true);
    rmSync(join(root, 'spilled', `.sp.tmp-${process.ppid}.spill`), { recursive: true });
    expect(whole.manifest.counts.fills).toBeGreaterThan(100);
    expect(spilled.manifest.counts).toEqual(whole.manifest.counts);
    expect(spilled.metrics).toEqual(whole.metrics);
    const { instance, conn } = await openDuck();
    try {
      for (const f of whole.manifest.files) {
        const a = readArrow(join(whole.dir, f.file));
        const b = readArrow(join(spilled.dir, f.file));
        expect(b.numRows, f.table).toBe(a.numRows);
        expect(b.schema.fields.map((x) => `${x.name}:${x.type}`), f.table).toEqual(a.schema.fields.map((x) => `${x.name}:${x.type}`));
        for (const fld of a.schema.fields) expect(Array.from(b.getChild(fld.name)!), `${f.table}.${fld.name}`).toEqual(Array.from(a.getChild(fld.name)!));
        // Long tables come in several record batches (chunks written during the run).
        if (['orders', 'fills', 'equity', 'ledger'].includes(f.table)) expect(b.batches.length, f.table).toBeGreaterThan(2);
        const q = async (dir: string) => (await conn.runAndReadAll(`SELECT * EXCLUDE (run_id) FROM '${join(dir, `${f.table}.parquet`)}'`)).getRows().map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
        expect(await q(spilled.dir), `${f.table}.parquet`).toEqual(await q(whole.dir));
      }
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    expect(readdirSync(join(root, 'spilled')).filter((x) => x.startsWith('.'))).toEqual([]);
    expect(existsSync(join(spilled.dir, 'manifest.json'))).toBe(true);
  });

  it('gives the same bytes (Arrow files and Parquet copies) when a second thread writes the spilled chunks', async () => {
    const opts = { ...mm, data };
    const inline = await runBacktest({ ...opts, runsDir: join(root, 'inline'), runId: 'x' }, { spillRows: 64, spillThread: false });
    const threaded = await runBacktest({ ...opts, runsDir: join(root, 'threaded'), runId: 'x' }, { spillRows: 64, spillThread: true });
    const sums = (m: typeof inline.manifest) => {
      const mf = m as unknown as { files: { file: string; sha256: string }[]; copies: { file: string; sha256: string }[] };
      return [...mf.files, ...mf.copies].map((f) => `${f.file} ${f.sha256}`);
    };
    expect(inline.manifest.counts.fills).toBeGreaterThan(5 * 64);
    // Every long table spilled several chunks; the copies the thread made are byte for byte the inline ones.
    expect(sums(threaded.manifest)).toEqual(sums(inline.manifest));
    for (const f of ['orders.parquet', 'fills.parquet', 'ledger.parquet', 'equity.parquet', 'orders.arrow']) {
      expect(readFileSync(join(threaded.dir, f)).equals(readFileSync(join(inline.dir, f))), f).toBe(true);
    }
    expect(readdirSync(join(root, 'threaded')).filter((x) => x.startsWith('.'))).toEqual([]);
  });

  it('gives the same bytes when the spilled chunks stay in memory (a Monte Carlo path), and writes no chunk file', async () => {
    const opts = { ...mm, data };
    const files = await runBacktest({ ...opts, runsDir: join(root, 'to-files'), runId: 'x' }, { spillRows: 64, spillThread: false });
    // The spill folder is removed at the end: look into it while the run goes, at its first progress report.
    let seen: string[] | undefined;
    const kept = await runBacktest(
      { ...opts, runsDir: join(root, 'in-memory'), runId: 'x' },
      {
        spillRows: 64, spillThread: false, spillInMemory: true,
        onProgress: () => {
          const spill = readdirSync(join(root, 'in-memory')).find((x) => x.endsWith('.spill'));
          if (spill !== undefined) seen = [...(seen ?? []), ...readdirSync(join(root, 'in-memory', spill))];
        },
      },
    );
    const sums = (m: typeof files.manifest) => {
      const mf = m as unknown as { files: { file: string; sha256: string }[]; copies: { file: string; sha256: string }[] };
      return [...mf.files, ...mf.copies].map((f) => `${f.file} ${f.sha256}`);
    };
    expect(files.manifest.counts.fills).toBeGreaterThan(5 * 64);
    expect(sums(kept.manifest)).toEqual(sums(files.manifest));
    expect(seen).toBeDefined();
    expect(seen).toEqual([]);
  });

  it('with a thread, a table of several spools (one per venue) is read back from chunk files, a whole-table spool comes back written: the same bytes', async () => {
    const write = async (useThread: boolean) => {
      const dir = mkdtempSync(join(root, 'th-'));
      const t = useThread ? new SpillThread(dir) : undefined;
      const parts = [new TableSpool('orders:a', dir, 5, { thread: t }), new TableSpool('orders:b', dir, 5, { thread: t })];
      const solo = new TableSpool('ledger', dir, 5, { thread: t, runId: t ? 'run-1' : undefined });
      for (let k = 0; k < 4; k++) {
        parts[0]!.append(cols(10 * k, 6));
        parts[1]!.append(cols(1000 + 10 * k, 3));
        solo.append(cols(500 + 10 * k, 7));
      }
      const seq = new SpoolSeq(parts);
      await seq.settled();
      await solo.settled();
      expect(await seq.written('run-1')).toBeUndefined();
      const out = { seqArrow: join(dir, 'seq.arrow'), seqParquet: join(dir, 'seq.parquet'), soloArrow: join(dir, 'solo.arrow'), soloParquet: join(dir, 'solo.parquet') };
      writeArrowChunks(out.seqArrow, tableChunks(seq));
      writeParquetFile(out.seqParquet, tableChunks(seq), 'run-1');
      const made = await solo.written('run-1');
      expect(made !== undefined).toBe(useThread);
      if (made) {
        // Its rows live in the files the thread wrote, not in chunk files.
        expect(() => [...tableChunks(solo)]).toThrow(/spill thread/);
        renameSync(made.arrow.file, out.soloArrow);
        renameSync(made.parquet, out.soloParquet);
        expect(made.arrow.rows).toBe(28);
      } else {
        writeArrowChunks(out.soloArrow, tableChunks(solo));
        writeParquetFile(out.soloParquet, tableChunks(solo), 'run-1');
      }
      await t?.close();
      return Object.fromEntries(Object.entries(out).map(([k, f]) => [k, readFileSync(f)]));
    };
    const inline = await write(false);
    const threaded = await write(true);
    for (const k of Object.keys(inline)) expect(threaded[k]!.equals(inline[k]!), k).toBe(true);
  });

  it('a whole table posted to the thread (PostedTable) is written as the run folder writes it in line; a spool finished early takes no more rows', async () => {
    const dir = mkdtempSync(join(root, 'posted-'));
    const t = new SpillThread(dir);
    const table = cols(0, 300);
    const posted = new PostedTable(table, t, dir, 'trades', 'run-1');
    // Its chunk is its columns (and it still reads them: they were copied to the thread, not moved).
    expect([...tableChunks(posted)]).toEqual([table]);
    expect(table.ts.length).toBe(300);
    const solo = new TableSpool('ledger', dir, 5, { thread: t, runId: 'run-1' });
    for (let k = 0; k < 3; k++) solo.append(cols(10 * k, 7));
    solo.finish();
    expect(() => solo.append(cols(99, 1))).toThrow(/after its files were finished/);
    const made = await posted.written('run-1');
    const ledger = await solo.written('run-1');
    expect(made!.arrow.rows).toBe(300);
    expect(ledger!.arrow.rows).toBe(21);
    writeArrowChunks(join(dir, 'inline.arrow'), [table]);
    writeParquetFile(join(dir, 'inline.parquet'), [table], 'run-1');
    expect(readFileSync(made!.arrow.file).equals(readFileSync(join(dir, 'inline.arrow')))).toBe(true);
    expect(readFileSync(made!.parquet).equals(readFileSync(join(dir, 'inline.parquet')))).toBe(true);
    await expect(posted.written('run-2')).rejects.toThrow(/posted for run run-1/);
    posted.dispose();
    expect(existsSync(made!.arrow.file)).toBe(false);
    await t.close();
  });

  it('a spill thread that cannot write fails the run with its error, never silently', async () => {
    const t = new SpillThread(join(root, 'no-such-folder'));
    t.chunk('t', 0, [cols(0, 10)], undefined);
    await expect(t.settled()).rejects.toThrow(/writing spilled results failed: .*ENOENT/);
    expect(() => t.chunk('t', 1, [cols(10, 10)], undefined)).toThrow(/ENOENT/);
    await t.close();
  });
});
