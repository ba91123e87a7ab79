import { SingleBar } from 'cli-progress';

/**
 * A progress bar on stderr when it is a terminal. Otherwise (a log file, a pipe) a plain line at
 * most every 30 s, so a long job written to a log still says how far it is; nothing for work
 * shorter than that. PRIMESIM_NO_PROGRESS silences both (tests, CI).
 * Shows processed/total, simulated time and throughput.
 */
export class Progress {
  private bar: SingleBar | undefined;
  private readonly t0 = performance.now();
  /** Plain lines instead of a bar (stderr is not a terminal); when the last one was written. */
  private readonly lines = !process.stderr.isTTY && !process.env.PRIMESIM_NO_PROGRESS;
  private lastLine = performance.now();

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
    if (this.lines) this.line(() => `${this.label}: ${done.toLocaleString('en-US')}${this.total > 0 ? ` of ${this.total.toLocaleString('en-US')}` : ''} ${this.unit}`, this.total > 0 ? done / this.total : NaN);
    if (!this.bar) return;
    const secs = (performance.now() - this.t0) / 1000;
    const rate = secs > 0 ? Math.round(done / secs).toLocaleString('en-US') : '0';
    const simtime = simTimeUs !== undefined && Number.isFinite(simTimeUs) && simTimeUs > 0 ? new Date(simTimeUs / 1000).toISOString().replace('T', ' ').slice(0, 23) : '';
    this.bar.update(Math.min(done, this.total), { simtime, rate });
  }

  /** Progress as the share of simulated time done (runs whose event count is not known up front). */
  updateTime(events: number, nowUs: number, startUs: number, endUs: number): void {
    const frac = endUs > startUs ? Math.min(1, Math.max(0, (nowUs - startUs) / (endUs - startUs))) : 0;
    if (this.lines) this.line(() => `${this.label}: ${events.toLocaleString('en-US')} events, ${Math.round(frac * 100)}% of simulated time`, frac);
    if (!this.bar) return;
    const secs = (performance.now() - this.t0) / 1000;
    const simtime = Number.isFinite(nowUs) && nowUs > 0 ? new Date(nowUs / 1000).toISOString().replace('T', ' ').slice(0, 23) : '';
    this.bar.update(Math.round(frac * 1000), { simtime, rate: secs > 0 ? Math.round(events / secs).toLocaleString('en-US') : '0', events: events.toLocaleString('en-US') });
  }

  private line(what: () => string, frac: number): void {
    const now = performance.now();
    if (now - this.lastLine < 30_000) return;
    this.lastLine = now;
    const secs = (now - this.t0) / 1000;
    const eta = frac > 0 && frac <= 1 ? Math.round((secs * (1 - frac)) / frac) : NaN;
    const mmss = (x: number) => `${Math.floor(x / 60)}m${String(Math.round(x % 60)).padStart(2, '0')}s`;
    process.stderr.write(`${what()} after ${mmss(secs)}${Number.isFinite(eta) ? `, about ${mmss(eta)} left` : ''}\n`);
  }

  stop(): void {
    this.bar?.stop();
  }
}
