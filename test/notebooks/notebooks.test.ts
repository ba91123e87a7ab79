import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRuns } from '../../src/results/query.ts';
import { ROOT } from '../helpers/cli.ts';

const out = mkdtempSync(join(tmpdir(), 'primesim-nb-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const c = spawn(process.execPath, ['--import', 'tsx', join(ROOT, file), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    c.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    c.on('error', rej);
    c.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
  });
}

describe('notebooks run end to end', () => {
  it('mm-spread-sweep: 8 runs, one DuckDB query across them, a chart', async () => {
    const r = await run('notebooks/mm-spread-sweep.ts', ['--out', out, '--events', '150000']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/risk-averse/);
    expect(existsSync(join(out, 'mm-spread-sweep.html'))).toBe(true);
    expect(readFileSync(join(out, 'mm-spread-sweep.html'), 'utf8')).toMatch(/<svg/);
    // the runs table agrees with the per-run manifests
    const q = await queryRuns([join(out, 'runs')], 'select count(*), sum(fills) from runs');
    expect(Number(q.rows[0]![0])).toBe(8);
    // wider quotes trade less under the same queue model
    const f = await queryRuns([join(out, 'runs')], "select run_id, fills from runs where run_id like 'mm-risk-averse-%' order by run_id");
    const byS = Object.fromEntries(f.rows.map((x) => [String(x[0]), Number(x[1])]));
    expect(byS['mm-risk-averse-s1']!).toBeGreaterThan(byS['mm-risk-averse-s8']!);
  });
});
