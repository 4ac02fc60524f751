/** Helpers for reading what the lab stored (a parsed XML tree kept as JSON). */
export { parsePidf } from '../../../core/sip/codecs/pidf';

/** First value named `key` anywhere in a parsed tree, as text. */
export function find(node: unknown, key: string): string | undefined {
  if (Array.isArray(node)) {
    for (const n of node) {
      const hit = find(n, key);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }
  if (!node || typeof node !== 'object') return undefined;
  for (const [k, v] of Object.entries(node)) {
    if (k === key) return Array.isArray(v) ? textOf(v[0]) : textOf(v);
    const hit = find(v, key);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && '#text' in v) return textOf((v as Record<string, unknown>)['#text']);
  return '';
}
