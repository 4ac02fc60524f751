/**
 * A one-pass reader for the plain XML shape presence servers send (PIDF and the like): an
 * optional XML declaration, one root element, ASCII names with at most one prefix, quoted
 * attribute values, text only in elements without child elements. It builds, with namespaces
 * resolved as it goes, exactly the tree `parseXml(…, { namespaces: true })` builds through the
 * validator, the general parser and `resolveNamespaces` — the same keys in the same order, the
 * same trimming and line-end normalisation, the same `#ns` — at a fraction of the cost.
 *
 * References (the five predefined entities, character references) are decoded as the general
 * reader decodes them: after trimming text, and after normalising an attribute's whitespace
 * (attribute values are never trimmed).
 *
 * It returns undefined for anything outside that shape (any other `&`, a comment, CDATA or
 * DOCTYPE `<!`, a processing instruction, mixed content, a duplicated attribute, a name with
 * other characters or a prefix on a prefix, spaces around `=`, `<` in a value, a document cut
 * short, anything after the root, very deep nesting), which the general reader then reads or
 * refuses as before. So it never accepts what the general reader refuses, and never reads a
 * document differently.
 */
import { decodeXmlText, type XmlNode, type XmlValue } from './safe-xml';

/** Prefix → namespace URI in scope ('' is the default namespace). */
type Scope = Record<string, string>;

interface Cursor {
  s: string;
  at: number;
}

/** The scope outside the root: no default namespace. */
const TOP_SCOPE: Scope = Object.freeze({ '': '' });

/** Deeper documents go to the general reader (which has its own limits). */
const MAX_DEPTH = 64;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isNameStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const isNameChar = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
/** Names the tree's plain objects would confuse with their own properties (`constructor`…). */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));
const inherited = (name: string) => INHERITED.has(name);

