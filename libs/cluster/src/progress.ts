/** One line per step with the elapsed time, the way `stack` reports. */
export function say(message: string): void {
  process.stdout.write(`cluster: ${message}\n`);
}

export function seconds(sinceMs: number): string {
  return `${((Date.now() - sinceMs) / 1000).toFixed(1)} s`;
}

export class ClusterError extends Error {}
