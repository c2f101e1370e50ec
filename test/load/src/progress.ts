import { LatencyStats, LoadRecorder, MinuteRow, Progress } from './stats';

/** CPU time (user + system) this process has used, ms. */
export function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Closes the recorder's interval about once a second (the live line) and adds it to the current
 * minute (the per-minute table), with the generator's own CPU over each.
 */
export class ProgressClock {
  readonly minutes: MinuteRow[] = [];
  private readonly minute = new LatencyStats();
  private minuteFrom = 0;
  private minuteCpu: number;
  private lastCpu: number;

  constructor(
    private readonly recorder: LoadRecorder,
    private readonly cpuMs: () => number = processCpuMs,
    private readonly minuteSeconds = 60,
  ) {
    this.minuteCpu = this.lastCpu = cpuMs();
  }

  tick(inFlight: number): Progress {
    const interval = this.recorder.takeInterval(this.minute);
    const seconds = this.recorder.elapsedSeconds();
    const cpu = this.cpuMs();
    const cpuPercent = interval.seconds > 0 ? ((cpu - this.lastCpu) / (interval.seconds * 1000)) * 100 : 0;
    this.lastCpu = cpu;
    // Ticks land a few ms after each whole second: round, or a minute would sometimes last 61 ticks.
    if (Math.round(seconds - this.minuteFrom) >= this.minuteSeconds) this.closeMinute(seconds, cpu);
    const total = this.recorder.summaryCounts();
    return { interval, total: { seconds, ...total, requestsPerSecond: seconds > 0 ? total.requests / seconds : 0 }, inFlight, cpuPercent };
  }

  /** At the end of the run: the requests since the last tick, and the last (partial) minute. */
  finish(): MinuteRow[] {
    this.recorder.takeInterval(this.minute);
    const seconds = this.recorder.elapsedSeconds();
    if (this.minute.requests > 0 || seconds - this.minuteFrom >= 1) this.closeMinute(seconds, this.cpuMs());
    return this.minutes;
  }

  private closeMinute(seconds: number, cpu: number): void {
    this.minutes.push({ from: this.minuteFrom, cpuMs: cpu - this.minuteCpu, ...this.minute.interval(seconds - this.minuteFrom) });
    this.minute.reset();
    this.minuteFrom = seconds;
    this.minuteCpu = cpu;
  }
}
