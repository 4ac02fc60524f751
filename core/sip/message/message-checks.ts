/**
 * The checks every SIP message passes before a transport hands it on, read without a full
 * parse: the start line, the headers the transport itself relies on, and the RFC 3261 ranges
 * of the numbers a stack acts on. A message that fails is dropped with the reason in words
 * (`SipMessageError`); a stream whose framing cannot be trusted any more is a `FramingError`.
 *
 * What is accepted and refused follows RFC 3261 and the verdicts of RFC 4475 (the torture
 * tests, `test/unit/sip/rfc4475.test.ts`):
 * - methods are tokens (RFC 3261 §25.1), so `!interesting-Method0123456789_*+\`.%indeed'~` is a
 *   method, in the start line and in CSeq alike; the CSeq method must be the request's;
 * - CSeq numbers are below 2^31 (§8.1.1.5), Max-Forwards at most 255 (§20.22: 0–255 by
 *   practice; the RFC's grammar is 1*DIGIT but RFC 4475 §3.1.2.4 treats 300 as invalid),
 *   Expires (delta-seconds) at most 2^32−1 (§20.19, §25.1);
 * - every Content-Length header (long or compact form) must say the same number: two that
 *   differ leave the body's end to chance, so the message is refused (over a stream, the
 *   connection, since the next message's start is unknown);
 * - To, From and Request-URI may carry any absolute URI (`isbn:`, `name:`): this layer does not
 *   refuse schemes it does not speak (RFC 4475 §3.1.1.12).
 * - a datagram's body shorter than its Content-Length is truncated and refused (§18.3);
 * - To, From, Call-ID, CSeq and Max-Forwards appear once (RFC 4475 §3.3.8), and a SIP
 *   Request-URI carries no headers (`?Route=…`, RFC 4475 §3.1.2.11);
 * - a Date header is not read, so a non-GMT one is ignored, as RFC 4475 §3.1.2.12 allows an
 *   element that does not use it.
 */

export class SipMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SipMessageError';
  }
}

/** The stream cannot be framed any more; `framed` holds the messages read before the fault. */
export class FramingError extends Error {
  constructor(
    message: string,
    readonly framed: string[] = [],
  ) {
    super(message);
    this.name = 'FramingError';
  }
}

/** What a transport needs to know of a SIP message (read without a full parse). */
export interface SipSummary {
  kind: 'request' | 'response';
  /** Request method, or the CSeq method of a response (upper case). */
  method: string;
  status?: number;
  /** Top Via branch (or a key built from Call-ID and CSeq for pre-RFC 3261 peers). */
  branch: string;
  callId: string;
}

/** RFC 3261 §25.1 `token`. */
const TOKEN = "[A-Za-z0-9\\-.!%*_+`'~]+";
const TOKEN_RE = new RegExp(`^${TOKEN}$`);
const CSEQ_RE = new RegExp(`^(\\d+)[ \\t]+(${TOKEN})$`);
const REQUEST_LINE = new RegExp(`^(${TOKEN}) (\\S+) SIP/2\\.0$`);
const STATUS_LINE = /^SIP\/2\.0 (\d{3})(?: .*)?$/;
const MAX_CSEQ = 2 ** 31 - 1;
const MAX_EXPIRES = 2 ** 32 - 1;
const MAX_FORWARDS = 255;
/** Headers that are not lists, so a message carries each once (RFC 3261 §7.3.1, RFC 4475 §3.3.8): name, and long name (compact forms are read as long). */
const SINGLE: [string, string][] = [
  ['To', 'to'],
  ['From', 'from'],
  ['Call-ID', 'call-id'],
  ['CSeq', 'cseq'],
  ['Max-Forwards', 'max-forwards'],
];

/** Header lines of a header section, folded lines joined (RFC 3261 §7.3.1). */
function headerLines(head: string): string[] {
  const unfolded = head.includes('\n ') || head.includes('\n\t') ? head.replace(/\r?\n[ \t]+/g, ' ') : head;
  return unfolded.split(/\r?\n/);
}

/** The compact forms (RFC 3261 §7.3.3) of the headers checked here. */
const COMPACT: Readonly<Record<string, string>> = { v: 'via', i: 'call-id', t: 'to', f: 'from', l: 'content-length' };
/** The headers checked here: the others are not collected. */
const CHECKED = new Set(['via', 'call-id', 'to', 'from', 'cseq', 'content-length', 'max-forwards', 'expires']);

/** Every value of the checked headers, by lower-case long name, in order: one pass over the lines. */
function checkedValues(lines: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    let name = line.slice(0, colon).trim().toLowerCase();
    if (name.length === 1) name = COMPACT[name] ?? name;
    if (!CHECKED.has(name)) continue;
    const value = line.slice(colon + 1).trim();
    const list = out.get(name);
    if (list) list.push(value);
    else out.set(name, [value]);
  }
  return out;
}

/** The Content-Length values of header lines: undefined when none; throws when one is not a number or two differ. */
function lengthOf(found: string[] | undefined): number | undefined {
  if (!found || found.length === 0) return undefined;
  for (const v of found) if (!/^\d{1,10}$/.test(v)) throw new SipMessageError(`Content-Length ${shown(v)} is not a number of bytes`);
  for (const v of found)
    if (Number(v) !== Number(found[0])) {
      const distinct = new Set(found.map(Number));
      throw new SipMessageError(`two different Content-Length headers (${[...distinct].join(' and ')})`);
    }
  return Number(found[0]);
}

