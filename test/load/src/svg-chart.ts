/** A small dependency-free SVG line chart of the drill's timeline. */
export interface DrillRow {
  second: number;
  lag: number;
  desired: number;
  running: number;
}

export function drillChart(rows: readonly DrillRow[], title: string): string {
  const width = 800;
  const height = 360;
  const pad = { left: 60, right: 60, top: 40, bottom: 40 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const maxT = Math.max(1, ...rows.map((r) => r.second));
  const maxLag = Math.max(1, ...rows.map((r) => r.lag));
  const maxReplicas = Math.max(1, ...rows.map((r) => Math.max(r.desired, r.running)));
  const x = (t: number) => pad.left + (t / maxT) * plotW;
  const yLag = (v: number) => pad.top + plotH - (v / maxLag) * plotH;
  const yRep = (v: number) => pad.top + plotH - (v / maxReplicas) * plotH;
  const line = (y: (v: number) => number, pick: (r: DrillRow) => number, step: boolean) =>
    rows
      .map((r, i) => {
        const point = `${x(r.second).toFixed(1)},${y(pick(r)).toFixed(1)}`;
        if (i === 0) return `M${point}`;
        return step ? `H${x(r.second).toFixed(1)} V${y(pick(r)).toFixed(1)}` : `L${point}`;
      })
      .join(' ');
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
  <rect width="100%" height="100%" fill="white"/>
  <text x="${pad.left}" y="22" font-size="14">${escape(title)}</text>
  <line x1="${pad.left}" y1="${pad.top + plotH}" x2="${pad.left + plotW}" y2="${pad.top + plotH}" stroke="#999"/>
  <line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${pad.top + plotH}" stroke="#999"/>
  <line x1="${pad.left + plotW}" y1="${pad.top}" x2="${pad.left + plotW}" y2="${pad.top + plotH}" stroke="#999"/>
  <text x="${pad.left - 6}" y="${pad.top + 4}" text-anchor="end" fill="#1f77b4">${maxLag}</text>
  <text x="${pad.left - 6}" y="${pad.top + plotH}" text-anchor="end" fill="#1f77b4">0</text>
  <text x="${pad.left + plotW + 6}" y="${pad.top + 4}" fill="#d62728">${maxReplicas}</text>
  <text x="${pad.left + plotW + 6}" y="${pad.top + plotH}" fill="#d62728">0</text>
  <text x="${pad.left + plotW}" y="${height - 12}" text-anchor="end">${maxT} s</text>
  <path d="${line(yLag, (r) => r.lag, false)}" fill="none" stroke="#1f77b4" stroke-width="2"/>
  <path d="${line(yRep, (r) => r.desired, true)}" fill="none" stroke="#d62728" stroke-width="2" stroke-dasharray="6 4"/>
  <path d="${line(yRep, (r) => r.running, true)}" fill="none" stroke="#2ca02c" stroke-width="2"/>
  <text x="${pad.left + 10}" y="${height - 12}" fill="#1f77b4">lag (messages, left axis)</text>
  <text x="${pad.left + 190}" y="${height - 12}" fill="#d62728">desired replicas (KEDA, right axis)</text>
  <text x="${pad.left + 420}" y="${height - 12}" fill="#2ca02c">running instances (right axis)</text>
</svg>
`;
}
