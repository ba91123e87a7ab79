import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { DataError } from '../../errors.ts';

/** Byte counter shared with the caller so a progress bar can follow a read (compressed bytes for .gz). */
export interface ReadStats {
  bytesRead: number;
  totalBytes: number;
}

export interface LineBatch {
  lines: string[];
  /** 1-based line number of `lines[0]`. */
  firstLineNumber: number;
}

/** True when the file starts with the gzip magic bytes (the extension is not trusted). */
export function isGzipFile(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** The decoded text stream; for gzip, compressed bytes are counted on the raw stream (plain files count in the loop). */
function openText(file: string, stats?: ReadStats): { stream: Readable; gzip: boolean } {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (stats) stats.totalBytes = statSync(file).size;
  if (!isGzipFile(file)) return { stream: raw, gzip: false };
  if (stats) {
    raw.on('data', (d) => {
      stats.bytesRead += d.length;
    });
  }
  const gunzip = createGunzip({ chunkSize: 1 << 18 });
  raw.on('error', (e) => gunzip.destroy(e));
  return { stream: raw.pipe(gunzip), gzip: true };
}

/**
 * Lines of a plain or gzip file, a chunk's worth at a time. Splitting on raw bytes and yielding
 * batches keeps the per-line cost to one `toString` (no readline, no per-line promise). A final
 * line without a newline is yielded; a trailing empty line is not; `\r\n` endings are accepted.
 * Breaking out of the loop closes the file.
 */
export async function* lineBatches(file: string, stats?: ReadStats): AsyncGenerator<LineBatch> {
  const { stream, gzip } = openText(file, stats);
  const countPlain = stats !== undefined && !gzip;
  let carry: Buffer | null = null;
  let lineNo = 1;
  try {
    for await (const chunk of readNamed(stream, file, gzip, () => lineNo)) {
      if (countPlain) stats.bytesRead += chunk.length;
      const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      const lines: string[] = [];
      let start = 0;
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
        lines.push(buf.toString('utf8', start, end));
        start = nl + 1;
      }
      carry = start < buf.length ? buf.subarray(start) : null;
      if (lines.length) {
        yield { lines, firstLineNumber: lineNo };
        lineNo += lines.length;
      }
    }
    if (carry && carry.length) {
      let end = carry.length;
      if (carry[end - 1] === 13) end--;
      yield { lines: [carry.toString('utf8', 0, end)], firstLineNumber: lineNo };
    }
  } finally {
    stream.destroy();
  }
}

/**
 * The stream's chunks, with any I/O or gzip error turned into a DataError that names the file
 * and the last line read (zlib's own message, "unexpected end of file", names nothing).
 */
async function* readNamed(stream: Readable, file: string, gzip: boolean, line: () => number): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const what =
      err.code === 'Z_BUF_ERROR' || /unexpected end of file/.test(err.message)
        ? 'the gzip file is truncated (unexpected end of file)'
        : gzip && /^Z_|incorrect header|invalid/.test(`${err.code ?? ''} ${err.message}`)
          ? `the gzip data is corrupt (${err.message})`
          : err.code === 'EISDIR'
            ? 'is a folder, not a file'
            : err.code === 'ENOENT'
              ? 'does not exist'
              : err.code === 'EACCES'
                ? 'cannot be read (permission denied)'
                : `read failed: ${err.message}`;
    throw new DataError(`${what} after line ${line() - 1}`, { file, line: line() });
  }
}

/** One line at a time: `(line, lineNumber)`, 1-based. Convenient; `lineBatches` is faster. */
export async function* readLines(file: string, stats?: ReadStats): AsyncGenerator<{ line: string; lineNumber: number }> {
  for await (const b of lineBatches(file, stats)) {
    for (let i = 0; i < b.lines.length; i++) yield { line: b.lines[i]!, lineNumber: b.firstLineNumber + i };
  }
}

/** The first `n` lines (fewer if the file is shorter); reads only as much as needed. */
export async function headLines(file: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for await (const b of lineBatches(file)) {
    for (const l of b.lines) {
      out.push(l);
      if (out.length >= n) return out;
    }
  }
  return out;
}
