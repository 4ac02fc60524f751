/**
 * RLMI, the Resource List Meta-Information document (RFC 4662 §5.2): which resources a list
 * has, which instance of each carries state in this NOTIFY (by Content-ID), and whether the
 * document is the full state of the list or a partial update (`fullState`), ordered by
 * `version`.
 */
import { attr, children, find, normaliseAttribute, parseXml, text, type XmlNode } from '../../xml/safe-xml';

export const RLMI_MAX_BYTES = 8 * 1024 * 1024;

export class RlmiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RlmiError';
  }
}

export type InstanceState = 'active' | 'pending' | 'terminated';

export interface RlmiInstance {
  id: string;
  state: InstanceState;
  /** Why a terminated instance ended (RFC 6665 reasons: rejected, deactivated, noresource…, and CUPS's quotaExceeded). */
  reason?: string;
  /** Content-ID of the part with this instance's state, if this NOTIFY carries it. */
  cid?: string;
}

export interface RlmiResource {
  uri: string;
  name?: string;
  instances: RlmiInstance[];
}

export interface Rlmi {
  uri: string;
  version: number;
  fullState: boolean;
  resources: RlmiResource[];
}

const STATES: readonly string[] = ['active', 'pending', 'terminated'];

/**
 * An element's attributes by local name, as the tree reader gives them (whitespace normalised,
 * not trimmed); `interpret` collapses the schema-typed ones (URIs, numbers, booleans, states).
 */
type Attributes = Record<string, string | undefined>;

/** The RLMI elements we read, from either reader, before their values are checked. */
interface RawResource {
  attrs: Attributes;
  /** Text of the first `<name>` ('' when none). */
  name: string;
  instances: Attributes[];
}
interface RawList {
  attrs: Attributes;
  resources: RawResource[];
}

/** Parses an RLMI document (throws `RlmiError`/`XmlError` with the reason). */
export function parseRlmi(xml: string): Rlmi {
  // Every NOTIFY carries one: the plain shape servers send is read by a scanner in one pass;
  // anything else (prefixes, comments, references, other elements, damage) by the XML parser.
  // The size cap first, counted as the general reader counts it (bytes, when close).
  const withinCap = xml.length <= RLMI_MAX_BYTES && (xml.length * 3 <= RLMI_MAX_BYTES || Buffer.byteLength(xml, 'utf8') <= RLMI_MAX_BYTES);
  const raw = (withinCap ? scanPlainRlmi(xml) : undefined) ?? readRlmiTree(xml);
  return interpret(raw);
}

