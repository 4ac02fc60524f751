import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const lines = readFileSync(join(import.meta.dirname, '../fixtures/cme/examples.txt'), 'utf8').split('\n');

/**
 * One example of the CME documents exactly as printed (see the fixture's first lines for its
 * source): `cmeExample('2008', 'ISgetGlobal', 'Response')`; `n` picks among several captions.
 */
export function cmeExample(doc: '2008' | '8.5', request: string, caption: string, n = 1): string {
  const head = lines.indexOf(`=== ${doc} ${request} ${caption} ${n}`);
  if (head < 0) throw new Error(`no ${doc} ${request} ${caption} ${n} example in the fixture`);
  const end = lines.findIndex((l, i) => i > head && l.startsWith('=== '));
  return lines.slice(head + 1, end < 0 ? undefined : end).join('\n');
}

/** The parameter element names of a printed request, in order (what the router is asked for). */
export function requestParams(example: string, operation: string): string[] {
  const inner = example.slice(example.indexOf(`<${operation}>`) + operation.length + 2);
  return [...inner.matchAll(/<([A-Za-z]\w*)>/g)].map((m) => m[1]!).filter((name) => name !== operation);
}
