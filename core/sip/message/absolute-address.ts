/**
 * From, To and Contact values whose address is not a SIP URI (`To: isbn:2983792873`,
 * `From: <http://www.example.com>;tag=1`, `Contact: <name:John_Smith>`, RFC 4475 §3.3.4).
 *
 * Why: RFC 3261 allows any absolute URI there (`addr-spec = SIP-URI / SIPS-URI / absoluteURI`),
 * and SIMPLE servers send `pres:` and `im:` addresses, but sip.js's grammar only knows SIP URIs:
 * it refuses the header and sip.js then drops the whole message as unparsable. The fast grammar
 * (sip-grammar.ts) asks this reader when the grammar refused one of these headers. It reads the
 * header to RFC 3261's rules (name-addr or addr-spec, then `;` parameters, and for Contact a
 * comma-separated list) and builds what sip.js's grammar would have built: a NameAddrHeader
 * (Contact: sip.js's list of them with their positions), whose URI is an `AbsoluteUri` that
 * prints back exactly as written. SIP URIs within the same header are still read by the grammar
 * (`readSipUri`), and a header with no address other than SIP URIs is left refused: this never
 * accepts what the grammar refuses for any other reason.
 */
import { NameAddrHeader, URI } from 'sip.js';

/** A URI of a scheme other than sip/sips, kept as written (sip.js would print `isbn://…`). */
export class AbsoluteUri extends URI {
  readonly text: string;
  constructor(text: string) {
    const colon = text.indexOf(':');
    // sip.js's URI needs a host; the scheme-specific part stands in for it.
    super(text.slice(0, colon), '', text.slice(colon + 1));
    this.text = text;
  }
  override toString(): string {
    return this.text;
  }
  override toRaw(): string {
    return this.text;
  }
  override clone(): AbsoluteUri {
    return new AbsoluteUri(this.text);
  }
}

