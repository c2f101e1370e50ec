/** A minimal parser of the Prometheus text exposition format, for assertions in specs. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  samples: Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): { families: Map<string, Family>; typeLines: string[] } {
  const families = new Map<string, Family>();
  const typeLines: string[] = [];
  let current: Family | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      typeLines.push(name);
      current = { name, type, samples: [] };
      families.set(name, current);
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = SAMPLE.exec(line);
    if (!match || !current) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key] = value.replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    current.samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return { families, typeLines };
}

/** Label names of a family's samples, without the histogram's `le`. */
export function labelNames(family: Family): string[] {
  return [...new Set(family.samples.flatMap((s) => Object.keys(s.labels)))].filter((l) => l !== 'le').sort();
}
