// Over 400 lines: each replacement stands beside the sip.js method it replaces and the check that it still has that shape.
/**
 * Cheaper message plumbing for sip.js, installed once at start-up beside the fast grammar.
 *
 * Why: a sign-in moves five SIP messages per contact (SUBSCRIBE out, 200 in, NOTIFY in, 200
 * out, and the NOTIFY's body), and profiles of a 1,000-contact sign-in showed sip.js's generic
 * plumbing near the top, none of it needed for those messages:
 *  - `headerize` (a split, a map and an exceptions object per call) runs on every header access
 *    of every message (`getHeader("call-id")` → `Call-ID`) — the same few dozen names each time;
 *  - the message parser tests each line with regular expressions built on substrings
 *    (`data.substring(start, start + 2).match(/(^\r\n)/)`);
 *  - an outgoing request's `getHeader`/`hasHeader` for a header it does not have compiles a
 *    new `RegExp` to look through the extra headers, every time;
 *  - incoming messages and outgoing requests measure their body's UTF-8 length with
 *    `encodeURIComponent` and a regular expression (a PIDF body is mostly characters it escapes).
 * This replaces those methods on sip.js's message classes (and `Parser.parseMessage`) with the
 * same logic, minus the repeated work: header names are normalised once per distinct name (the
 * table is bounded: names from the network beyond it are normalised each time, as before),
 * lines are scanned with `indexOf` and character codes, the extra-header patterns are compiled
 * once per name, and body lengths come from `Buffer.byteLength`. Results are the same as sip.js's
 * (`test/unit/sip/fast-message.test.ts` reads a corpus of real and torture messages both ways).
 *
 * Loud, not silent: `installFastMessages` throws at start-up, naming what it did not find, if
 * sip.js's classes no longer have the methods replaced here.
 */
