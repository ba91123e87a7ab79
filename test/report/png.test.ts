import * as Plot from '@observablehq/plot';
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { renderChart } from '../../src/report/charts.ts';
import { chartPngTargets, crc32, isPrimesimPng, markPng, writeChartPngs } from '../../src/report/png.ts';
import { Resvg } from '@resvg/resvg-js';

const svg = renderChart({ title: 'x', marks: [Plot.lineY([1, 3, 2, 4])] }).svg;

/** Every chunk of a PNG: type, data and whether its stored CRC is the CRC of type + data (zlib's, an independent CRC-32). */
function chunks(b: Buffer): { type: string; data: Buffer; crcOk: boolean }[] {
  const out: { type: string; data: Buffer; crcOk: boolean }[] = [];
  let at = 8;
  while (at < b.length) {
    const len = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    out.push({ type, data: b.subarray(at + 8, at + 8 + len), crcOk: b.readUInt32BE(at + 8 + len) === zlibCrc32(b.subarray(at + 4, at + 8 + len)) });
    at += 12 + len;
  }
  return out;
}

describe('chart PNGs', () => {
  it('CRC-32 equals zlib\'s on any bytes (fast-check) and the check value of "123456789"', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => crc32(b) === zlibCrc32(b)), { numRuns: 300 });
  });

  it('the mark is one tEXt chunk after IHDR; every other chunk is resvg\'s, byte for byte, and every CRC holds', () => {
    const raw = Buffer.from(new Resvg(svg).render().asPng());
    const marked = markPng(raw);
    const before = chunks(raw);
    const after = chunks(marked);
    expect(after.map((c) => c.type)).toEqual([before[0]!.type, 'tEXt', ...before.slice(1).map((c) => c.type)]);
    expect(after[1]!.data.toString('latin1')).toBe('Software\0primesim report');
    expect(after.every((c) => c.crcOk)).toBe(true);
    expect(Buffer.concat(after.filter((c) => c.type !== 'tEXt').map((c) => c.data)).equals(Buffer.concat(before.map((c) => c.data)))).toBe(true);
    expect(isPrimesimPng(marked)).toBe(true);
    expect(isPrimesimPng(raw)).toBe(false);
    expect(isPrimesimPng(Buffer.from('not a png at all'))).toBe(false);
  });

  it('a report named without .html keeps its page: the charts go to <name>-<slug>.png', () => {
    const dir = mkdtempSync(join(tmpdir(), 'primesim-png-'));
    try {
      const page = join(dir, 'weekly');
      writeFileSync(page, '<title>primesim report: x</title>');
      const names = writeChartPngs(page, [{ title: 'Equity', svg }, { title: 'Underwater (%)', svg }]).map((p) => basename(p));
      expect(names).toEqual(['weekly-equity.png', 'weekly-underwater.png']);
      expect(readFileSync(page, 'utf8')).toBe('<title>primesim report: x</title>');
      expect(chartPngTargets(join(dir, 'a.HTM'), [{ title: 'Equity', svg }]).map((p) => basename(p))).toEqual(['a-equity.png']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replaces its own earlier charts, never a picture of the user\'s or a folder, and then writes none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'primesim-png-'));
    try {
      const page = join(dir, 'run.html');
      const charts = [{ title: 'Equity', svg }, { title: 'Fills', svg }];
      writeChartPngs(page, charts);
      const first = readFileSync(join(dir, 'run-equity.png'));
      writeChartPngs(page, charts);
      expect(readFileSync(join(dir, 'run-equity.png')).equals(first)).toBe(true);
      // The user's own picture (a PNG without primesim's mark) where the second chart goes.
      const mine = Buffer.from(new Resvg(svg).render().asPng());
      writeFileSync(join(dir, 'run-fills.png'), mine);
      rmSync(join(dir, 'run-equity.png'));
      expect(() => writeChartPngs(page, charts)).toThrow(/run-fills\.png exists and is not a chart primesim wrote/);
      expect(readFileSync(join(dir, 'run-fills.png')).equals(mine)).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(['run-fills.png']);
      rmSync(join(dir, 'run-fills.png'));
      mkdirSync(join(dir, 'run-fills.png'));
      expect(() => chartPngTargets(page, charts)).toThrow(/run-fills\.png exists/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
