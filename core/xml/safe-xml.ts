/**
 * Safe, lenient XML parsing for everything the network sends us (SOAP, PIDF, RLMI, WebDialer).
 *
 * - No entity expansion beyond the five predefined entities and character references
 *   (`&#233;`, `&#x62;`), which are decoded in element text and attribute values alike, in one
 *   pass (so `&amp;#x62;` reads `&#x62;`): a DOCTYPE is refused outright, so "billion laughs"
 *   and external entities cannot happen. A reference to a character XML does not allow
 *   (`&#0;`, a lone surrogate) makes the document not well-formed.
 * - Bytes are decoded as the document declares (`decodeXmlBytes`: BOM, then the transport's
 *   charset, then the XML declaration; UTF-8 when none says), an unknown encoding refused.
 * - A size cap is checked before parsing.
 * - One parse per document where no repair applies (see `parseXml`); with namespaces, the plain
 *   shape servers send is read by a one-pass scanner (`plain-xml.ts`) that builds the same tree.
 * - Namespace prefixes are stripped: elements are read by local name, whatever prefix a server
 *   chose (`epas:`, `env:`, `soapenv:`, `S:` …).
 * - A repair pass fixes only damage that is unambiguous (attributes run together without
 *   whitespace, `name=="x"`), which the CUPS documentation's examples show.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { normaliseAttribute, scanPlainXml } from './plain-xml';

export { normaliseAttribute };

export const DEFAULT_MAX_XML_BYTES = 10 * 1024 * 1024;

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(#[xX][0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);/g;

/** Whether XML 1.0 allows this code point in a document (production [2] `Char`). */
const isXmlChar = (c: number) =>
  c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

/**
 * Decodes the five predefined entities and character references in one pass. Any other
 * `&name;` stays as written (it could only be defined by a DOCTYPE, which is refused).
 */
export function decodeXmlText(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(REFERENCE, (_m, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref];
    const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    if (!isXmlChar(code)) throw new XmlError(`the character reference &${ref}; names a character XML does not allow`);
    return String.fromCodePoint(code);
  });
}

/**
 * Element text is trimmed (readers want `<note> Busy </note>` as "Busy"); attribute values
 * are not (the parser's own `trimValues` trims both, so it is off and text is trimmed here).
 */
const trimText = (_name: string, value: string) => value.trim();

const PARSER_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  // References are decoded by our own single pass (the parser's own leaves numeric ones
  // literal unless HTML entities are on, which would also expand `&nbsp;` and friends).
  processEntities: false,
  htmlEntities: false,
  tagValueProcessor: (_name: string, value: string) => decodeXmlText(value.trim()),
  attributeValueProcessor: (_name: string, value: string) => decodeXmlText(normaliseAttribute(value)),
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  textNodeName: '#text',
  isArray: () => true,
  // Our callbacks ignore the element's path: without this the parser builds a path string
  // for every element and attribute (a fifth of the parse time for a PIDF).
  jPath: false,
} as const;

// A document without `&` has no references to decode: its parsers only trim text and normalise attributes.
const PLAIN_OPTIONS = { ...PARSER_OPTIONS, tagValueProcessor: trimText, attributeValueProcessor: (_name: string, value: string) => normaliseAttribute(value) };
const parsers = {
  stripped: { refs: new XMLParser(PARSER_OPTIONS), plain: new XMLParser(PLAIN_OPTIONS) },
  /** Keeps prefixes (`r:busy`) and `xmlns` attributes, for readers that resolve namespaces. */
  prefixed: { refs: new XMLParser({ ...PARSER_OPTIONS, removeNSPrefix: false }), plain: new XMLParser({ ...PLAIN_OPTIONS, removeNSPrefix: false }) },
};
const parser = { parse: (t: string): unknown => (t.includes('&') ? parsers.stripped.refs : parsers.stripped.plain).parse(t) };
const prefixedParser = { parse: (t: string): unknown => (t.includes('&') ? parsers.prefixed.refs : parsers.prefixed.plain).parse(t) };

/** Characters a CDATA section's content is written with when it becomes ordinary text. */
const CDATA_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '=': '&#61;' };

/**
 * Each CDATA section rewritten as the same characters in ordinary text, escaped. Why: the
 * parser hands CDATA content to the value callback that decodes references, so `&amp;` in
 * CDATA came out as `&`; as escaped text it reads back exactly as written, by both readers,
 * merged with the text around it as XML's data model has it. Quotes and `=` are escaped too
 * so the content can never look like an attribute to the repair pass. An unclosed section is
 * left alone for the parser to refuse.
 */
