/**
 * PIDF and RLMI bodies in the encoding their sender declared — UTF-16 with a byte order mark,
 * UTF-16 without one, ISO-8859-1 by charset or XML declaration — over real UDP and TCP
 * sockets: the transport hands sip.js a string, and the bytes still reach the XML reader so it
 * decodes them as declared (xmlBodyText). A UTF-8 part inside a multipart body that also holds
 * a UTF-16 part is read as UTF-8.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import '../../../core/sip/account';
import { parsePidf } from '../../../core/sip/codecs/pidf';
import { charsetOf, xmlBodyText } from '../../../core/sip/codecs/text-body';
import { TcpTransport } from '../../../core/sip/transport/tcp-transport';
import { UdpTransport } from '../../../core/sip/transport/udp-transport';
import { EventListState } from '../../../core/sip/usages/event-list';
import { XmlError } from '../../../core/xml/safe-xml';

const quiet = { error() {}, warn() {}, log() {}, debug() {} } as never;
const NOTE = 'Zoë – 会議中 ☕';
const LATIN_NOTE = 'Zoë Müller, café';

const pidf = (note: string, declaration = '<?xml version="1.0" encoding="UTF-16"?>') =>
  `${declaration}<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:zoe@example.com"><tuple id="t1"><status><basic>open</basic></status><note>${note}</note></tuple></presence>`;

const utf16le = (text: string, bom = true) => Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) => {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};

/** A NOTIFY carrying `body` (bytes) with the given Content-Type, its Content-Length in bytes. */
function notify(body: Buffer, contentType: string, cseq = 1): Buffer {
  const head = [
    'NOTIFY sip:alex@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKcharset' + cseq,
    'From: <sip:zoe@example.com>;tag=a1',
    'To: <sip:alex@example.com>;tag=b2',
    'Call-ID: charsets@example.com',
    `CSeq: ${cseq} NOTIFY`,
    'Max-Forwards: 70',
    'Event: presence',
    'Subscription-State: active;expires=600',
    `Content-Type: ${contentType}`,
    `Content-Length: ${body.length}`,
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'utf8'), body]);
}

/** What the presence reader gets from a message the transport delivered (as watching.ts reads it). */
function noteOf(message: string): string {
  const parsed = Parser.parseMessage(message, quiet) as IncomingRequestMessage;
  expect(parsed, 'sip.js parsed the message').toBeDefined();
  const contentType = parsed.getHeader('content-type') ?? '';
  return parsePidf(xmlBodyText(parsed.body, charsetOf(contentType), 'presence document')).devices[0].note;
}

const CASES: [string, Buffer, string, string][] = [
  ['UTF-16LE with a BOM', utf16le(pidf(NOTE)), 'application/pidf+xml', NOTE],
  ['UTF-16BE with a BOM', utf16be(pidf(NOTE)), 'application/pidf+xml', NOTE],
  ['UTF-16 without a BOM, by charset', utf16le(pidf(NOTE, ''), false), 'application/pidf+xml;charset=UTF-16LE', NOTE],
  ['UTF-16 without a BOM, by its declaration', utf16le(pidf(NOTE), false), 'application/pidf+xml', NOTE],
  ['ISO-8859-1 by charset', Buffer.from(pidf(LATIN_NOTE, ''), 'latin1'), 'application/pidf+xml; charset="ISO-8859-1"', LATIN_NOTE],
  ['ISO-8859-1 by its declaration', Buffer.from(pidf(LATIN_NOTE, '<?xml version="1.0" encoding="ISO-8859-1"?>'), 'latin1'), 'application/pidf+xml', LATIN_NOTE],
  ['UTF-8', Buffer.from(pidf(NOTE, '<?xml version="1.0" encoding="UTF-8"?>'), 'utf8'), 'application/pidf+xml;charset=utf-8', NOTE],
  ['UTF-8 with Latin-1 letters only', Buffer.from(pidf(LATIN_NOTE, ''), 'utf8'), 'application/pidf+xml', LATIN_NOTE],
];

const servers: Array<Server | UdpSocket> = [];
const transports: Array<{ disconnect(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.disconnect()));
  for (const s of servers.splice(0)) s.close();
});