/** The general reader: safe-xml's parser, with the refusals and leniency it gives every document. */
function readRlmiTree(xml: string): RawList {
  // A damaged document is never read leniently: a truncated full state would drop contacts,
  // a truncated partial one would report fewer changes than the server sent, and a duplicated
  // attribute leaves which value counts to chance. It is validated once, before the parse.
  const fullState = /\bfullState\s*=\s*["'](?:true|1)["']/.test(xml);
  const tree = parseXml(xml, {
    maxBytes: RLMI_MAX_BYTES,
    what: 'resource list (RLMI) document',
    requireWellFormed: true,
    wellFormedError: (detail) => new RlmiError(`${fullState ? 'full-state ' : ''}RLMI document is not well-formed XML (${detail})`),
  });
  const list = find(tree, 'list');
  if (!list) throw new RlmiError('RLMI document has no <list> element');
  const attrsOf = (node: XmlNode, names: readonly string[]): Attributes => Object.fromEntries(names.map((n) => [n, attr(node, n)]));
  return {
    attrs: attrsOf(list, ['uri', 'version', 'fullState']),
    resources: children(list, 'resource').map((resource) => ({
      attrs: attrsOf(resource, ['uri']),
      name: text(children(resource, 'name')[0]),
      instances: children(resource, 'instance').map((instance) => attrsOf(instance, ['id', 'state', 'reason', 'cid'])),
    })),
  };
}

/** Checks and converts what a reader found (the same rules and messages for both readers). */
function interpret(raw: RawList): Rlmi {
  // anyURI, unsignedInt and boolean collapse their whitespace (XML Schema): spaces around them are not part of them.
  const uri = (raw.attrs.uri ?? '').trim();
  if (!uri) throw new RlmiError('RLMI <list> has no uri attribute');
  const versionText = raw.attrs.version;
  // RFC 4662: version is an unsigned 32-bit counter; anything else cannot be ordered.
  if (versionText === undefined || !/^\d{1,10}$/.test(versionText.trim()) || Number(versionText) > 0xffffffff) {
    throw new RlmiError(`RLMI <list> has no usable version (${versionText === undefined ? 'missing' : `"${versionText.slice(0, 20)}"`})`);
  }
  const fullStateText = (raw.attrs.fullState ?? '').trim().toLowerCase();
  if (!['true', 'false', '1', '0'].includes(fullStateText)) throw new RlmiError(`RLMI <list> has no usable fullState ("${fullStateText.slice(0, 20)}")`);
  const resources = raw.resources.map((resource): RlmiResource => {
    const resourceUri = (resource.attrs.uri ?? '').trim();
    if (!resourceUri) throw new RlmiError('RLMI <resource> without a uri attribute');
    const name = resource.name.trim();
    const instances = resource.instances.map((instance): RlmiInstance => {
      const state = (instance.state ?? '').trim().toLowerCase();
      if (!STATES.includes(state)) throw new RlmiError(`RLMI instance of ${resourceUri} has an unknown state "${state.slice(0, 20)}"`);
      const reason = instance.reason?.trim();
      const cid = instance.cid?.trim();
      return {
        id: instance.id ?? '',
        state: state as InstanceState,
        ...(reason ? { reason } : {}),
        ...(cid ? { cid: cid.replace(/^<(.*)>$/, '$1') } : {}),
      };
    });
    return { uri: resourceUri, ...(name ? { name } : {}), instances };
  });
  return { uri, version: Number(versionText), fullState: fullStateText === 'true' || fullStateText === '1', resources };
}

/** Where the scanner is in the document. */
interface Cursor {
  s: string;
  at: number;
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipSpace(x: Cursor): void {
  while (x.at < x.s.length && isSpace(x.s.charCodeAt(x.at))) x.at += 1;
}

/** `<name` followed by a delimiter: consumes it. */
function openTag(x: Cursor, name: string): boolean {
  const { s, at } = x;
  if (s.charCodeAt(at) !== 0x3c || !s.startsWith(name, at + 1)) return false;
  const c = s.charCodeAt(at + 1 + name.length);
  if (!isSpace(c) && c !== 0x3e && c !== 0x2f) return false;
  x.at = at + 1 + name.length;
  return true;
}

/** `</name>` with optional space before `>`: consumes it. */
function closeTag(x: Cursor, name: string): boolean {
  if (!x.s.startsWith('</', x.at) || !x.s.startsWith(name, x.at + 2)) return false;
  x.at += 2 + name.length;
  skipSpace(x);
  if (x.s.charCodeAt(x.at) !== 0x3e) return false;
  x.at += 1;
  return true;
}

const isNameChar = (c: number, first: boolean) =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (!first && ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e));

/** Attributes up to `>` ('open') or `/>` ('empty'); undefined when not plain. */
function attributes(x: Cursor, into: Attributes): 'open' | 'empty' | undefined {
  const s = x.s;
  for (;;) {
    const before = x.at;
    skipSpace(x);
    const c = s.charCodeAt(x.at);
    if (c === 0x3e) {
      x.at += 1;
      return 'open';
    }
    if (c === 0x2f) {
      if (s.charCodeAt(x.at + 1) !== 0x3e) return undefined;
      x.at += 2;
      return 'empty';
    }
    if (x.at === before) return undefined; // attributes must be separated by whitespace
    const nameStart = x.at;
    while (x.at < s.length && isNameChar(s.charCodeAt(x.at), x.at === nameStart)) x.at += 1;
    if (x.at === nameStart) return undefined;
    const name = s.slice(nameStart, x.at);
    skipSpace(x);
    if (s.charCodeAt(x.at) !== 0x3d) return undefined;
    x.at += 1;
    skipSpace(x);
    const quote = s[x.at];
    if (quote !== '"' && quote !== "'") return undefined;
    const end = s.indexOf(quote, x.at + 1);
    if (end < 0) return undefined;
    const value = s.slice(x.at + 1, end);
    if (value.includes('<') || Object.prototype.hasOwnProperty.call(into, name)) return undefined;
    into[name] = normaliseAttribute(value);
    x.at = end + 1;
  }
}

const newAttributes = (): Attributes => Object.create(null) as Attributes;

/**
 * Reads the plain RLMI shape in one pass: an optional XML declaration, then `<list>` holding
 * `<resource>` elements, each with an optional `<name>` (text only) and `<instance>` elements;
 * unprefixed attribute names, quoted values, whitespace between elements. It accepts only
 * well-formed documents of that shape and returns undefined for anything else — a DOCTYPE,
 * comment or CDATA (`<!`), a reference (`&`), a prefix, any other element, text where none
 * belongs, a duplicated attribute, a document cut short — which the general reader then reads
 * (and refuses or repairs) exactly as before. So it never accepts what that reader refuses.
 */
function scanPlainRlmi(xml: string): RawList | undefined {
  if (xml.includes('&') || xml.includes('<!')) return undefined;
  const x: Cursor = { s: xml, at: 0 };
  skipSpace(x);
  if (xml.startsWith('<?xml', x.at)) {
    const end = xml.indexOf('?>', x.at);
    if (end < 0) return undefined;
    x.at = end + 2;
    skipSpace(x);
  }
  if (!openTag(x, 'list')) return undefined;
  const list: RawList = { attrs: newAttributes(), resources: [] };
  const listForm = attributes(x, list.attrs);
  if (!listForm) return undefined;
  if (listForm === 'open') {
    for (;;) {
      skipSpace(x);
      if (closeTag(x, 'list')) break;
      if (!openTag(x, 'resource')) return undefined;
      const resource: RawResource = { attrs: newAttributes(), name: '', instances: [] };
      list.resources.push(resource);
      const form = attributes(x, resource.attrs);
      if (!form) return undefined;
      if (form === 'empty') continue;
      let named = false;
      for (;;) {
        skipSpace(x);
        if (closeTag(x, 'resource')) break;
        if (openTag(x, 'instance')) {
          const instance = newAttributes();
          const f = attributes(x, instance);
          if (!f) return undefined;
          if (f === 'open') {
            skipSpace(x);
            if (!closeTag(x, 'instance')) return undefined;
          }
          resource.instances.push(instance);
        } else if (openTag(x, 'name')) {
          const f = attributes(x, newAttributes());
          if (!f) return undefined;
          let value = '';
          if (f === 'open') {
            const end = xml.indexOf('<', x.at);
            if (end < 0) return undefined;
            value = xml.slice(x.at, end);
            x.at = end;
            if (!closeTag(x, 'name')) return undefined;
          }
          if (!named) resource.name = value.trim();
          named = true;
        } else {
          return undefined;
        }
      }
    }
  }
  skipSpace(x);
  return x.at === xml.length ? list : undefined;
}
