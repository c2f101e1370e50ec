/** The drill's timeline: every second goes to the .txt file, the terminal gets a row only when something changes. */
export interface TimelineRow {
  second: number;
  lag: number;
  desired: number;
  running: number;
  reason: string;
}

export const TIMELINE_HEADER = '   s      lag  desired  running  KEDA';

export function timelineRow(r: TimelineRow): string {
  return `${String(r.second).padStart(4)}  ${String(r.lag).padStart(7)}  ${String(r.desired).padStart(7)}  ${String(r.running).padStart(7)}  ${r.reason}`;
}

/**
 * Whether `row` says something `previous` did not: a new replica count decided, a new count of
 * running instances, or the lag reaching (or leaving) 0. (KEDA's reason quotes the lag, so it
 * changes at every poll: it is shown, not compared.)
 */
export function changed(previous: TimelineRow | undefined, row: TimelineRow): boolean {
  if (!previous) return true;
  return previous.desired !== row.desired || previous.running !== row.running || (previous.lag === 0) !== (row.lag === 0);
}

/** The rows that change something, plus the last one (where the drill stopped). */
export function compactTimeline(rows: readonly TimelineRow[]): TimelineRow[] {
  const kept = rows.filter((row, i) => changed(rows[i - 1], row));
  const last = rows.at(-1);
  if (last && kept.at(-1) !== last) kept.push(last);
  return kept;
}

export function formatTimeline(rows: readonly TimelineRow[]): string {
  return [TIMELINE_HEADER, ...rows.map(timelineRow)].join('\n');
}