/** An `&` that does not start a predefined entity or a character reference (`&#X…;` is not one: XML spells it `&#x…;`). */
const OTHER_AMPERSAND = /&(?!(?:#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);)/;

/**
 * A value (text trimmed, an attribute normalised, as the general reader does before decoding) with its references decoded,
 * or undefined when it holds any other `&` or a reference to a character XML does not allow:
 * the general reader words those.
 */
function decoded(value: string): string | undefined {
  if (!value.includes('&')) return value;
  if (OTHER_AMPERSAND.test(value)) return undefined;
  try {
    return decodeXmlText(value);
  } catch {
    return undefined;
  }
}

/** A qualified name split, or null when a part would clash with the tree's plain-object properties. */
type Split = { prefix: string; local: string } | null;
/** Names seen before, split (a server uses the same few dozen): bounded, cleared when full. */
const splits = new Map<string, Split>();

function split(name: string): Split {
  let known = splits.get(name);
  if (known !== undefined) return known;
  const colon = name.indexOf(':');
  const prefix = colon < 0 ? '' : name.slice(0, colon);
  const local = colon < 0 ? name : name.slice(colon + 1);
  known = inherited(local) || inherited(prefix) ? null : { prefix, local };
  if (splits.size >= 512) splits.clear();
  splits.set(name, known);
  return known;
}

/**
 * An attribute value as XML 1.0 §3.3.3 normalises it (no DTD, so every attribute is CDATA):
 * each tab, line feed or carriage return written in the value reads as a space (`\r\n` as one),
 * nothing is trimmed or collapsed, and only then are references decoded, so `&#x9;` stays a
 * tab. Shared with the general reader (safe-xml.ts), which gives the same values.
 */
const ATTRIBUTE_SPACE = /[\t\n\r]/;
const VALUE_SPECIAL = /[<\t\n\r]/;
export function normaliseAttribute(value: string): string {
  return ATTRIBUTE_SPACE.test(value) ? value.replace(/\r\n|[\t\n\r]/g, ' ') : value;
}

/** The parser normalises line ends (`\r\n`, `\r` → `\n`) before reading values. */
const normalise = (value: string) => (value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value);

function skipSpace(x: Cursor): void {
  const s = x.s;
  while (x.at < s.length && isSpace(s.charCodeAt(x.at))) x.at += 1;
}

/** A qualified name (`local` or `prefix:local`) at the cursor, consumed; undefined when not plain. */
function qname(x: Cursor): string | undefined {
  const s = x.s;
  const start = x.at;
  if (!isNameStart(s.charCodeAt(x.at))) return undefined;
  x.at += 1;
  while (isNameChar(s.charCodeAt(x.at))) x.at += 1;
  if (s.charCodeAt(x.at) === 0x3a) {
    x.at += 1;
    if (!isNameStart(s.charCodeAt(x.at))) return undefined;
    x.at += 1;
    while (isNameChar(s.charCodeAt(x.at))) x.at += 1;
  }
  return s.slice(start, x.at);
}

/**
 * Attributes up to `>` ('open'), `/>` ('empty') or, for the declaration, `?>` ('empty');
 * undefined when not plain. Pairs of raw name and value (normalised, not trimmed, as the general reader gives them).
 */
function attributes(x: Cursor, into: string[], declaration: boolean): 'open' | 'empty' | undefined {
  const s = x.s;
  for (;;) {
    const before = x.at;
    skipSpace(x);
    const c = s.charCodeAt(x.at);
    if (!declaration && c === 0x3e) {
      x.at += 1;
      return 'open';
    }
    if (c === (declaration ? 0x3f : 0x2f)) {
      if (s.charCodeAt(x.at + 1) !== 0x3e) return undefined;
      x.at += 2;
      return 'empty';
    }
    if (x.at === before) return undefined; // attributes are separated by whitespace
    const name = qname(x);
    if (name === undefined || s.charCodeAt(x.at) !== 0x3d) return undefined;
    const quote = s.charCodeAt(x.at + 1);
    if (quote !== 0x22 && quote !== 0x27) return undefined;
    const end = s.indexOf(quote === 0x22 ? '"' : "'", x.at + 2);
    if (end < 0) return undefined;
    let value = s.slice(x.at + 2, end);
    // One test for the rare cases: `<` (not plain) and whitespace to normalise.
    if (VALUE_SPECIAL.test(value)) {
      if (value.includes('<')) return undefined;
      value = normaliseAttribute(value);
    }
    for (let i = 0; i < into.length; i += 2) if (into[i] === name) return undefined;
    const read = decoded(value);
    if (read === undefined) return undefined;
    into.push(name, read);
    x.at = end + 1;
  }
}

/**
 * Scopes already built, by the scope around and the declarations (a server sends the same
 * declarations on every document's root, so each shape is resolved once). Scopes are never
 * changed once built; each map is bounded (cleared when full).
 */
const scopes = new WeakMap<Scope, Map<string, Scope>>();
const SCOPES_PER_PARENT = 64;

/** The scope inside an element: its `xmlns` declarations added (the same scope when it has none). */
function scopeOf(scope: Scope, attrs: string[]): Scope | undefined {
  let key = '';
  for (let i = 0; i < attrs.length; i += 2) {
    const name = attrs[i];
    if (name === 'xmlns' || name.startsWith('xmlns:')) key += `${name}\u0000${attrs[i + 1]}\u0000`;
  }
  if (!key) return scope;
  let known = scopes.get(scope);
  const cached = known?.get(key);
  if (cached) return cached;
  const inner: Scope = { ...scope };
  for (let i = 0; i < attrs.length; i += 2) {
    const name = attrs[i];
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    const prefix = name === 'xmlns' ? '' : name.slice(6);
    if (inherited(prefix)) return undefined;
    inner[prefix] = attrs[i + 1].trim(); // a reference may have decoded to spaces: URIs are trimmed after decoding
  }
  Object.freeze(inner);
  if (!known) scopes.set(scope, (known = new Map()));
  if (known.size >= SCOPES_PER_PARENT) known.clear();
  known.set(key, inner);
  return inner;
}

/** Attributes by local name as the resolved tree keys them: `xmlns` ones dropped, an unprefixed name winning a clash. */
function addAttributes(node: XmlNode, attrs: string[]): void {
  for (let i = 0; i < attrs.length; i += 2) {
    const name = attrs[i];
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const colon = name.indexOf(':');
    const key = colon < 0 ? `@${name}` : `@${name.slice(colon + 1)}`;
    if (colon < 0 || node[key] === undefined) node[key] = [attrs[i + 1]];
  }
}

/** Children grouped by qualified name in order of first appearance, as the parser groups them. */
type Groups = Map<string, XmlNode[]>;

/** Adds the children under their local names (items of one prefix before another's, as the parser's grouping leaves them). */
function addChildren(node: XmlNode, groups: Groups): void {
  for (const [name, items] of groups) {
    const local = (split(name) as NonNullable<Split>).local;
    const target = node[local] as XmlValue[] | undefined;
    if (target) target.push(...items);
    else node[local] = items;
  }
}

/** One element from its `<`, consumed; undefined when not plain. */
function element(x: Cursor, scope: Scope, depth: number): { name: string; node: XmlNode } | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const s = x.s;
  x.at += 1;
  const name = qname(x);
  if (name === undefined) return undefined;
  const parts = split(name);
  if (!parts) return undefined;
  const prefix = parts.prefix;
  const attrs: string[] = [];
  const form = attributes(x, attrs, false);
  if (!form) return undefined;
  const inner = attrs.length ? scopeOf(scope, attrs) : scope;
  if (!inner) return undefined;
  const ns = inner[prefix] ?? '';
  let groups: Groups | undefined;
  let value = '';
  if (form === 'open') {
    for (;;) {
      const lt = s.indexOf('<', x.at);
      if (lt < 0) return undefined;
      const segment = lt > x.at ? s.slice(x.at, lt) : '';
      if (segment) {
        value = normalise(segment).trim();
        if (value && groups) return undefined; // mixed content
        const read = decoded(value);
        if (read === undefined) return undefined;
        value = read;
      }
      x.at = lt;
      const next = s.charCodeAt(lt + 1);
      if (next === 0x2f) {
        if (!s.startsWith(name, lt + 2)) return undefined;
        x.at = lt + 2 + name.length;
        skipSpace(x);
        if (s.charCodeAt(x.at) !== 0x3e) return undefined;
        x.at += 1;
        break;
      }
      if (value) return undefined; // text before a child element: mixed content
      const child = element(x, inner, depth + 1);
      if (!child) return undefined;
      groups ??= new Map();
      const list = groups.get(child.name);
      if (list) list.push(child.node);
      else groups.set(child.name, [child.node]);
    }
  }
  // The parser gives an element with neither attributes nor children as its text (always
  // present, maybe ''), any other as an object with `#text` only when there is some.
  if (!attrs.length && !groups) return { name, node: { '#text': value, '#ns': ns } };
  const node: XmlNode = {};
  if (groups) addChildren(node, groups);
  addAttributes(node, attrs);
  if (value) node['#text'] = value;
  node['#ns'] = ns;
  return { name, node };
}

/**
 * The namespace-resolved tree of a plain document (already trimmed, BOM removed), or undefined
 * when the document is not of the plain shape and must be read by the general reader.
 */
export function scanPlainXml(text: string): XmlNode | undefined {
  const x: Cursor = { s: text, at: 0 };
  const tree: XmlNode = {};
  const scope = TOP_SCOPE;
  if (text.startsWith('<?')) {
    x.at = 2;
    if (qname(x) !== 'xml') return undefined;
    const attrs: string[] = [];
    if (!attributes(x, attrs, true) || !attrs.length || scopeOf(scope, attrs) !== scope) return undefined;
    const declaration: XmlNode = {};
    addAttributes(declaration, attrs);
    declaration['#ns'] = '';
    tree['?xml'] = [declaration];
    skipSpace(x);
  }
  const next = text.charCodeAt(x.at + 1);
  if (text.charCodeAt(x.at) !== 0x3c || next === 0x21 || next === 0x3f || next === 0x2f) return undefined;
  const root = element(x, scope, 0);
  if (!root || x.at !== text.length) return undefined;
  const colon = root.name.indexOf(':');
  tree[colon < 0 ? root.name : root.name.slice(colon + 1)] = [root.node];
  return tree;
}
