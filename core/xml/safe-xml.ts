/**
 * Safe, lenient XML parsing for everything the network sends us (SOAP, PIDF, RLMI, WebDialer).
 *
 * - No entity expansion beyond the five predefined entities and character references:
 *   a DOCTYPE is refused outright, so "billion laughs" and external entities cannot happen.
 * - A size cap is checked before parsing.
 * - One parse per document where no repair applies (see `parseXml`).
 * - Namespace prefixes are stripped: elements are read by local name, whatever prefix a server
 *   chose (`epas:`, `env:`, `soapenv:`, `S:` …).
 * - A repair pass fixes only damage that is unambiguous (attributes run together without
 *   whitespace, `name=="x"`), which the CUPS documentation's examples show.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const DEFAULT_MAX_XML_BYTES = 10 * 1024 * 1024;

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const PARSER_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  processEntities: true, // only the predefined five and numeric references: DOCTYPEs are refused below
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: '#text',
  isArray: () => true,
  // Our callbacks ignore the element's path: without this the parser builds a path string
  // for every element and attribute (a fifth of the parse time for a PIDF).
  jPath: false,
} as const;

const entityParser = new XMLParser(PARSER_OPTIONS);
// A document without `&` has no references to expand: the entity pass would change nothing.
const plainParser = new XMLParser({ ...PARSER_OPTIONS, processEntities: false });
const parser = { parse: (text: string): unknown => (text.includes('&') ? entityParser : plainParser).parse(text) };

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
  if (xml.length > max || (xml.length * 3 > max && Buffer.byteLength(xml, 'utf8') > max)) throw new XmlError(`The ${what} is larger than ${Math.round(max / 1024 / 1024)} MB and was refused.`);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new XmlError(`The ${what} declares a DOCTYPE or entities, which are refused for safety.`);
  let text = xml.replace(/^\uFEFF/, '').trim();
  if (!text.startsWith('<')) throw new XmlError(`The ${what} is not XML.`);
  if (options.requireWellFormed) {
    const check = XMLValidator.validate(text);
    if (check !== true) throw options.wellFormedError?.(validationDetail(check)) ?? new XmlError(`The ${what} is not well-formed XML (${validationDetail(check)}).`);
  } else if (!REPAIRABLE.test(text)) {
    try {
      return parser.parse(text) as XmlNode;
    } catch (error) {
      const check = XMLValidator.validate(text);
      if (check !== true) throw new XmlError(`The ${what} is not well-formed XML (${validationDetail(check)}).`);
      throw new XmlError(`The ${what} could not be read as XML (${(error as Error).message}).`);
    }
  } else if (XMLValidator.validate(text) !== true) {
    text = repairXml(text);
    const check = XMLValidator.validate(text);
    if (check !== true) {
      // Unbalanced or wrongly closed tags: fast-xml-parser still builds a tree from them; we
      // accept that tree only if the document's structure can be read at all.
      try {
        return parser.parse(text) as XmlNode;
      } catch {
        throw new XmlError(`The ${what} is not well-formed XML (${validationDetail(check)}).`);
      }
    }
  }
  try {
    return parser.parse(text) as XmlNode;
  } catch (error) {
    throw new XmlError(`The ${what} could not be read as XML (${(error as Error).message}).`);
  }
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
    if (key.startsWith('@') || key === '#text') continue;
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

/** Escapes text for XML element content and attribute values. */
export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
