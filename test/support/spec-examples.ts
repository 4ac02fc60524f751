import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The guide's example lines, copied into the repository (see the fixture's first line for its source). */
export const guideLines: string[] = readFileSync(join(import.meta.dirname, '../fixtures/cups-guide/examples.txt'), 'utf8').split('\n');

/** The XML of the CUPS guide's "Example N" exactly as printed (damage included). */
export function soapExample(n: number): string {
  const caption = guideLines.findIndex((l, i) => new RegExp(`^Example ${n} `).test(l) && (guideLines[i + 1] ?? '').trimStart().startsWith('<'));
  if (caption < 0) throw new Error(`no Example ${n}`);
  const line = guideLines[caption + 1];
  return line.slice(line.indexOf('<'), line.lastIndexOf('>') + 1);
}

/** The PIDF body of the guide's Example N (a SIP message printed on one line). */
export function pidfExample(n: number): string {
  const caption = guideLines.findIndex((l) => l.startsWith(`Example ${n} `) && !l.includes(' shows '));
  const line = guideLines[caption + 1];
  return line.slice(line.indexOf('<?xml'), line.lastIndexOf('</presence>') + '</presence>'.length);
}
