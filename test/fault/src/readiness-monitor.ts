/** One service's /health/ready answers over time. */
interface Sample {
  at: number;
  ready: boolean;
}

/**
 * Polls every service's /health/ready while the faults happen, so each fault can report how long a
 * service was unready and when it was ready again.
 */
export class ReadinessMonitor {
  private readonly samples = new Map<string, Sample[]>();
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly urls: () => Map<string, string>,
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await Promise.all(
        [...this.urls()].map(async ([name, url]) => {
          const ready = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then(
            (r) => r.status === 200,
            () => false,
          );
          const list = this.samples.get(name) ?? [];
          list.push({ at: Date.now(), ready });
          this.samples.set(name, list);
        }),
      );
    } finally {
      this.polling = false;
    }
  }

  /** Milliseconds each service answered "not ready" between `from` and `to` (sample resolution). */
  unreadyMs(from: number, to: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, list] of this.samples) {
      let total = 0;
      for (let i = 0; i < list.length; i++) {
        const sample = list[i];
        if (sample.at < from || sample.at > to || sample.ready) continue;
        total += (list[i + 1]?.at ?? to) - sample.at;
      }
      out.set(name, total);
    }
    return out;
  }

  /**
   * When every service was ready again for good after `since`: per service, the first "ready"
   * after its last "not ready" in [since, to]; `since` itself for a service that never faltered.
   */
  readyAgainAt(since: number, to: number): number {
    let latest = since;
    for (const name of this.urls().keys()) {
      const list = (this.samples.get(name) ?? []).filter((s) => s.at <= to);
      const lastUnready = list.findLastIndex((s) => !s.ready);
      if (lastUnready === -1 || list[lastUnready].at < since) continue;
      latest = Math.max(latest, list[lastUnready + 1]?.at ?? Number.NaN);
    }
    return latest;
  }

  /** Whether every service's latest answer was "ready". */
  allReady(): boolean {
    return [...this.urls().keys()].every((name) => this.samples.get(name)?.at(-1)?.ready === true);
  }
}