/** The headers whose addresses may be absolute URIs (sip.js's start rule names). */
export const ADDRESS_RULES: ReadonlySet<string> = new Set(['From', 'To', 'Contact']);

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** RFC 3261 `uric` characters (reserved, unreserved, escaped), at least one. */
const URIC = /^(?:[A-Za-z0-9\-_.!~*'();/?:@&=+$,]|%[0-9A-Fa-f]{2})+$/;
/** In an addr-spec without `<>` the URI cannot hold `;`, `,` or `?` (RFC 3261 §20.10). */
const BARE_URIC = /^(?:[A-Za-z0-9\-_.!~*'()/:@&=+$]|%[0-9A-Fa-f]{2})+$/;
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+/;
/** A parameter value: a token, or a host (IPv6 reference included). */
const PARAM_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.!%*_+`'~:]+)/;

interface Cursor {
  s: string;
  at: number;
}

/** Skips linear white space, folded line ends included (RFC 3261 §7.3.1). */
const skipLws = (x: Cursor) => {
  for (;;) {
    const c = x.s[x.at];
    if (c === ' ' || c === '\t') x.at += 1;
    else if (c === '\r' && x.s[x.at + 1] === '\n' && (x.s[x.at + 2] === ' ' || x.s[x.at + 2] === '\t')) x.at += 3;
    else return;
  }
};

/** A quoted-string at the cursor, unescaped, or undefined. */
function quoted(x: Cursor): string | undefined {
  if (x.s[x.at] !== '"') return undefined;
  let out = '';
  for (let i = x.at + 1; i < x.s.length; i++) {
    const c = x.s[i];
    if (c === '\\') {
      if (i + 1 >= x.s.length) return undefined;
      out += x.s[++i];
    } else if (c === '"') {
      x.at = i + 1;
      return out;
    } else out += c;
  }
  return undefined;
}

/** One name-addr or addr-spec with its parameters, or undefined when it is not one. */
function address(x: Cursor, readSipUri: (uri: string) => URI | undefined): { header: NameAddrHeader; absolute: boolean } | undefined {
  skipLws(x);
  let displayName: string | undefined;
  let uriText: string;
  const angle = x.s.indexOf('<', x.at);
  if (x.s[x.at] === '"') {
    displayName = quoted(x);
    if (displayName === undefined) return undefined;
    skipLws(x);
    if (x.s[x.at] !== '<') return undefined;
  } else if (angle >= 0 && !/[;,"]/.test(x.s.slice(x.at, angle))) {
    // display-name = *(token LWS)
    const words = x.s.slice(x.at, angle).trim();
    if (words && !words.split(/\s+/).every((w) => TOKEN.exec(w)?.[0] === w)) return undefined;
    displayName = words.replace(/\s+/g, ' ') || undefined;
    x.at = angle;
  }
  if (x.s[x.at] === '<') {
    const close = x.s.indexOf('>', x.at);
    if (close < 0) return undefined;
    uriText = x.s.slice(x.at + 1, close);
    x.at = close + 1;
    if (!SCHEME.test(uriText) || !URIC.test(uriText.slice(uriText.indexOf(':') + 1))) return undefined;
  } else {
    const end = x.s.slice(x.at).search(/[;,\s]|$/);
    uriText = x.s.slice(x.at, x.at + end);
    x.at += end;
    if (!SCHEME.test(uriText) || !BARE_URIC.test(uriText.slice(uriText.indexOf(':') + 1))) return undefined;
  }
  const scheme = uriText.slice(0, uriText.indexOf(':')).toLowerCase();
  const absolute = scheme !== 'sip' && scheme !== 'sips';
  const uri = absolute ? new AbsoluteUri(uriText) : readSipUri(uriText);
  if (!uri) return undefined;
  const parameters: Record<string, string | null> = {};
  for (;;) {
    skipLws(x);
    if (x.s[x.at] !== ';') break;
    x.at += 1;
    skipLws(x);
    const name = TOKEN.exec(x.s.slice(x.at))?.[0];
    if (!name) return undefined;
    x.at += name.length;
    skipLws(x);
    let value: string | null = null;
    if (x.s[x.at] === '=') {
      x.at += 1;
      skipLws(x);
      const start = x.at;
      if (x.s[x.at] === '"') {
        if (quoted(x) === undefined) return undefined;
        value = x.s.slice(start, x.at);
      } else {
        value = PARAM_VALUE.exec(x.s.slice(x.at))?.[0] ?? '';
        if (!value) return undefined;
        x.at += value.length;
      }
    }
    parameters[name.toLowerCase()] = value;
  }
  // sip.js's grammar keeps a parameter without a value as null, though its types say string.
  return { header: new NameAddrHeader(uri, displayName as string, parameters as Record<string, string>), absolute };
}

/**
 * What sip.js's grammar would return for this From, To or Contact value had it known absolute
 * URIs, or undefined when the value is not valid or holds no address other than SIP URIs.
 * `readSipUri` reads a SIP URI with the grammar (undefined when it refuses it).
 */
export function readAbsoluteAddress(value: string, rule: string, readSipUri: (uri: string) => URI | undefined): unknown {
  if (!ADDRESS_RULES.has(rule)) return undefined;
  // Positions are in `value` as given (sip.js cuts each Contact out of it).
  const x: Cursor = { s: value, at: 0 };
  const list: { position: number; offset: number; parsed: NameAddrHeader }[] = [];
  let anyAbsolute = false;
  for (;;) {
    skipLws(x);
    const start = x.at;
    const one = address(x, readSipUri);
    if (!one) return undefined;
    anyAbsolute ||= one.absolute;
    list.push({ position: x.at, offset: start, parsed: one.header });
    skipLws(x);
    if (x.at === x.s.length) break;
    if (rule !== 'Contact' || x.s[x.at] !== ',') return undefined;
    x.at += 1;
  }
  if (!anyAbsolute) return undefined;
  return rule === 'Contact' ? list : list[0].parsed;
}