/**
 * The body length a header section declares: undefined when it has no Content-Length;
 * throws when a value is not a number or two values differ.
 */
export function declaredLength(head: string): number | undefined {
  // Folded lines are rare: the general reader joins them first.
  if (head.includes('\n ') || head.includes('\n\t')) return lengthOf(checkedValues(headerLines(head)).get('content-length'));
  // Framing reads this for every message of a stream, before the full check: only lines
  // starting with c or l (Content-Length, compact l) are cut out and read.
  const found: string[] = [];
  let at = head.indexOf('\n');
  while (at >= 0) {
    const from = at + 1;
    at = head.indexOf('\n', from);
    const first = head.charCodeAt(from) | 0x20;
    if (first !== 0x63 && first !== 0x6c) continue;
    const line = at < 0 ? head.slice(from) : head.slice(from, at);
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === 'content-length' || name === 'l') found.push(line.slice(colon + 1).trim());
  }
  return lengthOf(found);
}

/** A value as quoted in an error: cut short, control characters escaped. */
const shown = (value: string) => JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);

const number = (value: string, what: string, max: number): number => {
  if (!/^\d+$/.test(value)) throw new SipMessageError(`${what} ${shown(value)} is not a number`);
  // Leading zeros are allowed (RFC 4475 §3.1.1.1): compare the value, not the digits' count.
  const n = Number(value);
  if (!(n <= max)) throw new SipMessageError(`${what} ${value.length > 20 ? `${value.slice(0, 20)}…` : value} is beyond its range (at most ${max})`);
  return n;
};

/**
 * Checks one SIP message and reads what a transport needs from it. `bodyBytes`, when given
 * (a datagram), is the size of what follows the header section, checked against Content-Length.
 */
export function checkSipMessage(raw: string, bodyBytes?: number): SipSummary {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new SipMessageError('no end of the header section');
  const head = raw.slice(0, headEnd);
  const lines = headerLines(head);
  const start = lines[0] ?? '';
  const headers = checkedValues(lines);
  const via = headers.get('via')?.[0];
  const cseq = headers.get('cseq')?.[0];
  const callId = headers.get('call-id')?.[0];
  if (!via) throw new SipMessageError('no Via header');
  if (!callId) throw new SipMessageError('no Call-ID header');
  if (!headers.has('to')) throw new SipMessageError('no To header');
  if (!headers.has('from')) throw new SipMessageError('no From header');
  const cseqMatch = cseq === undefined ? null : CSEQ_RE.exec(cseq);
  if (!cseqMatch) throw new SipMessageError(cseq === undefined ? 'no CSeq header' : `unreadable CSeq ${shown(cseq)}`);
  number(cseqMatch[1]!, 'CSeq number', MAX_CSEQ);
  const cseqMethod = cseqMatch[2]!.toUpperCase();
  for (const [name, long] of SINGLE) {
    const count = headers.get(long)?.length ?? 0;
    if (count > 1) throw new SipMessageError(`${count} ${name} headers, where RFC 3261 allows one`);
  }
  for (const v of headers.get('max-forwards') ?? []) number(v, 'Max-Forwards', MAX_FORWARDS);
  // An Expires that is not delta-seconds (an RFC 2543 date) is ignored by the stack, not refused.
  for (const v of headers.get('expires') ?? []) if (/^\d+$/.test(v)) number(v, 'Expires', MAX_EXPIRES);
  const length = lengthOf(headers.get('content-length'));
  if (bodyBytes !== undefined && length !== undefined && length > bodyBytes)
    throw new SipMessageError(`truncated: Content-Length ${length} but ${bodyBytes} body bytes`);
  const branchMatch = /;\s*branch\s*=\s*([^;,\s]+)/i.exec(via.split(',')[0]!);
  const branch = branchMatch?.[1]?.startsWith('z9hG4bK') ? branchMatch[1] : `${callId}|${cseqMatch[1]} ${cseqMethod}`;
  const response = STATUS_LINE.exec(start);
  if (response) return { kind: 'response', method: cseqMethod, status: Number(response[1]), branch, callId };
  const request = REQUEST_LINE.exec(start);
  if (!request) throw new SipMessageError(`unreadable start line ${shown(start)}`);
  // Headers follow the host part; a `?` in the user part (before the last `@`) is a character of the user.
  const uri = request[2]!;
  if (/^sips?:/i.test(uri) && uri.slice(uri.lastIndexOf('@') + 1).includes('?'))
    throw new SipMessageError('the Request-URI carries headers (after "?"), which RFC 3261 §19.1.1 does not allow there');
  const method = request[1]!.toUpperCase();
  if (method !== cseqMethod && method !== 'ACK' && method !== 'CANCEL') throw new SipMessageError(`CSeq method ${cseqMethod} does not match ${method}`);
  return { kind: 'request', method, branch, callId };
}

/** Whether `value` is an RFC 3261 token (a method, a parameter name). */
export const isToken = (value: string): boolean => TOKEN_RE.test(value);
