import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const lines = readFileSync(join(import.meta.dirname, '../../../shared/spec/002_c87905c8cdcde07a.txt'), 'utf8').split('\n');

/** The XML of the CUPS guide's "Example N" exactly as printed (damage included). */
export function soapExample(n: number): string {
  const caption = lines.findIndex((l, i) => new RegExp(`^Example ${n} `).test(l) && (lines[i + 1] ?? '').trimStart().startsWith('<'));
  if (caption < 0) throw new Error(`no Example ${n}`);
  const line = lines[caption + 1];
  return line.slice(line.indexOf('<'), line.lastIndexOf('>') + 1);
}
