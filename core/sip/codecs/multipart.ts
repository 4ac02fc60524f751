/**
 * multipart/related (RFC 2387) bodies as a resource list server sends them (RFC 4662 §5):
 * a root part (the RLMI document, named by the `start` parameter or first) and one part per
 * resource instance, each named by its Content-ID.
 *
 * Safety: the whole body and the number of parts are capped before any work, the boundary is
 * checked against RFC 2046's grammar, and every failure is a `MultipartError` with a message
 * that says what was wrong; nothing here throws anything else on hostile input. Line ends may
 * be CRLF or bare LF (some servers and every hand-written test body use LF).
 */

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

export interface ContentType {
  /** `type/subtype`, lower case. */
  type: string;
  /** Parameter names lower case, values unquoted. */
  params: Record<string, string>;
}

export interface MimePart {
  /** Header names lower case; the last value wins for a repeated header. */
  headers: Record<string, string>;
  contentType: ContentType;
  /** Content-ID without the angle brackets (`<a@b>` → `a@b`), or '' when absent. */
  contentId: string;
  body: string;
}

export interface MultipartOptions {
  /** Largest body accepted, in bytes (default 16 MiB: a full state is about 1 KB a contact). */
  maxBytes?: number;
  /** Most parts accepted (default 20,000). */
  maxParts?: number;
}

export const MULTIPART_MAX_BYTES = 16 * 1024 * 1024;
export const MULTIPART_MAX_PARTS = 20_000;

/**
 * Values seen before, parsed: a list's NOTIFYs repeat the same Content-Type header and the same
 * few part types thousands of times. Bounded (cleared when full) and frozen, since callers share
 * the results.
 */
const contentTypes = new Map<string, ContentType>();
const CONTENT_TYPE_MEMO = 256;

/** Parses a Content-Type value: `multipart/related;type="application/rlmi+xml";boundary=x`. */
export function parseContentType(value: string): ContentType {
  let parsed = contentTypes.get(value);
  if (parsed) return parsed;
  parsed = readContentType(value);
  Object.freeze(parsed.params);
  Object.freeze(parsed);
  if (value.length <= 1024) {
    if (contentTypes.size >= CONTENT_TYPE_MEMO) contentTypes.clear();
    contentTypes.set(value, parsed);
  }
  return parsed;
}

function readContentType(value: string): ContentType {
  const semicolon = value.indexOf(';');
  const type = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const params: Record<string, string> = {};
  if (semicolon >= 0) {
    // name=token or name="quoted \" string"; anything unparseable ends the parameter list.
    const re = /\s*;?\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/y;
    re.lastIndex = semicolon;
    for (let m = re.exec(value); m; m = re.exec(value)) {
      params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
    }
  }
  return { type, params };
}

/** RFC 2046 §5.1.1: 1–70 characters from a small set, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** `<id>` → `id` (trimmed), as `/^<(.*)>$/` would strip it: not across a line end. Without a regex: every part has one. */
function stripId(id: string): string {
  const t = id.trim();
  if (t.length < 2 || t.charCodeAt(0) !== 0x3c || t.charCodeAt(t.length - 1) !== 0x3e || LINE_END.test(t)) return t;
  return t.slice(1, -1).trim();
}
const LINE_END = /[\n\r\u2028\u2029]/;

