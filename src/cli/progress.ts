import { SingleBar } from 'cli-progress';

/**
 * A progress bar on stderr when it is a terminal; silent otherwise (CI logs, pipes).
 * Shows processed/total, simulated time and throughput.
 */
export class Progress {
  private bar: SingleBar | undefined;
  private readonly t0 = performance.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit = 'events',
  ) {
    if (process.stderr.isTTY && !process.env.PRIMESIM_NO_PROGRESS) {
      this.bar = new SingleBar({
        format:
          unit === 'time'
            ? `${label} [{bar}] {percentage}% of simulated time | {events} events | {simtime} | {rate} events/s | ETA {eta}s`
            : `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {simtime} | {rate}/s | ETA {eta}s`,
        stream: process.stderr,
        hideCursor: true,
        barsize: 28,
      });
      this.bar.start(unit === 'time' ? 1000 : Math.max(1, total), 0, { simtime: '', rate: '0', events: '0' });
    }
  }

  update(done: number, simTimeUs?: number): void {
    if (!this.bar) return;
    const secs = (performance.now() - this.t0) / 1000;
    const rate = secs > 0 ? Math.round(done / secs).toLocaleString('en-US') : '0';
    const simtime = simTimeUs !== undefined && Number.isFinite(simTimeUs) && simTimeUs > 0 ? new Date(simTimeUs / 1000).toISOString().replace('T', ' ').slice(0, 23) : '';
    this.bar.update(Math.min(done, this.total), { simtime, rate });
  }

  /** Progress as the share of simulated time done (runs whose event count is not known up front). */
  updateTime(events: number, nowUs: number, startUs: number, endUs: number): void {
    if (!this.bar) return;
    const secs = (performance.now() - this.t0) / 1000;
    const frac = endUs > startUs ? Math.min(1, Math.max(0, (nowUs - startUs) / (endUs - startUs))) : 0;
    const simtime = Number.isFinite(nowUs) && nowUs > 0 ? new Date(nowUs / 1000).toISOString().replace('T', ' ').slice(0, 23) : '';
    this.bar.update(Math.round(frac * 1000), { simtime, rate: secs > 0 ? Math.round(events / secs).toLocaleString('en-US') : '0', events: events.toLocaleString('en-US') });
  }

  stop(): void {
    this.bar?.stop();
  }
}
