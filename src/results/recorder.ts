/** One result file of a run (the tables themselves are written by `src/world/recorder.ts`). */

export interface ResultFile {
  table: string;
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}
