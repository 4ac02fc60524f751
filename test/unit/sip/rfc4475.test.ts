/**
 * The 49 RFC 4475 torture messages (test/fixtures/rfc4475, the RFC's own bytes), each with the
 * RFC's verdict, over real loopback sockets: UDP (the app's UdpTransport, one datagram) and TCP
 * (the app's TcpTransport, the bytes on a connection the server then closes). What "read" means
 * is what the app does: the transport's framing and checks, then sip.js's parser (with the fast
 * grammar and message plumbing the app installs) and sip.js's mandatory-header check. A valid
 * message must be read, with the values the RFC wrote it to test; an invalid one must not.
 * Also: the message-check rules one by one, and a stream framer that keeps what it framed.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';
import type { IncomingResponseMessage } from 'sip.js/lib/core/messages/incoming-response-message.js';
import '../../../core/sip/account';
import { checkSipMessage, FramingError, SipMessageError } from '../../../core/sip/message/message-checks';
import { SipStreamFramer } from '../../../core/sip/transport/stream-transport';
import { TcpTransport } from '../../../core/sip/transport/tcp-transport';
import { UdpTransport } from '../../../core/sip/transport/udp-transport';
import { RFC4475_VERDICTS, tortureBytes, type MustRead, type TortureVerdict } from '../../fixtures/rfc4475/verdicts';

const quiet = { error() {}, warn() {}, log() {}, debug() {} } as never;

const sockets: Array<Server | UdpSocket> = [];
const transports: Array<{ disconnect(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.disconnect()));
  for (const s of sockets.splice(0)) s.close();
});

type Incoming = IncomingRequestMessage | IncomingResponseMessage;

/** sip.js's reading of a delivered message, as its user agent reads it; undefined when refused. */
function sipJsReads(text: string): Incoming | undefined {
  const message = Parser.parseMessage(text, quiet) as Incoming | undefined;
  if (!message) return undefined;
  // sip.js drops a message without these (UserAgent.onTransportMessage).
  if (!['from', 'to', 'call_id', 'cseq', 'via'].every((h) => message.hasHeader(h))) return undefined;
  return message;
}

/** What was read from `bytes` as one datagram from a server: the messages sip.js got. */
async function overUdp(bytes: Buffer): Promise<Incoming[]> {
  const server = createSocket('udp4');
  sockets.push(server);
  let client: { port: number; address: string } | undefined;
  server.on('message', (data, from) => {
    const text = data.toString('utf8');
    if (!text.startsWith('OPTIONS ')) return;
    client = from;
    const lines = text.split('\r\n');
    const pick = (name: string) => lines.filter((l) => l.toLowerCase().startsWith(`${name}:`));
    server.send(
      [`SIP/2.0 200 OK`, ...pick('via'), ...pick('from'), ...pick('to'), ...pick('call-id'), ...pick('cseq'), 'Content-Length: 0', '', ''].join('\r\n'),
      from.port,
      from.address,
    );
  });
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
  const transport = new UdpTransport(quiet, { host: '127.0.0.1', port: server.address().port, keepAliveIntervalMs: 0, log: () => undefined });
  transports.push(transport);
  await transport.connect();
  // After the torture datagram, a plain one: once it arrives, the torture one has been dealt with.
  const marker =
    'MESSAGE sip:alex@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKmarker\r\nFrom: <sip:m@x>;tag=m\r\nTo: <sip:alex@x>\r\nCall-ID: marker\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n';
  const delivered: string[] = [];
  const done = new Promise<void>((resolve) => {
    transport.onMessage = (m) => (m === marker ? resolve() : delivered.push(m));
  });
  const send = (data: Buffer | string) => new Promise<void>((r, j) => server.send(data, client!.port, client!.address, (e) => (e ? j(e) : r())));
  await send(bytes);
  await send(marker);
  await done;
  return delivered.map(sipJsReads).filter((m): m is Incoming => m !== undefined);
}

/** What was read from `bytes` sent on a TCP connection that the server then closes. */
async function overTcp(bytes: Buffer): Promise<Incoming[]> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end(bytes);
  });
  sockets.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const transport = new TcpTransport(quiet, {
    host: '127.0.0.1',
    port: (server.address() as { port: number }).port,
    keepAliveIntervalMs: 0,
    log: () => undefined,
  });
  transports.push(transport);
  const delivered: string[] = [];
  const closed = new Promise<void>((resolve) => (transport.onDisconnect = () => resolve()));
  transport.onMessage = (m) => delivered.push(m);
  await transport.connect();
  await closed;
  return delivered.map(sipJsReads).filter((m): m is Incoming => m !== undefined);
}