/** Splits a multipart body into parts. Throws `MultipartError` with the reason. */
export function parseMultipart(body: string, contentType: string | ContentType, options: MultipartOptions = {}): MimePart[] {
  const maxBytes = options.maxBytes ?? MULTIPART_MAX_BYTES;
  const maxParts = options.maxParts ?? MULTIPART_MAX_PARTS;
  // Characters never outnumber UTF-8 bytes, so the cheap check first, the exact one if close.
  if (body.length > maxBytes || (body.length * 3 > maxBytes && Buffer.byteLength(body, 'utf8') > maxBytes)) {
    throw new MultipartError(`multipart body larger than ${maxBytes} bytes`);
  }
  const ct = typeof contentType === 'string' ? parseContentType(contentType) : contentType;
  if (!ct.type.startsWith('multipart/')) throw new MultipartError(`not a multipart body (Content-Type ${ct.type || 'missing'})`);
  const boundary = ct.params.boundary;
  if (boundary === undefined || boundary === '') throw new MultipartError('multipart Content-Type without a boundary parameter');
  if (!BOUNDARY.test(boundary)) throw new MultipartError(`multipart boundary "${boundary.slice(0, 80)}" is not a valid boundary`);

  const delimiter = `--${boundary}`;
  const parts: MimePart[] = [];
  // The first delimiter may open the body or follow a preamble on its own line.
  let at = body.startsWith(delimiter) ? 0 : body.indexOf(`\n${delimiter}`);
  if (at < 0) throw new MultipartError(`multipart body does not contain its boundary "${boundary}"`);
  if (at > 0) at += 1;
  for (;;) {
    let cursor = at + delimiter.length;
    if (body.startsWith('--', cursor)) return finish(parts); // close delimiter
    // Transport padding (spaces, tabs) may follow a delimiter before the line end.
    while (body[cursor] === ' ' || body[cursor] === '\t') cursor += 1;
    if (body.startsWith('\r\n', cursor)) cursor += 2;
    else if (body[cursor] === '\n') cursor += 1;
    else throw new MultipartError('multipart boundary is not followed by a line end');
    // The next delimiter must start a line; the line end before it belongs to the delimiter.
    const next = body.indexOf(`\n${delimiter}`, cursor - 1);
    if (next < 0) throw new MultipartError('multipart body ends without its closing boundary');
    const end = next > 0 && body[next - 1] === '\r' ? next - 1 : next;
    if (parts.length >= maxParts) throw new MultipartError(`multipart body has more than ${maxParts} parts`);
    parts.push(parsePart(body.slice(cursor, Math.max(cursor, end))));
    at = next + 1;
  }
}

function finish(parts: MimePart[]): MimePart[] {
  if (parts.length === 0) throw new MultipartError('multipart body has no parts');
  return parts;
}

/** Where the first empty line (`\r?\n\r?\n`) starts and ends in `raw`, by index (no regex). */
function blankLine(raw: string): { start: number; end: number } | undefined {
  for (let i = raw.indexOf('\n'); i >= 0; i = raw.indexOf('\n', i + 1)) {
    const next = raw.charCodeAt(i + 1);
    const end = next === 0x0a ? i + 2 : next === 0x0d && raw.charCodeAt(i + 2) === 0x0a ? i + 3 : -1;
    if (end > 0) return { start: i > 0 && raw.charCodeAt(i - 1) === 0x0d ? i - 1 : i, end };
  }
  return undefined;
}

function parsePart(raw: string): MimePart {
  // Headers end at the first empty line; a part with no headers starts with the empty line.
  let head: string;
  let body: string;
  const startsBlank = raw.charCodeAt(0) === 0x0a ? 1 : raw.charCodeAt(0) === 0x0d && raw.charCodeAt(1) === 0x0a ? 2 : 0;
  if (startsBlank) {
    head = '';
    body = raw.slice(startsBlank);
  } else {
    const blank = blankLine(raw);
    head = blank ? raw.slice(0, blank.start) : raw;
    body = blank ? raw.slice(blank.end) : '';
  }
  const headers: Record<string, string> = {};
  let last = '';
  const lines = head.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    // A line end is LF or CRLF: the CR before a LF belongs to it.
    const line = i < lines.length - 1 && lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    const first = line.charCodeAt(0);
    if ((first === 0x20 || first === 0x09) && last) {
      headers[last] += ` ${line.trim()}`; // folded continuation
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`multipart part has a malformed header line "${line.slice(0, 80)}"`);
    last = line.slice(0, colon).trim().toLowerCase();
    headers[last] = line.slice(colon + 1).trim();
  }
  const encoding = (headers['content-transfer-encoding'] ?? 'binary').toLowerCase();
  if (!['binary', '8bit', '7bit'].includes(encoding))
    throw new MultipartError(`multipart part uses Content-Transfer-Encoding ${encoding}, which is not supported`);
  return {
    headers,
    contentType: parseContentType(headers['content-type'] ?? 'text/plain'),
    contentId: stripId(headers['content-id'] ?? ''),
    body,
  };
}

/** The root part of a multipart/related body: the one named by `start`, else the first. */
export function rootPart(parts: MimePart[], contentType: ContentType): MimePart {
  const start = contentType.params.start;
  if (start) {
    const id = stripId(start);
    const found = parts.find((p) => p.contentId === id);
    if (!found) throw new MultipartError(`multipart/related start part <${id}> is not in the body`);
    return found;
  }
  return parts[0];
}
