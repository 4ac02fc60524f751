/**
 * A one-pass reader for the messages of the subscription wire (SUBSCRIBE answers and NOTIFYs):
 * the start line, each header's values by lower-case long name, and the body. Nothing is
 * parsed until asked for, and only the few values the wire acts on are ever parsed (tags,
 * branch, CSeq, a challenge). A sign-in reads four of these per contact, so this replaces
 * sip.js's full parse (a grammar run per header, an object per header) on that path.
 *
 * The transports have already checked every message (message-checks.ts: start line, Via,
 * Call-ID, To, From, CSeq, Content-Length), so this reader trusts that shape.
 */
import type { DigestChallenge } from './digest';

/** RFC 3261 §7.3.3 compact forms of the headers the wire reads. */
const COMPACT: Record<string, string> = {
  i: 'call-id',
  f: 'from',
  t: 'to',
  v: 'via',
  m: 'contact',
  c: 'content-type',
  l: 'content-length',
  o: 'event',
  k: 'supported',
};

export class LightMessage {
  /** Request method (upper case), or undefined for a response. */
  readonly method: string | undefined;
  /** Response status, or 0 for a request. */
  readonly status: number;
  readonly reason: string;
  readonly body: string;
  private readonly headers = new Map<string, string[]>();

  constructor(raw: string) {
    const headEnd = raw.indexOf('\r\n\r\n');
    let head = headEnd < 0 ? raw : raw.slice(0, headEnd);
    // Folded lines (RFC 3261 §7.3.1) are rare: unfolded only when present.
    if (head.includes('\r\n ') || head.includes('\r\n\t')) head = head.replace(/\r\n[ \t]+/g, ' ');
    let at = head.indexOf('\r\n');
    const start = at < 0 ? head : head.slice(0, at);
    if (start.startsWith('SIP/2.0 ')) {
      this.status = Number(start.slice(8, 11));
      this.reason = start.slice(12).trim();
    } else {
      this.status = 0;
      this.reason = '';
      this.method = start.slice(0, start.indexOf(' ')).toUpperCase();
    }
    while (at >= 0) {
      const from = at + 2;
      at = head.indexOf('\r\n', from);
      const line = at < 0 ? head.slice(from) : head.slice(from, at);
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      let name = line.slice(0, colon).trim().toLowerCase();
      if (name.length === 1) name = COMPACT[name] ?? name;
      const value = line.slice(colon + 1).trim();
      const list = this.headers.get(name);
      if (list) list.push(value);
      else this.headers.set(name, [value]);
    }
    const body = headEnd < 0 ? '' : raw.slice(headEnd + 4);
    const declared = Number(this.header('content-length'));
    // A datagram may carry bytes past Content-Length (RFC 3261 §18.3): cut as sip.js cuts, by
    // characters. The transport decoded the body (UTF-8, else one character per byte), so a
    // body never has more characters than bytes and a whole one is never cut.
    this.body = Number.isInteger(declared) && body.length > declared ? body.slice(0, declared) : body;
  }

  /** The first value of a header (lower-case long name), or undefined. */
  header(name: string): string | undefined {
    return this.headers.get(name)?.[0];
  }

  /** Every value of a header, in order (empty when absent). */
  values(name: string): string[] {
    return this.headers.get(name) ?? [];
  }

  get callId(): string {
    return this.header('call-id') ?? '';
  }

  /** The CSeq number. */
  get cseq(): number {
    return parseInt(this.header('cseq') ?? '', 10);
  }

  /** The top Via's branch. */
  get branch(): string | undefined {
    const via = this.header('via');
    return via === undefined ? undefined : /;\s*branch\s*=\s*([^;,\s]+)/i.exec(via)?.[1];
  }
}

/** The `tag` parameter of a From or To value (after the URI's closing `>` when there is one). */
export function tagOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const close = value.lastIndexOf('>');
  return /;\s*tag\s*=\s*([^;\s]+)/i.exec(close < 0 ? value : value.slice(close))?.[1];
}

/** The URI of a Contact or Record-Route value: inside `<…>`, else up to the first parameter. */
export function uriOf(value: string): string {
  const open = value.indexOf('<');
  if (open >= 0) {
    const close = value.indexOf('>', open);
    if (close > open) return value.slice(open + 1, close).trim();
  }
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(0, semi)).trim();
}

/** A `WWW-Authenticate` / `Proxy-Authenticate` value (RFC 7616 §3.3), or undefined when it is not Digest. */
export function parseChallenge(value: string | undefined): DigestChallenge | undefined {
  const m = value === undefined ? null : /^\s*digest\s+/i.exec(value);
  if (!m) return undefined;
  const out: DigestChallenge = {};
  const param = /\s*([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))\s*(?:,|$)/gy;
  param.lastIndex = m[0].length;
  for (let p = param.exec(value!); p; p = param.exec(value!)) {
    const name = p[1].toLowerCase();
    const v = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
    if (name === 'realm' || name === 'nonce' || name === 'opaque' || name === 'algorithm' || name === 'qop') out[name] = v;
    else if (name === 'stale') out.stale = v.toLowerCase() === 'true';
  }
  return out;
}

/**
 * `sip:user@host` with a plain user part and a lower-case host name: sip.js's grammar would
 * accept it and write it back unchanged, so it is used as it is, without a grammar run (the
 * addresses of a buddy list are all of this shape; test/unit/sip/subscription-wire.test.ts
 * compares both on such addresses).
 */
const PLAIN_SIP_URI = /^sip:[A-Za-z0-9._~-]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z](?:[a-z0-9-]*[a-z0-9])?$/;
export const isPlainSipUri = (text: string): boolean => PLAIN_SIP_URI.test(text);
