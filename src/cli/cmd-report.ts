import type { Command } from 'commander';
import { writeReport } from '../report/report.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Write a self-contained HTML report (inline SVG charts, metrics, fills summary) for a run.')
    .argument('<run>', 'run folder')
    .option('-o, --out <file>', 'output HTML file (default reports/<run-id>.html)')
    .option('--png', 'also write a PNG of every chart next to the HTML')
    .action(async (run: string, o: { out?: string; png?: boolean }) => {
      const r = await writeReport(run, { ...(o.out ? { out: o.out } : {}), png: o.png ?? false });
      process.stdout.write(`report: ${r.html}\n${r.pngs.map((p) => `png: ${p}\n`).join('')}`);
    });
}
