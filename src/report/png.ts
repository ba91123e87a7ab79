import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { ConfigError } from '../errors.ts';
import { writeFileWhole } from '../results/safe-output.ts';
import { chartSlug } from './charts.ts';

type DrawnChart = { title: string; slug?: string; svg: string };

/** The PNG text chunk every chart primesim writes carries: how an earlier chart is told from a user's picture. */
const MARK_KEY = 'Software';
const MARK_VALUE = 'primesim report';

/**
 * The PNG file of each chart beside the report `html`: `<report>-<slug>.png`, where `<report>` is
 * the report's path less a `.html`/`.htm` extension (a report named `out` gives `out-<slug>.png`,
 * never `out` itself: the charts replaced the page they belong to). The slug is the chart's own
 * `slug` where its title carries figures of the run ("Inventory: time-weighted mean per 2.5 h
 * (2,670 changes)" → `inventory`), so a script or a document that embeds a chart finds it under
 * the same name after a rerun; a name met twice in one report gets `-2`, `-3` … rather than
 * overwriting the first. Throws, before anything is written, when one of them is a file primesim
 * did not write (or a folder): a report replaces only its own earlier charts.
 */
export function chartPngTargets(html: string, charts: readonly DrawnChart[]): string[] {
  const stem = html.replace(/\.html?$/i, '');
  const seen = new Map<string, number>();
  const out: string[] = [];
  for (const c of charts) {
    const base = c.slug ?? chartSlug(c.title);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const png = `${stem}-${n === 1 ? base : `${base}-${n}`}.png`;
    if (existsSync(png) && (statSync(png).isDirectory() || !isPrimesimPng(head(png)))) {
      throw new ConfigError(`${png} exists and is not a chart primesim wrote; refusing to replace it`, { field: '--out', hint: 'move it, or give the report another name (its charts are named after it)' });
    }
    out.push(png);
  }
  return out;
}

/**
 * Write each chart as a PNG at its name from `chartPngTargets` (checked there), each whole (a
 * temporary name, then a rename), marked as primesim's.
 */
export function writeChartPngs(html: string, charts: readonly DrawnChart[], targets = chartPngTargets(html, charts)): string[] {
  charts.forEach((c, i) => {
    writeFileWhole(targets[i]!, markPng(new Resvg(c.svg, { background: 'white', font: { loadSystemFonts: true } }).render().asPng()));
  });
  return targets;
}

/** A file's first 64 KiB: a PNG's text chunks before its image data (a big picture is not read whole). */
function head(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(65_536);
    return b.subarray(0, readSync(fd, b, 0, b.length, 0));
  } finally {
    closeSync(fd);
  }
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** `png` with a tEXt chunk `Software: primesim report` after its IHDR (PNG 1.2 §11.3.4.3: text chunks may go anywhere between IHDR and IEND). */
export function markPng(png: Uint8Array): Buffer {
  const b = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!b.subarray(0, 8).equals(SIGNATURE) || b.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG');
  const ihdrEnd = 8 + 12 + b.readUInt32BE(8);
  const data = Buffer.from(`${MARK_KEY}\0${MARK_VALUE}`, 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return Buffer.concat([b.subarray(0, ihdrEnd), chunk, b.subarray(ihdrEnd)]);
}

/** Whether a PNG carries primesim's text chunk (looked for among the chunks before the image data). */
export function isPrimesimPng(b: Buffer): boolean {
  if (b.length < 8 || !b.subarray(0, 8).equals(SIGNATURE)) return false;
  let at = 8;
  while (at + 12 <= b.length) {
    const len = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT' || type === 'IEND') return false;
    if (type === 'tEXt' && b.toString('latin1', at + 8, at + 8 + len) === `${MARK_KEY}\0${MARK_VALUE}`) return true;
    at += 12 + len;
  }
  return false;
}

/** CRC-32 (ISO 3309, the one PNG chunks carry), table-driven. */
let CRC_TABLE: Uint32Array | undefined;
export function crc32(bytes: Uint8Array): number {
  let t = CRC_TABLE;
  if (t === undefined) {
    t = CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