/** A UDP server on loopback that answers the transport's OPTIONS and can send it datagrams. */
async function udpPeer(): Promise<{ port: number; send(data: Buffer): Promise<void> }> {
  const socket = createSocket('udp4');
  servers.push(socket);
  let client: RemoteInfo | undefined;
  socket.on('message', (data, from) => {
    const text = data.toString('utf8');
    if (!text.startsWith('OPTIONS ')) return;
    client = from;
    const lines = text.split('\r\n');
    const pick = (name: string) => lines.filter((l) => l.toLowerCase().startsWith(`${name}:`));
    const answer = ['SIP/2.0 200 OK', ...pick('via'), ...pick('from'), ...pick('to'), ...pick('call-id'), ...pick('cseq'), 'Content-Length: 0', '', ''];
    socket.send(answer.join('\r\n'), from.port, from.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return {
    port: socket.address().port,
    send: (data) => new Promise<void>((resolve, reject) => socket.send(data, client!.port, client!.address, (e) => (e ? reject(e) : resolve()))),
  };
}

/** The next message the transport delivers to sip.js. */
const next = (t: { onMessage: ((m: string) => void) | undefined }) => new Promise<string>((resolve) => (t.onMessage = resolve));

describe('XML bodies in their declared encoding over real sockets', () => {
  it.each(CASES)('reads a PIDF in %s over UDP', async (_what, body, contentType, expected) => {
    const peer = await udpPeer();
    const t = new UdpTransport(quiet, { host: '127.0.0.1', port: peer.port, keepAliveIntervalMs: 0, log: () => undefined });
    transports.push(t);
    await t.connect();
    const received = next(t);
    await peer.send(notify(body, contentType));
    expect(noteOf(await received)).toBe(expected);
  });

  it('reads each of them over TCP, one after another on one connection, split across writes', async () => {
    let peer: Socket | undefined;
    let connected: () => void = () => {};
    const ready = new Promise<void>((r) => (connected = r));
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      peer = socket;
      connected();
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const t = new TcpTransport(quiet, { host: '127.0.0.1', port: (server.address() as { port: number }).port, keepAliveIntervalMs: 0, log: () => undefined });
    transports.push(t);
    await t.connect();
    await ready;
    const delivered: string[] = [];
    let all: () => void = () => {};
    const done = new Promise<void>((r) => (all = r));
    t.onMessage = (m) => {
      delivered.push(m);
      if (delivered.length === CASES.length) all();
    };
    const stream = Buffer.concat(CASES.map(([, body, contentType], i) => notify(body, contentType, i + 1)));
    // Cut inside a UTF-16 code unit and inside a multi-byte UTF-8 character.
    for (const [from, to] of [
      [0, 333],
      [333, 901],
      [901, stream.length],
    ])
      peer!.write(stream.subarray(from, to));
    await done;
    expect(delivered.map(noteOf)).toEqual(CASES.map(([, , , note]) => note));
  });

  it('reads an event list whose parts are UTF-16 and UTF-8, and an RLMI root in UTF-16', () => {
    const rlmi = `<?xml version="1.0" encoding="UTF-16"?><list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:alex-list@example.com" version="0" fullState="true"><resource uri="sip:zoe@example.com"><instance id="1" state="active" cid="zoe@x"/></resource><resource uri="sip:ann@example.com"><instance id="2" state="active" cid="ann@x"/></resource></list>`;
    const part = (headers: string[], body: Buffer) => Buffer.concat([Buffer.from(`--b\r\n${headers.join('\r\n')}\r\n\r\n`), body, Buffer.from('\r\n')]);
    const body = Buffer.concat([
      part(['Content-Type: application/rlmi+xml', 'Content-ID: <root@x>'], utf16le(rlmi)),
      part(['Content-Type: application/pidf+xml', 'Content-ID: <zoe@x>'], utf16le(pidf(NOTE))),
      part(['Content-Type: application/pidf+xml;charset=UTF-8', 'Content-ID: <ann@x>'], Buffer.from(pidf(LATIN_NOTE, '').replace('zoe@', 'ann@'), 'utf8')),
      Buffer.from('--b--\r\n'),
    ]);
    const message = Parser.parseMessage(
      notify(body, 'multipart/related;type="application/rlmi+xml";start="<root@x>";boundary=b').toString('latin1'),
      quiet,
    ) as IncomingRequestMessage;
    const state = new EventListState();
    const result = state.apply(message.body, message.getHeader('content-type')!);
    expect(result.problems).toEqual([]);
    expect(state.presenceOf('sip:zoe@example.com')?.note).toBe(NOTE);
    expect(state.presenceOf('sip:ann@example.com')?.note).toBe(LATIN_NOTE);
  });

  it('refuses an encoding it cannot read, in words', () => {
    const body = Buffer.from(pidf('x', '<?xml version="1.0" encoding="x-klingon"?>').replace('<note>x', '<note>\u00e9'), 'latin1');
    expect(() => xmlBodyText(body.toString('latin1'), undefined, 'presence document')).toThrow(XmlError);
    expect(() => xmlBodyText(body.toString('latin1'), undefined, 'presence document')).toThrow(
      'The presence document is in the encoding "x-klingon", which Presence Desk cannot read.',
    );
  });
});
