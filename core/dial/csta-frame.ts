/**
 * ECMA-323 (CSTA XML) over TCP: the framing CTI gateways use for a plain TCP link.
 *
 * Each message is an 8-byte header and the XML:
 *
 * ```
 *   0      2        4                8
 *   ┌──────┬────────┬────────────────┬───────────────────┐
 *   │ 0x00 │ length │ invoke id      │ XML (UTF-8) …     │
 *   │ 0x00 │ uint16 │ 4 ASCII digits │                   │
 *   └──────┴────────┴────────────────┴───────────────────┘
 *   length counts the whole message, header included.
 * ```
 *
 * A request carries an invoke id 0001–9998 and its response the same id; events carry 9999.
 * The 16-bit length caps a message at 64 KB, which also bounds what a hostile gateway can make
 * us buffer.
 */

export const CSTA_HEADER_BYTES = 8;
export const CSTA_MAX_MESSAGE_BYTES = 0xffff;
/** The invoke id of unsolicited events. */
export const CSTA_EVENT_INVOKE_ID = '9999';

export interface CstaFrame {
  invokeId: string;
  xml: string;
}

export class CstaFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CstaFrameError';
  }
}

export function encodeCstaFrame(invokeId: string, xml: string): Buffer {
  if (!/^\d{4}$/.test(invokeId)) throw new CstaFrameError(`A CSTA invoke id is four digits, not "${invokeId}".`);
  const body = Buffer.from(xml, 'utf8');
  const length = CSTA_HEADER_BYTES + body.length;
  if (length > CSTA_MAX_MESSAGE_BYTES) throw new CstaFrameError(`A CSTA message of ${length} bytes does not fit the 64 KB frame.`);
  const header = Buffer.alloc(CSTA_HEADER_BYTES);
  header.writeUInt16BE(0, 0);
  header.writeUInt16BE(length, 2);
  header.write(invokeId, 4, 'ascii');
  return Buffer.concat([header, body]);
}

/**
 * Cuts a TCP byte stream into CSTA messages, whatever the chunking. A header that is not CSTA
 * (non-zero format bytes, a length shorter than the header, an invoke id that is not digits)
 * throws: the stream cannot be resynchronised, so the link is dropped and opened again.
 */
export class CstaFrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): CstaFrame[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: CstaFrame[] = [];
    while (this.buffer.length >= CSTA_HEADER_BYTES) {
      const format = this.buffer.readUInt16BE(0);
      const length = this.buffer.readUInt16BE(2);
      const invokeId = this.buffer.toString('latin1', 4, 8);
      if (format !== 0) throw new CstaFrameError(`The CTI gateway sent something that is not CSTA (header ${this.buffer.subarray(0, 4).toString('hex')}).`);
      if (length < CSTA_HEADER_BYTES) throw new CstaFrameError(`The CTI gateway sent a CSTA header with an impossible length (${length}).`);
      if (!/^\d{4}$/.test(invokeId)) throw new CstaFrameError(`The CTI gateway sent a CSTA header with an invalid invoke id.`);
      if (this.buffer.length < length) break;
      frames.push({ invokeId, xml: this.buffer.toString('utf8', CSTA_HEADER_BYTES, length) });
      this.buffer = this.buffer.subarray(length);
    }
    return frames;
  }
}
