/**
 * The lab CTI gateway's own ECMA-323 codec, written from the CUPS interoperability guide's CTI
 * section and ECMA-323 (third edition), apart from the client's (core/dial/csta-*): the
 * gateway and the client must each be right on their own, so a codec bug on one side shows.
 *
 * Framing over TCP (the guide's "CSTA XML over TCP"):
 *
 * ```
 *   0      2        4                8
 *   ┌──────┬────────┬────────────────┬─────────────┐
 *   │ 0x00 │ length │ invoke id      │ XML (UTF-8) │
 *   │ 0x00 │ uint16 │ 4 ASCII digits │             │
 *   └──────┴────────┴────────────────┴─────────────┘
 *   length counts the whole message, header included; events carry invoke id 9999.
 * ```
 */
import { descendant, element, elementNames, readLabXml, textOf, xmlText, type LabXmlNode } from '../xml/lab-xml';

export const ECMA_323_NAMESPACE = 'http://www.ecma-international.org/standards/ecma-323/csta/ed3';
export const EVENT_INVOKE_ID = '9999';
const HEADER = 8;
const MAX_MESSAGE = 0xffff;

export interface LabCstaFrame {
  invokeId: string;
  xml: string;
}

export function frameCsta(invokeId: string, xml: string): Buffer {
  if (!/^\d{4}$/.test(invokeId)) throw new Error(`lab cti: invoke id "${invokeId}" is not four digits`);
  const body = Buffer.from(xml, 'utf8');
  if (HEADER + body.length > MAX_MESSAGE) throw new Error(`lab cti: a ${HEADER + body.length}-byte message does not fit a CSTA frame`);
  const header = Buffer.alloc(HEADER);
  header.writeUInt16BE(HEADER + body.length, 2);
  header.write(invokeId, 4, 'latin1');
  return Buffer.concat([header, body]);
}

/** Cuts a TCP stream into CSTA messages; throws on a header that is not CSTA (the link is then closed). */
export class LabCstaDeframer {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): LabCstaFrame[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: LabCstaFrame[] = [];
    for (;;) {
      if (this.pending.length < HEADER) return out;
      const length = this.pending.readUInt16BE(2);
      const invokeId = this.pending.toString('latin1', 4, 8);
      if (this.pending.readUInt16BE(0) !== 0 || length < HEADER || !/^\d{4}$/.test(invokeId)) throw new Error('lab cti: not a CSTA frame header');
      if (this.pending.length < length) return out;
      out.push({ invokeId, xml: this.pending.toString('utf8', HEADER, length) });
      this.pending = this.pending.subarray(length);
    }
  }
}

/** A CSTA document with the ECMA-323 namespace on its root element. */
export const cstaDocument = (name: string, inner: string) => `<?xml version="1.0" encoding="UTF-8"?><${name} xmlns="${ECMA_323_NAMESPACE}">${inner}</${name}>`;

export const cstaErrorCode = (category: string, value: string) => cstaDocument('CSTAErrorCode', `<${category}>${xmlText(value)}</${category}>`);

/** What the gateway reads of a client message: its root element's name and content. */
export interface LabCstaMessage {
  name: string;
  body: LabXmlNode;
  kind: 'request' | 'response' | 'event' | 'error';
}

export function readCsta(xml: string): LabCstaMessage {
  const tree = readLabXml(xml, 'CSTA message');
  const [name] = elementNames(tree);
  if (!name) throw new Error('lab cti: a CSTA message without a root element');
  const body = element(tree, name) ?? {};
  const kind = name === 'CSTAErrorCode' ? 'error' : name.endsWith('Event') ? 'event' : name.endsWith('Response') ? 'response' : 'request';
  return { name, body, kind };
}

/** Text of the first element `name` below `node`, trimmed. */
export const cstaField = (node: LabXmlNode | undefined, name: string): string => textOf(descendant(node, name)).trim();

/**
 * The line a device id names: `1000`, `N<1000>`, `tel:1000`, `sip:1000@cucm;user=phone` all
 * name line 1000 (the forms ECMA-269 and Cisco gateways use).
 */
export function lineOf(device: string): string {
  let d = device.trim();
  const dialing = /^N<(.*)>$/i.exec(d);
  if (dialing) d = dialing[1]!;
  d = d.replace(/^(?:tel|sips?):/i, '');
  return d.split(';')[0]!.split('@')[0]!.toLowerCase();
}
