import { compactTimeline, formatTimeline, TimelineRow } from './timeline';

const row = (second: number, lag: number, desired: number, running: number, reason = 'lag 100 → 5'): TimelineRow => ({ second, lag, desired, running, reason });

describe('the compact drill timeline', () => {
  it('keeps only rows where the decided or running instances or the drained state change, and the last row', () => {
    const rows = [
      row(0, 1500, 1, 0, 'activation'),
      row(1, 1490, 1, 0, 'activation'),
      row(2, 1480, 1, 1, 'activation'),
      row(3, 1460, 1, 1, 'activation'),
      row(4, 1440, 6, 1, 'lag 1440 → 6'),
      row(5, 1300, 6, 6, 'lag 1440 → 6'),
      row(6, 900, 6, 6, 'lag 900 → 6'),
      row(7, 0, 6, 6, 'lag 1440 → 6'),
      row(8, 0, 6, 6, 'lag 1440 → 6'),
      row(9, 0, 6, 6, 'lag 1440 → 6'),
    ];
    expect(compactTimeline(rows).map((r) => r.second)).toEqual([0, 2, 4, 5, 7, 9]);
  });

  it('prints a steady drill as its first and last row, not one row per second', () => {
    const steady = Array.from({ length: 54 }, (_, second) => row(second, 0, 1, 1));
    const text = formatTimeline(compactTimeline(steady));
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toMatch(/^ {3}s {6}lag {2}desired {2}running {2}KEDA\n {3}0 {8}0 {8}1 {8}1 {2}lag 100 → 5\n {2}53 /);
  });
});