/** The fields of `MustRead` as sip.js gives them. */
function readOf(m: Incoming, want: MustRead): MustRead {
  const request = m instanceof IncomingRequestMessage ? m : undefined;
  const response = request ? undefined : (m as IncomingResponseMessage);
  const all: Required<MustRead> = {
    method: request?.method ?? '',
    status: response?.statusCode ?? 0,
    reason: response?.reasonPhrase ?? '',
    requestUri: request?.ruri?.toString() ?? '',
    callId: m.callId,
    cseq: m.cseq,
    from: m.from?.uri.toString(),
    fromTag: m.fromTag,
    fromName: m.from?.displayName,
    to: m.to?.uri.toString(),
    toTag: m.toTag,
    maxForwards: Number(m.getHeader('max-forwards')),
    vias: m.getHeaders('via').length,
    contentType: m.getHeader('content-type') ?? '',
    bodyLength: m.body.length,
  };
  return Object.fromEntries(Object.keys(want).map((k) => [k, all[k as keyof MustRead]])) as unknown as MustRead;
}

function expectVerdict(v: TortureVerdict, read: Incoming[], methods?: string[]): void {
  if (methods) {
    expect(read.map((m) => (m instanceof IncomingRequestMessage ? m.method : String(m.statusCode)))).toEqual(methods);
    if (methods.length === 0) return;
  } else if (v.verdict === 'invalid' && !v.tolerated) {
    expect(read, `${v.name} must be refused`).toEqual([]);
    return;
  } else expect(read, `${v.name} must be read, once`).toHaveLength(1);
  expect(readOf(read[0], v.read!)).toEqual(v.read);
}

const cases = RFC4475_VERDICTS.map((v) => [v.name, v.section, v.title, v.verdict, v] as const);

describe('RFC 4475 verdicts', () => {
  it('covers the RFC’s 49 messages, each once, with the RFC’s bytes', () => {
    expect(new Set(RFC4475_VERDICTS.map((v) => v.name)).size).toBe(49);
    for (const v of RFC4475_VERDICTS) expect(tortureBytes(v.name).length, v.name).toBeGreaterThan(200);
    // Bytes the RFC writes in its <hex> notation are there as bytes.
    expect(tortureBytes('intmeth').includes(Buffer.from('BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f', 'latin1'))).toBe(true);
    expect(RFC4475_VERDICTS.filter((v) => v.verdict === 'valid')).toHaveLength(27);
    expect(RFC4475_VERDICTS.filter((v) => v.verdict === 'invalid')).toHaveLength(22);
  });

  it.each(cases)('%s (§%s %s) is %s over UDP', async (_name, _section, _title, _verdict, v) => {
    expectVerdict(v, await overUdp(tortureBytes(v.name)));
  });

  it.each(cases)('%s (§%s %s) is %s over TCP', async (_name, _section, _title, _verdict, v) => {
    expectVerdict(v, await overTcp(tortureBytes(v.name)), v.tcp?.methods);
  });
});

const base = (headers: string[], startLine = 'OPTIONS sip:b@x SIP/2.0') =>
  [startLine, 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'To: <sip:b@x>', 'From: <sip:a@x>;tag=1', 'Call-ID: c1', ...headers, '', ''].join('\r\n');