import { IncomingMessage } from 'sip.js/lib/core/messages/incoming-message.js';
import { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import { IncomingResponseMessage } from 'sip.js/lib/core/messages/incoming-response-message.js';
import { OutgoingRequestMessage } from 'sip.js/lib/core/messages/outgoing-request-message.js';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { headerize } from 'sip.js/lib/core/messages/utils.js';
import { Grammar } from 'sip.js/lib/grammar/grammar.js';
import { UserAgent, UserAgentState } from 'sip.js';

/** Distinct header names remembered (a session uses a few dozen; hostile input cannot grow it past this). */
const NAMES_LIMIT = 512;
const names = new Map<string, string>();

/** sip.js's `headerize`, remembered per distinct input. */
export function headerName(name: string): string {
  let canonical = names.get(name);
  if (canonical === undefined) {
    canonical = headerize(name);
    if (names.size < NAMES_LIMIT) names.set(name, canonical);
  }
  return canonical;
}

/** sip.js's extra-header pattern for a name (`^\s*<name>\s*:`, case-insensitive), compiled once. */
const patterns = new Map<string, RegExp>();
function extraHeaderPattern(name: string): RegExp {
  let pattern = patterns.get(name);
  if (pattern === undefined) {
    pattern = new RegExp('^\\s*' + name + '\\s*:', 'i');
    if (patterns.size < NAMES_LIMIT) patterns.set(name, pattern);
  }
  return pattern;
}

type Headers = Record<string, Array<{ raw: string; parsed?: unknown }>>;
type Incoming = IncomingMessage & { headers: Headers };
type Outgoing = OutgoingRequestMessage & { headers: Record<string, string[]>; extraHeaders: string[] };
type Logger = { warn(m: string): void; error(m: string): void };

const incoming = {
  addHeader(this: Incoming, name: string, value: string): void {
    const header = { raw: value };
    const key = headerName(name);
    const list = this.headers[key];
    if (list) list.push(header);
    else this.headers[key] = [header];
  },
  getHeader(this: Incoming, name: string): string | undefined {
    const header = this.headers[headerName(name)];
    return header && header[0] ? header[0].raw : undefined;
  },
  getHeaders(this: Incoming, name: string): string[] {
    const header = this.headers[headerName(name)];
    if (!header) return [];
    const result: string[] = [];
    for (const part of header) result.push(part.raw);
    return result;
  },
  hasHeader(this: Incoming, name: string): boolean {
    return !!this.headers[headerName(name)];
  },
  parseHeader(this: Incoming, name: string, idx = 0): unknown {
    const key = headerName(name);
    const list = this.headers[key];
    if (!list || idx >= list.length) return undefined;
    const header = list[idx];
    if (header.parsed) return header.parsed;
    const parsed = Grammar.parse(header.raw, key.replace(/-/g, '_'));
    if (parsed === -1) {
      list.splice(idx, 1);
      return undefined;
    }
    header.parsed = parsed;
    return parsed;
  },
  setHeader(this: Incoming, name: string, value: string): void {
    this.headers[headerName(name)] = [{ raw: value }];
  },
};

const outgoing = {
  getHeader(this: Outgoing, name: string): string | undefined {
    const header = this.headers[headerName(name)];
    if (header) return header[0] ? header[0] : undefined;
    if (this.extraHeaders.length === 0) return undefined;
    const pattern = extraHeaderPattern(name);
    for (const extra of this.extraHeaders) if (pattern.test(extra)) return extra.substring(extra.indexOf(':') + 1).trim();
    return undefined;
  },
  getHeaders(this: Outgoing, name: string): string[] {
    const result: string[] = [];
    const header = this.headers[headerName(name)];
    if (header) {
      for (const part of header) result.push(part);
    } else if (this.extraHeaders.length > 0) {
      const pattern = extraHeaderPattern(name);
      for (const extra of this.extraHeaders) if (pattern.test(extra)) result.push(extra.substring(extra.indexOf(':') + 1).trim());
    }
    return result;
  },
  hasHeader(this: Outgoing, name: string): boolean {
    if (this.headers[headerName(name)]) return true;
    if (this.extraHeaders.length === 0) return false;
    const pattern = extraHeaderPattern(name);
    return this.extraHeaders.some((extra) => pattern.test(extra));
  },
  setHeader(this: Outgoing, name: string, value: string | string[]): void {
    this.headers[headerName(name)] = value instanceof Array ? value : [value];
  },
};

const isSpace = (code: number) => code === 32 || code === 9 || ((code < 32 || code > 126) && /\s/.test(String.fromCharCode(code)));

/**
 * sip.js's `getHeader` (the end of the header line starting at `start`, folded lines
 * included): -2 at the blank line ending the header, -1 when no CRLF follows.
 */
function headerEnd(data: string, start: number): number {
  if (data.charCodeAt(start) === 13 && data.charCodeAt(start + 1) === 10) return -2;
  for (;;) {
    const partialEnd = data.indexOf('\r\n', start);
    if (partialEnd === -1) return -1;
    const crlfNext = data.charCodeAt(partialEnd + 2) === 13 && data.charCodeAt(partialEnd + 3) === 10;
    if (!crlfNext && partialEnd + 2 < data.length && isSpace(data.charCodeAt(partialEnd + 2))) start = partialEnd + 2;
    else return partialEnd;
  }
}

/** sip.js's `Parser.parseMessage`, with the line scan above. */
function parseMessage(data: string, logger: Logger): IncomingRequestMessage | IncomingResponseMessage | undefined {
  let headerStart: number;
  let end = data.indexOf('\r\n');
  if (end === -1) {
    logger.warn('no CRLF found, not a SIP message, discarded');
    return undefined;
  }
  const firstLine = data.substring(0, end);
  const parsed = Grammar.parse(firstLine, 'Request_Response') as -1 | { method?: string; uri?: unknown; status_code?: number; reason_phrase?: string };
  // Fields set as sip.js's parser sets them (some are read-only in its typings).
  let message: (IncomingRequestMessage | IncomingResponseMessage) & Record<string, unknown>;
  let fields: Record<string, unknown>;
  if (parsed === -1) {
    logger.warn('error parsing first line of SIP message: "' + firstLine + '"');
    return undefined;
  } else if (!parsed.status_code) {
    message = new IncomingRequestMessage() as IncomingRequestMessage & Record<string, unknown>;
    fields = message;
    fields.method = parsed.method;
    fields.ruri = parsed.uri;
  } else {
    message = new IncomingResponseMessage() as IncomingResponseMessage & Record<string, unknown>;
    fields = message;
    fields.statusCode = parsed.status_code;
    fields.reasonPhrase = parsed.reason_phrase;
  }
  message.data = data;
  headerStart = end + 2;
  let bodyStart: number;
  for (;;) {
    end = headerEnd(data, headerStart);
    if (end === -2) {
      bodyStart = headerStart + 2;
      break;
    } else if (end === -1) {
      logger.error('malformed message');
      return undefined;
    }
    let result: true | { error: string };
    try {
      result = Parser.parseHeader(message, data, headerStart, end) as true | { error: string };
    } catch (error) {
      // sip.js's header parser throws on some damaged headers (a CSeq it half-read): the
      // message is refused like any other malformed one, in words, instead of throwing.
      logger.error(`malformed header: ${(error as Error).message}`);
      return undefined;
    }
    if (result && result !== true) {
      logger.error(result.error);
      return undefined;
    }
    headerStart = end + 2;
  }
  if (message.hasHeader('content-length')) message.body = data.substr(bodyStart, Number(message.getHeader('content-length')));
  else message.body = data.substring(bodyStart);
  return message;
}

/** `encodeURIComponent(s).replace(/%[A-F\d]{2}/g, "U").length` (sip.js's utf8Length), for well-formed text. */
function utf8Length(body: string): number {
  return Buffer.byteLength(body, 'utf8');
}

type Agent = {
  state: UserAgentState;
  logger: Logger;
  options: { sipjsId: string; viaHost: string };
  getLogger(category: string): Logger;
  userAgentCore: {
    replyStateless(m: unknown, o: { statusCode: number }): void;
    receiveIncomingRequestFromTransport(m: unknown): void;
    receiveIncomingResponseFromTransport(m: unknown): void;
  };
};

/** sip.js's `UserAgent.onTransportMessage` (the checks every incoming message passes), with body lengths from `Buffer.byteLength`. */
function onTransportMessage(this: Agent, messageString: string): void {
  const message = Parser.parseMessage(messageString, this.getLogger('sip.Parser') as never) as (IncomingRequestMessage | IncomingResponseMessage) | undefined;
  if (!message) {
    this.logger.warn('Failed to parse incoming message. Dropping.');
    return;
  }
  if (this.state === UserAgentState.Stopped && message instanceof IncomingRequestMessage) {
    this.logger.warn(`Received ${message.method} request while stopped. Dropping.`);
    return;
  }
  const hasMinimumHeaders = () => {
    for (const header of ['from', 'to', 'call_id', 'cseq', 'via']) {
      if (!message.hasHeader(header)) {
        this.logger.warn(`Missing mandatory header field : ${header}.`);
        return false;
      }
    }
    return true;
  };
  if (message instanceof IncomingRequestMessage) {
    if (!hasMinimumHeaders()) {
      this.logger.warn(`Request missing mandatory header field. Dropping.`);
      return;
    }
    if (!message.toTag && message.callId.substr(0, 5) === this.options.sipjsId) {
      this.userAgentCore.replyStateless(message, { statusCode: 482 });
      return;
    }
    const contentLength = message.getHeader('content-length');
    if (contentLength && utf8Length(message.body) < Number(contentLength)) {
      this.userAgentCore.replyStateless(message, { statusCode: 400 });
      return;
    }
  }
  if (message instanceof IncomingResponseMessage) {
    if (!hasMinimumHeaders()) {
      this.logger.warn(`Response missing mandatory header field. Dropping.`);
      return;
    }
    if (message.getHeaders('via').length > 1) {
      this.logger.warn('More than one Via header field present in the response. Dropping.');
      return;
    }
    if (message.via.host !== this.options.viaHost || message.via.port !== undefined) {
      this.logger.warn('Via sent-by in the response does not match UA Via host value. Dropping.');
      return;
    }
    const contentLength = message.getHeader('content-length');
    if (contentLength && utf8Length(message.body) < Number(contentLength)) {
      this.logger.warn('Message body length is lower than the value in Content-Length header field. Dropping.');
      return;
    }
  }
  if (message instanceof IncomingRequestMessage) {
    this.userAgentCore.receiveIncomingRequestFromTransport(message);
    return;
  }
  if (message instanceof IncomingResponseMessage) {
    this.userAgentCore.receiveIncomingResponseFromTransport(message);
    return;
  }
  throw new Error('Invalid message type.');
}

/**
 * The checks `onTransportMessage` above copies, in the order sip.js 0.21 makes them: each
 * must still be in sip.js's own (also once bundled, where names may get a digit suffix).
 */
const ON_TRANSPORT_MESSAGE_SHAPE = [
  /Parser\d*\.parseMessage\(/,
  /UserAgentState\d*\.Stopped && message\d* instanceof IncomingRequestMessage/,
  /\["from", "to", "call_id", "cseq", "via"\]/,
  /statusCode: 482/,
  /utf8Length\d*\(message\d*\.body\)[\s\S]*statusCode: 400/,
  /getHeaders\("via"\)\.length > 1/,
  /via\.host !== this\.options\.viaHost \|\| message\d*\.via\.port !== (?:undefined|void 0)/,
  /utf8Length\d*\(message\d*\.body\)/,
  /receiveIncomingRequestFromTransport[\s\S]*receiveIncomingResponseFromTransport/,
];

const originals = {
  incoming: Object.fromEntries(Object.keys(incoming).map((k) => [k, (IncomingMessage.prototype as unknown as Record<string, unknown>)[k]])),
  outgoing: Object.fromEntries(Object.keys(outgoing).map((k) => [k, (OutgoingRequestMessage.prototype as unknown as Record<string, unknown>)[k]])),
  parseMessage: Parser.parseMessage,
  toString: OutgoingRequestMessage.prototype.toString,
  onTransportMessage: (UserAgent.prototype as unknown as { onTransportMessage: unknown }).onTransportMessage,
};
let installed = false;

/** An outgoing request's text, as sip.js writes it, with body lengths from `Buffer.byteLength`. */
type Written = {
  method: string;
  ruri: { toRaw(): string };
  headers: Record<string, string[]>;
  extraHeaders: string[];
  options: { optionTags: string[]; userAgentString: string };
  body?: string | { body?: string; contentType?: string };
};
function outgoingToString(this: Written): string {
  let msg = this.method + ' ' + this.ruri.toRaw() + ' SIP/2.0\r\n';
  for (const header in this.headers) {
    const parts = this.headers[header];
    if (parts) for (const part of parts) msg += header + ': ' + part + '\r\n';
  }
  for (const header of this.extraHeaders) msg += header.trim() + '\r\n';
  msg += 'Supported: ' + this.options.optionTags.join(', ') + '\r\n';
  msg += 'User-Agent: ' + this.options.userAgentString + '\r\n';
  if (this.body) {
    if (typeof this.body === 'string') {
      msg += 'Content-Length: ' + utf8Length(this.body) + '\r\n\r\n';
      msg += this.body;
    } else if (this.body.body && this.body.contentType) {
      msg += 'Content-Type: ' + this.body.contentType + '\r\n';
      msg += 'Content-Length: ' + utf8Length(this.body.body) + '\r\n\r\n';
      msg += this.body.body;
    } else {
      msg += 'Content-Length: ' + 0 + '\r\n\r\n';
    }
  } else {
    msg += 'Content-Length: ' + 0 + '\r\n\r\n';
  }
  return msg;
}

/** The shape `outgoingToString` reproduces: checked against sip.js's own on a sample before installing. */
function sameToString(): boolean {
  const request = new OutgoingRequestMessage(
    'MESSAGE',
    Grammar.URIParse('sip:kim@lab.test')!,
    Grammar.URIParse('sip:alex@lab.test')!,
    Grammar.URIParse('sip:kim@lab.test')!,
    { callId: 'c1', cseq: 2, toTag: 't', fromTag: 'f' },
    ['X-Extra: 1'],
    { contentDisposition: 'render', contentType: 'text/plain', content: 'héllo ✓' } as never,
  );
  return (originals.toString as () => string).call(request) === outgoingToString.call(request as never);
}

/**
 * Installs the methods above on sip.js's message classes (once; later calls are no-ops).
 * Throws, naming what failed, if sip.js's classes are not what this was written for.
 */
export function installFastMessages(): void {
  if (installed) return;
  for (const [where, table] of [
    ['IncomingMessage', originals.incoming],
    ['OutgoingRequestMessage', originals.outgoing],
  ] as const) {
    for (const [name, fn] of Object.entries(table))
      if (typeof fn !== 'function') throw new Error(`sip.js messages: ${where}.${name} is missing; the fast message methods cannot be installed.`);
  }
  if (typeof Parser.parseMessage !== 'function' || typeof Parser.parseHeader !== 'function')
    throw new Error('sip.js messages: Parser.parseMessage/parseHeader are missing; the fast message parser cannot be installed.');
  if (!sameToString())
    throw new Error('sip.js messages: OutgoingRequestMessage.toString writes requests differently; the fast message methods cannot be installed.');
  const own = String(originals.onTransportMessage);
  const missing = ON_TRANSPORT_MESSAGE_SHAPE.find((check) => !check.test(own));
  if (missing || own.split('\n').length > 110)
    throw new Error(
      `sip.js messages: UserAgent.onTransportMessage no longer checks messages as expected (${missing ?? 'longer'}); the fast message methods cannot be installed.`,
    );
  Object.assign(IncomingMessage.prototype, incoming);
  Object.assign(OutgoingRequestMessage.prototype, outgoing, { toString: outgoingToString });
  (Parser as { parseMessage: unknown }).parseMessage = parseMessage;
  (UserAgent.prototype as unknown as { onTransportMessage: unknown }).onTransportMessage = onTransportMessage;
  installed = true;
}

/** Puts sip.js's own methods back (tests compare both). */
export function uninstallFastMessages(): void {
  if (!installed) return;
  Object.assign(IncomingMessage.prototype, originals.incoming);
  Object.assign(OutgoingRequestMessage.prototype, originals.outgoing, { toString: originals.toString });
  (Parser as { parseMessage: unknown }).parseMessage = originals.parseMessage;
  (UserAgent.prototype as unknown as { onTransportMessage: unknown }).onTransportMessage = originals.onTransportMessage;
  installed = false;
}

export function fastMessagesInstalled(): boolean {
  return installed;
}