function cdataAsText(xml: string): string {
  return xml.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, content: string) => content.replace(/[&<>"'=]/g, (c) => CDATA_ESCAPES[c]));
}

/** Repairs the unambiguous damage seen in real-world documentation of these protocols. */
export function repairXml(xml: string): string {
  return (
    xml
      // `"xmlns:xsd=` directly after a closing quote: insert the missing space.
      .replace(/"(?=[A-Za-z_][\w.:-]*=["'])/g, (q, offset: number, s: string) => (s[offset - 1] === '=' ? q : `" `))
      // `name=="value"` → `name="value"`
      .replace(/=\s*=\s*"/g, '="')
      // `xmlns:ce=urn:cisco:…` (namespace value without quotes) → quoted
      .replace(/(\sxmlns(?::[\w.-]+)?)=([^"'\s>]+)/g, '$1="$2"')
      // `name=noACL_rule"` (opening quote missing) → `name="noACL_rule"`
      .replace(/(\s[\w.:-]+)=([^"'\s<>=]+)"/g, '$1="$2"')
      // `</r :activities >` → `</r:activities>`
      .replace(/<\/([\w.-]+)\s+:([\w.-]+)\s*>/g, '</$1:$2>')
  );
}

export interface ParseOptions {
  maxBytes?: number;
  /** What is being parsed, for error messages ("get-contact-list response"). */
  what?: string;
  /**
   * Refuse a document that is not well-formed instead of reading it leniently (no repair,
   * no tree from unbalanced tags). `wellFormedError` words the refusal.
   */
  requireWellFormed?: boolean;
  wellFormedError?: (detail: string) => Error;
  /**
   * Resolve namespaces: elements are still keyed by local name, and each element node carries
   * its namespace URI as `#ns` (see `nsOf`), so a reader can tell `rpid:busy` from `x:busy`.
   */
  namespaces?: boolean;
  /**
   * With `namespaces`, whether the plain shape may be read by the one-pass scanner (default
   * true). False reads with the general reader only, to compare the two.
   */
  scanner?: boolean;
}

/**
 * Whether `repairXml` could change `xml`: the union of its patterns, each without the
 * conditions that make a match a no-op, so a miss here means the repair changes nothing.
 */
const REPAIRABLE = /"[A-Za-z_][\w.:-]*=["']|=\s*=\s*"|\sxmlns(?::[\w.-]+)?=[^"'\s>]|\s[\w.:-]+=[^"'\s<>=]+"|<\/[\w.-]+\s+:/;

const validationDetail = (check: ReturnType<typeof XMLValidator.validate>) => (check === true ? '' : `${check.err.msg}, line ${check.err.line}`);

/**
 * Parses XML into a tree where every element value is an array of nodes (so repeated and
 * single elements read the same), attributes are `@name`, text is `#text`.
 *
 * One pass for the common case: a document the repairs cannot touch is parsed directly (the
 * validator runs only to word an error), which reads exactly what validating first and then
 * parsing read, at half the cost. A document the repairs might touch takes the full path:
 * validate, repair if invalid, validate again, and read leniently only what still parses.
 */
export function parseXml(xml: string, options: ParseOptions = {}): XmlNode {
  const what = options.what ?? 'XML';
  const max = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  // Characters never outnumber UTF-8 bytes (at most 3 bytes each): count bytes only when close.
  if (xml.length > max || (xml.length * 3 > max && Buffer.byteLength(xml, 'utf8') > max))
    throw new XmlError(`The ${what} is larger than ${Math.round(max / 1024 / 1024)} MB and was refused.`);
  // Most documents have no `<!` at all: a plain search spares them the case-insensitive scan.
  const bang = xml.includes('<!');
  if (bang && /<!DOCTYPE|<!ENTITY/i.test(xml)) throw new XmlError(`The ${what} declares a DOCTYPE or entities, which are refused for safety.`);
  let text = (xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml).trim();
  if (!text) throw new XmlError(`The ${what} is empty.`);
  if (!text.startsWith('<')) throw new XmlError(`The ${what} is not XML.`);
  if (bang && text.includes('<![CDATA[')) text = cdataAsText(text);
  // The plain shape servers send is read in one pass, namespaces resolved as it goes; it is
  // well-formed, so validating it, repairing it and parsing it would give this same tree.
  if (options.namespaces && options.scanner !== false) {
    const plain = scanPlainXml(text);
    if (plain) return plain;
  }
  const read = options.namespaces ? (t: string) => resolveNamespaces(prefixedParser.parse(t) as XmlNode) : (t: string) => parser.parse(t) as XmlNode;
  const readOrWord = (t: string, detail: () => string) => {
    try {
      return read(t);
    } catch (error) {
      throw new XmlError(detail() || `The ${what} could not be read as XML (${(error as Error).message}).`);
    }
  };
  if (options.requireWellFormed) {
    const check = XMLValidator.validate(text);
    if (check !== true)
      throw options.wellFormedError?.(validationDetail(check)) ?? new XmlError(`The ${what} is not well-formed XML (${validationDetail(check)}).`);
  } else if (!REPAIRABLE.test(text)) {
    return readOrWord(text, () => {
      const check = XMLValidator.validate(text);
      return check !== true ? `The ${what} is not well-formed XML (${validationDetail(check)}).` : '';
    });
  } else if (XMLValidator.validate(text) !== true) {
    text = repairXml(text);
    const check = XMLValidator.validate(text);
    // Unbalanced or wrongly closed tags: fast-xml-parser still builds a tree from them; we
    // accept that tree only if the document's structure can be read at all.
    if (check !== true) return readOrWord(text, () => `The ${what} is not well-formed XML (${validationDetail(check)}).`);
  }
  return readOrWord(text, () => '');
}

/**
 * The root element's name as written (prefix included), or undefined when there is none.
 * Skips the XML declaration, processing instructions and comments.
 */
export function rootName(xml: string): string | undefined {
  const m = /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*<([A-Za-z_][\w.:-]*)/.exec(xml.replace(/^\uFEFF/, ''));
  return m?.[1];
}

/**
 * Whether a body is an HTML page where XML was expected (a login portal, a proxy's error page):
 * an HTML DOCTYPE or an `html` root after the prolog and comments. Readers check this before
 * parsing, so the user reads "a web page", not "a DOCTYPE is refused".
 */
export function isWebPage(body: string): boolean {
  if (/^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*<!DOCTYPE\s+html\b/i.test(body.replace(/^\uFEFF/, ''))) return true;
  const root = rootName(body) ?? '';
  return /^html$/i.test(root.slice(root.indexOf(':') + 1));
}

/**
 * Whether the document ends with its root element's end tag (or is a lone empty root), with
 * nothing but whitespace and comments after: a body cut off in transit fails this even when
 * the lenient parser would read a tree from it.
 */
export function endsWell(xml: string): boolean {
  const root = rootName(xml);
  if (!root) return false;
  const tail = xml.replace(/(?:\s|<!--[\s\S]*?-->)+$/, '');
  if (
    tail.endsWith('/>') &&
    new RegExp(`^(?:\\s|<\\?[\\s\\S]*?\\?>|<!--[\\s\\S]*?-->)*<${root.replace(/[.]/g, '\\.')}(?:\\s[^>]*)?/>$`).test(tail.replace(/^\uFEFF/, ''))
  )
    return true;
  return new RegExp(`</${root.replace(/[.]/g, '\\.')}\\s*>$`).test(tail);
}

/** Namespace URI of an element read with `namespaces: true` ('' for no namespace). */
export function nsOf(node: XmlNode | undefined): string {
  const ns = node?.['#ns'];
  return typeof ns === 'string' ? ns : '';
}

/**
 * Turns a tree parsed with prefixes into one keyed by local names, each element tagged with
 * its namespace URI (`#ns`) from the `xmlns` declarations in scope. URIs are trimmed (servers
 * and the CUPS guide print `xmlns:dm=" urn:…"`); an undeclared prefix gives '' (no namespace
 * known). Prefixed attributes are keyed by local name; an unprefixed one wins a clash.
 */
function resolveNamespaces(tree: XmlNode, scope: Record<string, string> = { '': '' }): XmlNode {
  const out: XmlNode = {};
  for (const key of Object.keys(tree)) {
    const value = tree[key];
    if (key[0] === '@' || key === '#text') continue;
    const colon = key.indexOf(':');
    const prefix = colon < 0 ? '' : key.slice(0, colon);
    const local = colon < 0 ? key : key.slice(colon + 1);
    const list = Array.isArray(value) ? value : [value];
    const target = (out[local] ??= []) as XmlValue[];
    for (const item of list) {
      if (typeof item === 'string') {
        target.push({ '#text': item, '#ns': scope[prefix] ?? '' });
        continue;
      }
      const node = item as XmlNode;
      let inner = scope;
      for (const name of Object.keys(node)) {
        if (name === '@xmlns' || name.startsWith('@xmlns:')) {
          if (inner === scope) inner = { ...scope };
          inner[name === '@xmlns' ? '' : name.slice(7)] = String(Array.isArray(node[name]) ? node[name][0] : node[name]).trim();
        }
      }
      const resolved = resolveNamespaces(node, inner);
      for (const name of Object.keys(node)) {
        if (name[0] !== '@' || name === '@xmlns' || name.startsWith('@xmlns:')) continue;
        const at = name.indexOf(':');
        const attrLocal = at < 0 ? name : `@${name.slice(at + 1)}`;
        if (at < 0 || resolved[attrLocal] === undefined) resolved[attrLocal] = node[name];
      }
      if (node['#text'] !== undefined) resolved['#text'] = node['#text'];
      resolved['#ns'] = colon < 0 ? (inner[''] ?? '') : (inner[prefix] ?? '');
      target.push(resolved);
    }
  }
  return out;
}

/** Encodings a document may declare, by the names servers use (WHATWG labels, lower case). */
const ENCODING_ALIASES: Record<string, string> = { utf8: 'utf-8', latin1: 'iso-8859-1', 'latin-1': 'iso-8859-1', 'ucs-2': 'utf-16le' };

/**
 * The encoding a document's bytes declare, by the precedence of RFC 7303 §3: a byte order mark
 * (`bom` is its length), then the transport's `charset` (Content-Type), then the XML
 * declaration's `encoding`, else UTF-8. A WHATWG label, lower case, not yet checked.
 */
export function xmlEncoding(bytes: Uint8Array, charset?: string): { label: string; bom: number } {
  const b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { label: 'utf-8', bom: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { label: 'utf-16le', bom: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { label: 'utf-16be', bom: 2 };
  let label = charset?.trim().replace(/^"|"$/g, '').toLowerCase();
  if (!label) {
    // UTF-16 without a BOM shows as `<\0?\0` (little-endian) or `\0<\0?` (big-endian).
    if (b[0] === 0x3c && b[1] === 0 && b[2] === 0x3f && b[3] === 0) label = 'utf-16le';
    else if (b[0] === 0 && b[1] === 0x3c && b[2] === 0 && b[3] === 0x3f) label = 'utf-16be';
    else {
      const head = Buffer.from(b.subarray(0, 200)).toString('latin1');
      label = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][\w.:-]*)["']/.exec(head)?.[1]?.toLowerCase() ?? 'utf-8';
    }
  }
  label = ENCODING_ALIASES[label] ?? label;
  // A document that declares UTF-16 but arrived without a BOM: little-endian is what Windows sends.
  if (label === 'utf-16') label = 'utf-16le';
  return { label, bom: 0 };
}

/**
 * Decodes a document's bytes as it declares (`xmlEncoding`). An encoding this runtime cannot
 * decode is refused in words (never guessed).
 */
export function decodeXmlBytes(bytes: Uint8Array, charset?: string, what = 'XML document'): string {
  const { label, bom } = xmlEncoding(bytes, charset);
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label);
  } catch {
    throw new XmlError(`The ${what} is in the encoding "${label.slice(0, 40)}", which Presence Desk cannot read.`);
  }
  return decoder.decode(bytes.subarray(bom));
}

/** Children of `node` named `name` (local name), always an array. */
export function children(node: XmlValue | undefined, name: string): XmlNode[] {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return [];
  const value = (node as XmlNode)[name];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (typeof v === 'string' ? ({ '#text': v } as XmlNode) : (v as XmlNode)));
}

/** First child named `name`. */
export function child(node: XmlValue | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** Depth-first search for the first element named `name`. */
export function find(node: XmlValue | undefined, name: string): XmlNode | undefined {
  if (!node || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const hit = find(item, name);
      if (hit) return hit;
    }
    return undefined;
  }
  const direct = child(node, name);
  if (direct) return direct;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@') || key === '#text' || key === '#ns') continue;
    const hit = find(value, name);
    if (hit) return hit;
  }
  return undefined;
}

/** Text content of an element ('' when empty). */
export function text(node: XmlNode | undefined): string {
  if (!node) return '';
  const t = node['#text'];
  if (t === undefined) return '';
  if (Array.isArray(t)) return t.map((x) => (typeof x === 'string' ? x : '')).join('');
  return typeof t === 'string' ? t : '';
}

/** Attribute value (local name) or undefined. */
export function attr(node: XmlNode | undefined, name: string): string | undefined {
  if (!node) return undefined;
  const v = node[`@${name}`];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? String(v[0]) : String(v);
}

/**
 * An XML Schema boolean: `true`/`false`/`1`/`0`, surrounding whitespace ignored; undefined for
 * anything else (absent stays absent, garbage is not guessed). Letter case is ignored because
 * the CUPS interoperability guide prints `TRUE`/`FALSE` for these fields, and a server built to
 * the guide may send them so: `TRUE` means true here, not false.
 */
export function xsBoolean(value: string | undefined): boolean | undefined {
  const v = value?.trim().toLowerCase();
  return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : undefined;
}

/** Escapes text for XML element content and attribute values. */
export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
