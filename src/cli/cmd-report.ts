import type { Command } from 'commander';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Write a self-contained HTML report (inline SVG charts, metrics, fills summary) for a run, a comparison page for a folder of runs (a sweep), or the risk report of a Monte Carlo folder (runs/mc/<name>).')
    .argument('<run>', 'run folder, a folder of runs to compare, or a Monte Carlo folder')
    .option('-o, --out <file>', 'output HTML file, or a folder to write it in under its default name (default reports/<run folder name>.html; a comparison: reports/compare-<folder>-<n>-runs.html; a Monte Carlo folder: reports/mc-<name>.html); only an earlier primesim report is replaced')
    .option('--png', 'also write a PNG of every chart next to the HTML')
    .action(async (run: string, o: { out?: string; png?: boolean }) => {
      const mc = await import('../report/mc-report.ts');
      if (mc.isMcFolder(run)) {
        const r = await mc.writeMcReport(run, { ...(o.out ? { out: o.out } : {}), png: o.png ?? false });
        process.stdout.write(`report: ${r.html}\n${r.pngs.map((p) => `png: ${p}\n`).join('')}`);
        return;
      }
      const { findRuns } = await import('../results/run-store.ts');
      const { writeReport } = await import('../report/report.ts');
      const { writeComparison } = await import('../report/compare.ts');
      const runs = findRuns([run]);
      if (runs.length > 1) {
        const c = writeComparison(runs, { ...(o.out ? { out: o.out } : {}), png: o.png ?? false });
        process.stdout.write(`report: ${c.html} (${runs.length} run${runs.length === 1 ? '' : 's'})\n${c.pngs.map((p) => `png: ${p}\n`).join('')}`);
        return;
      }
      const r = await writeReport(run, { ...(o.out ? { out: o.out } : {}), png: o.png ?? false });
      process.stdout.write(`report: ${r.html}\n${r.pngs.map((p) => `png: ${p}\n`).join('')}`);
    });
}