describe('message checks', () => {
  it('accepts any token as a method, in the start line and in CSeq', () => {
    expect(checkSipMessage(base(['CSeq: 1 X-FOO.bar~1', 'l: 0'], 'X-FOO.bar~1 sip:b@x SIP/2.0'))).toMatchObject({ kind: 'request', method: 'X-FOO.BAR~1' });
    expect(checkSipMessage(base(['CSeq: 1 NEW-METHOD_2', 'l: 0'], 'SIP/2.0 200 OK'))).toMatchObject({ kind: 'response', method: 'NEW-METHOD_2', status: 200 });
  });

  it.each([
    ['CSeq at 2^31', ['CSeq: 2147483648 OPTIONS'], /CSeq number 2147483648 is beyond its range/],
    ['Max-Forwards above 255', ['CSeq: 1 OPTIONS', 'Max-Forwards: 256'], /Max-Forwards 256 is beyond its range/],
    ['Expires at 2^32', ['CSeq: 1 OPTIONS', 'Expires: 4294967296'], /Expires 4294967296 is beyond its range/],
    ['two different Content-Length headers', ['CSeq: 1 OPTIONS', 'Content-Length: 0', 'l: 4'], /two different Content-Length headers \(0 and 4\)/],
    ['a Content-Length that is not a number', ['CSeq: 1 OPTIONS', 'Content-Length: -1'], /is not a number of bytes/],
    ['a CSeq without a method', ['CSeq: 1'], /unreadable CSeq/],
    ['a second To, in compact form', ['CSeq: 1 OPTIONS', 't: <sip:c@x>'], /2 To headers, where RFC 3261 allows one/],
    ['a second Call-ID', ['CSeq: 1 OPTIONS', 'i: c2'], /2 Call-ID headers/],
    ['a second CSeq, even an equal one', ['CSeq: 1 OPTIONS', 'CSeq: 1 OPTIONS'], /2 CSeq headers/],
  ])('refuses %s', (_what, headers, message) => {
    expect(() => checkSipMessage(base(headers))).toThrow(SipMessageError);
    expect(() => checkSipMessage(base(headers))).toThrow(message);
  });

  it('refuses headers in a SIP Request-URI, but not a "?" in its user part or in another scheme', () => {
    expect(() => checkSipMessage(base(['CSeq: 1 OPTIONS'], 'OPTIONS sip:b@x?Route=%3Csip:y%3E SIP/2.0'))).toThrow(/Request-URI carries headers/);
    expect(() => checkSipMessage(base(['CSeq: 1 OPTIONS'], 'OPTIONS sip:what?@x;p=1 SIP/2.0'))).not.toThrow();
    expect(() => checkSipMessage(base(['CSeq: 1 OPTIONS'], 'OPTIONS http://x/?q=1 SIP/2.0'))).not.toThrow();
  });

  it('accepts the top of each range, leading zeros, equal repeated Content-Length, a date Expires, and a To of any scheme', () => {
    expect(() => checkSipMessage(base(['CSeq: 2147483647 OPTIONS', 'Max-Forwards: 255', 'Expires: 4294967295', 'Content-Length: 0', 'l: 0']))).not.toThrow();
    expect(() => checkSipMessage(base(['CSeq: 0009 OPTIONS', 'Max-Forwards: 0068', 'Expires: Thu, 01 Dec 2040 16:00:00 GMT']))).not.toThrow();
    expect(() => checkSipMessage(base(['CSeq: 1 OPTIONS']).replace('To: <sip:b@x>', 'To: isbn:2983792873'))).not.toThrow();
  });
});

/** What StreamTransport delivers from these bytes: framed, then checked one by one. */
function overStream(bytes: Buffer): { delivered: string[]; fault?: string } {
  const framer = new SipStreamFramer();
  let framed: string[];
  let fault: string | undefined;
  try {
    framed = framer.push(bytes);
  } catch (error) {
    framed = error instanceof FramingError ? error.framed : [];
    fault = (error as Error).message;
  }
  const delivered = framed.filter((m) => {
    try {
      checkSipMessage(m);
      return true;
    } catch {
      return false;
    }
  });
  return { delivered, ...(fault ? { fault } : {}) };
}

describe('the stream framer', () => {
  const good = (n: number) => base([`CSeq: ${n} OPTIONS`, 'Content-Length: 0']);
  it('delivers the messages it framed from a chunk before bytes it cannot frame', () => {
    const { delivered, fault } = overStream(Buffer.concat([Buffer.from(good(1) + good(2)), tortureBytes('mcl01')]));
    expect(delivered).toEqual([good(1), good(2)]);
    expect(fault).toMatch(/two different Content-Length headers/);
  });

  it('drops one message that fails its checks and keeps framing the next', () => {
    const { delivered, fault } = overStream(Buffer.from(good(1) + base(['CSeq: 1 OPTIONS', 'Max-Forwards: 999', 'Content-Length: 0']) + good(3)));
    expect(delivered).toEqual([good(1), good(3)]);
    expect(fault).toBeUndefined();
  });
});
