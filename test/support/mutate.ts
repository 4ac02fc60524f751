/**
 * A seeded mutator for fuzz tests: the same seed gives the same inputs on every machine, so a
 * failure found once can be replayed. `mutate(input, random)` applies 1–4 random edits of the
 * kinds that break real parsers: bytes flipped, deleted, duplicated or inserted; a line removed
 * or repeated; a header value replaced with an extreme value; a number made huge or negative;
 * a tag's name or closing tag damaged; a chunk copied from elsewhere; the input truncated.
 */

/** Mulberry32: small, fast, good enough to spread fuzz inputs. Returns numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXTREMES = [
  '',
  ' ',
  '\u0000',
  '\r\n',
  '-1',
  '0',
  '4294967296',
  '99999999999999999999',
  'NaN',
  '\u00ff\u00fe',
  '<',
  '>',
  '"',
  '&amp;',
  '&#0;',
  '&unknown;',
  '<![CDATA[',
  ']]>',
  '<!DOCTYPE x [<!ENTITY a "b">]>',
  ';tag=',
  ';;;',
  '%00',
  'é👋',
  'x'.repeat(300),
  '\t\t',
  ':',
  'sip:',
  'SIP/2.0',
];

const int = (random: () => number, n: number) => Math.floor(random() * n);
const pick = <T>(random: () => number, list: readonly T[]): T => list[int(random, list.length)];

type Edit = (s: string, random: () => number) => string;

const EDITS: Edit[] = [
  // flip a character
  (s, r) => {
    if (!s) return s;
    const i = int(r, s.length);
    return s.slice(0, i) + String.fromCharCode(int(r, 256)) + s.slice(i + 1);
  },
  // delete a span
  (s, r) => {
    const i = int(r, s.length + 1);
    return s.slice(0, i) + s.slice(i + 1 + int(r, 16));
  },
  // duplicate a span
  (s, r) => {
    const i = int(r, s.length + 1);
    const span = s.slice(i, i + 1 + int(r, 64));
    return s.slice(0, i) + span.repeat(1 + int(r, 4)) + s.slice(i);
  },
  // insert an extreme value
  (s, r) => {
    const i = int(r, s.length + 1);
    return s.slice(0, i) + pick(r, EXTREMES) + s.slice(i);
  },
  // remove or repeat a line
  (s, r) => {
    const lines = s.split('\n');
    const i = int(r, lines.length);
    if (r() < 0.5) lines.splice(i, 1);
    else lines.splice(i, 0, lines[i]);
    return lines.join('\n');
  },
  // replace a header value (the text after "Name:" up to the end of its line)
  (s, r) => {
    const headers = [...s.matchAll(/^([A-Za-z-]+)[ \t]*:[^\r\n]*/gm)];
    if (!headers.length) return s;
    const h = pick(r, headers);
    return s.slice(0, h.index!) + `${h[1]}: ${pick(r, EXTREMES)}` + s.slice(h.index! + h[0].length);
  },
  // make a number extreme
  (s, r) => {
    const numbers = [...s.matchAll(/\d+/g)];
    if (!numbers.length) return s;
    const n = pick(r, numbers);
    return s.slice(0, n.index!) + pick(r, ['-1', '0', '4294967296', '99999999999999999999', '']) + s.slice(n.index! + n[0].length);
  },
  // damage a tag name or drop a closing tag
  (s, r) => {
    const tags = [...s.matchAll(/<\/?[A-Za-z][\w.:-]*/g)];
    if (!tags.length) return s;
    const t = pick(r, tags);
    const replacement = r() < 0.5 ? '' : `${t[0]}x`;
    return s.slice(0, t.index!) + replacement + s.slice(t.index! + t[0].length);
  },
  // copy a chunk from elsewhere
  (s, r) => {
    const from = int(r, s.length + 1);
    const chunk = s.slice(from, from + int(r, 200));
    const to = int(r, s.length + 1);
    return s.slice(0, to) + chunk + s.slice(to);
  },
  // truncate
  (s, r) => s.slice(0, int(r, s.length + 1)),
];

/** 1–4 random edits of `input`. */
export function mutate(input: string, random: () => number): string {
  let out = input;
  const edits = 1 + int(random, 4);
  for (let i = 0; i < edits; i += 1) out = pick(random, EDITS)(out, random);
  return out;
}
