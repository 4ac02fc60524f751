/**
 * The figures table of the reliability suite: one row per measured figure, with the target it
 * is held to and whether it meets it. A figure is printed as measured, never adjusted.
 */
export interface Figure {
  /** Which part of the suite measured it. */
  area: string;
  what: string;
  value: string;
  target?: string;
  /** Whether the value meets the target; undefined when there is no target. */
  ok?: boolean;
}

export class Report {
  readonly figures: Figure[] = [];

  /** `quiet`: figures are kept but not printed as they come (tests). */
  constructor(private readonly options: { quiet?: boolean } = {}) {}

  add(area: string, what: string, value: string | number, target?: string, ok?: boolean): void {
    const figure: Figure = { area, what, value: String(value), ...(target === undefined ? {} : { target }), ...(ok === undefined ? {} : { ok }) };
    this.figures.push(figure);
    if (!this.options.quiet) console.log(`  ${verdict(figure)} ${area} · ${what}: ${figure.value}${target ? ` (target ${target})` : ''}`);
  }

  /** A figure counted against a maximum (e.g. 0 lost). */
  atMost(area: string, what: string, value: number, max: number, unit = ''): void {
    this.add(area, what, `${value}${unit}`, `≤ ${max}${unit}`, value <= max);
  }

  table(): string {
    const head = ['', 'area', 'figure', 'value', 'target'];
    const rows = this.figures.map((f) => [verdict(f), f.area, f.what, f.value, f.target ?? '']);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
  }

  get missed(): number {
    return this.figures.filter((f) => f.ok === false).length;
  }
}

function verdict(f: Figure): string {
  return f.ok === undefined ? '·' : f.ok ? '✓' : '✗';
}

export const ms = (value: number): string => `${Math.round(value)} ms`;
export const mb = (bytes: number): string => `${Math.round(bytes / 1e6)} MB`;

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
