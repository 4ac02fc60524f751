/**
 * Text bodies in the charset their sender declared (RFC 3428 §9: `text/plain;charset=…`, and
 * UTF-8 when none is given).
 *
 * Two steps, because sip.js reads a message as one string:
 *  1. `decodeSipMessage` (the transports): the header section as UTF-8; the body as UTF-8 when
 *     it is valid UTF-8, otherwise one character per byte (Latin-1), which keeps every byte, so
 *     no declared charset is lost on the way in.
 *  2. `decodeTextBody` (the account, for a MESSAGE): a non-UTF-8 charset turns those
 *     characters back into bytes and decodes them with it, so ISO-8859-1 `caf\xE9` is "café".
 */

import { decodeXmlBytes, xmlEncoding } from '../../xml/safe-xml';

const HEAD_END = Buffer.from('\r\n\r\n');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A whole SIP message from the wire: headers as UTF-8, the body losslessly (see above). */
export function decodeSipMessage(bytes: Buffer): string {
  const end = bytes.indexOf(HEAD_END);
  if (end < 0) return bytes.toString('utf8');
  const head = bytes.subarray(0, end + 4).toString('utf8');
  const body = bytes.subarray(end + 4);
  if (body.length === 0) return head;
  try {
    return head + strictUtf8.decode(body);
  } catch {
    return head + body.toString('latin1');
  }
}

/** The `charset` parameter of a Content-Type, lower-cased, without quotes; undefined when absent. */
export function charsetOf(contentType: string): string | undefined {
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^\s;]+))/i.exec(contentType);
  const value = (m?.[1] ?? m?.[2])?.trim().toLowerCase();
  return value || undefined;
}

/**
 * A text body as its sender meant it, honouring the declared charset. An unknown charset, or a
 * body that arrived as valid UTF-8 with characters no single-byte reading could give (a common
 * mislabel), is shown as received rather than garbled.
 */
export function decodeTextBody(body: string, contentType: string): string {
  const charset = charsetOf(contentType);
  if (!charset || charset === 'utf-8' || charset === 'utf8') return body;
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    return body;
  }
  if (decoder.encoding === 'utf-8') return body;
  for (let i = 0; i < body.length; i++) if (body.charCodeAt(i) > 0xff) return body;
  // Node decodes windows-1252 (the label ISO-8859-1 maps to on the web) as Latin-1, which
  // turns 0x80–0x9F (€, curly quotes, dashes) into control characters: done here instead.
  if (decoder.encoding === 'windows-1252') return body.replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252[c.charCodeAt(0) - 0x80] ?? c);
  return decoder.decode(Buffer.from(body, 'latin1'));
}

/** windows-1252 0x80–0x9F (WHATWG Encoding index); the five unassigned bytes stay as they are. */
const WINDOWS_1252 = [
  '€',
  '\x81',
  '‚',
  'ƒ',
  '„',
  '…',
  '†',
  '‡',
  'ˆ',
  '‰',
  'Š',
  '‹',
  'Œ',
  '\x8d',
  'Ž',
  '\x8f',
  '\x90',
  '‘',
  '’',
  '“',
  '”',
  '•',
  '–',
  '—',
  '˜',
  '™',
  'š',
  '›',
  'œ',
  '\x9d',
  'ž',
  'Ÿ',
];

/**
 * An XML body (PIDF, RLMI, or a part of a multipart body) as characters, in the encoding the
 * document declares (BOM, the part's or message's `charset` parameter, the XML declaration; see
 * `xmlEncoding`), from the string `decodeSipMessage` made of its bytes.
 *
 * That string is the body's own characters when the message body was valid UTF-8, and one
 * character per byte otherwise (so a UTF-16 or ISO-8859-1 body keeps every byte): the bytes
 * are taken back and decoded as declared. A document declared as (or defaulting to) UTF-8 is
 * taken from the bytes only when they are valid UTF-8 — a UTF-8 part inside a body that was
 * not — and otherwise is already its characters. Plain ASCII is the same either way and is
 * returned at once. An encoding that cannot be read is refused (XmlError) in words.
 */
export function xmlBodyText(body: string, charset?: string, what = 'XML document'): string {
  // Plain ASCII without NUL (every PIDF a server sends, nearly): one native length count.
  if (Buffer.byteLength(body, 'utf8') === body.length && !body.includes('\0')) return body;
  // A character beyond one byte: the body was read as UTF-8, so these are its characters.
  if (/[^\x00-\xff]/.test(body)) return body;
  const bytes = Buffer.from(body, 'latin1');
  if (xmlEncoding(bytes, charset).label !== 'utf-8') return decodeXmlBytes(bytes, charset, what);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return body;
  }
}
