/**
 * RFC 4475 torture messages (test/fixtures/rfc4475) through the transports' framing and
 * message checks, each with the RFC's verdict, over UDP (the real UdpTransport on an in-memory
 * socket) and over a stream (the framer and the checks StreamTransport runs on each message).
 * Also: the message-check rules one by one, and a stream framer that keeps what it framed.
 */
import type { RemoteInfo } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { checkSipMessage, FramingError, SipMessageError } from '../../../core/sip/message/message-checks';
import { SipStreamFramer } from '../../../core/sip/transport/stream-transport';
import { UdpTransport, type DatagramSocket, type UdpTransportOptions } from '../../../core/sip/transport/udp-transport';
import { RFC4475 } from '../../fixtures/rfc4475/messages';

const SERVER: RemoteInfo = { address: '127.0.0.1', port: 5060, family: 'IPv4', size: 0 };

/** A datagram socket in memory that answers the transport's connect ping. */
class MemorySocket implements DatagramSocket {
  private onMessage?: (m: Buffer, r: RemoteInfo) => void;
  bind(_port: number, callback: () => void): void {
    queueMicrotask(callback);
  }
  connect(_port: number, _address: string, callback: () => void): void {
    queueMicrotask(callback);
  }
  send(message: Buffer, callback?: (error: Error | null) => void): void {
    callback?.(null);
    const text = message.toString('utf8');
    if (!text.startsWith('OPTIONS ')) return;
    const pick = (name: string) => text.split('\r\n').filter((l) => l.toLowerCase().startsWith(`${name}:`));
    const answer = ['SIP/2.0 200 OK', ...pick('via'), ...pick('from'), ...pick('to'), ...pick('call-id'), ...pick('cseq'), 'Content-Length: 0', '', ''].join(
      '\r\n',
    );
    queueMicrotask(() => this.deliver(Buffer.from(answer)));
  }
  address() {
    return { address: '127.0.0.1', port: 40000 };
  }
  close(): void {}
  on(event: 'message' | 'error', listener: never): this {
    if (event === 'message') this.onMessage = listener;
    return this;
  }
  removeAllListeners(): this {
    return this;
  }
  deliver(data: Buffer): void {
    this.onMessage?.(data, SERVER);
  }
}

async function overUdp(text: string): Promise<boolean> {
  const socket = new MemorySocket();
  const transport = new UdpTransport(undefined, {
    host: '127.0.0.1',
    port: 5060,
    keepAliveIntervalMs: 0,
    createSocket: () => socket,
    log: () => undefined,
  } satisfies UdpTransportOptions);
  const received: string[] = [];
  transport.onMessage = (m) => received.push(m);
  await transport.connect();
  socket.deliver(Buffer.from(text, 'utf8'));
  await transport.disconnect();
  return received.length === 1;
}

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

describe('RFC 4475 verdicts', () => {
  it.each(RFC4475.map((m) => [m.name, m.section, m.verdict, m.text] as const))('%s (%s) is %s over UDP', async (_name, _section, verdict, text) => {
    expect(await overUdp(text)).toBe(verdict === 'valid');
  });

  it.each(RFC4475.map((m) => [m.name, m.section, m.verdict, m.text] as const))('%s (%s) is %s over TCP', (_name, _section, verdict, text) => {
    const { delivered } = overStream(Buffer.from(text, 'utf8'));
    expect(delivered.length).toBe(verdict === 'valid' ? 1 : 0);
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
  ])('refuses %s', (_what, headers, message) => {
    expect(() => checkSipMessage(base(headers))).toThrow(SipMessageError);
    expect(() => checkSipMessage(base(headers))).toThrow(message);
  });

  it('accepts the top of each range, leading zeros, equal repeated Content-Length, a date Expires, and a To of any scheme', () => {
    expect(() => checkSipMessage(base(['CSeq: 2147483647 OPTIONS', 'Max-Forwards: 255', 'Expires: 4294967295', 'Content-Length: 0', 'l: 0']))).not.toThrow();
    expect(() => checkSipMessage(base(['CSeq: 0009 OPTIONS', 'Max-Forwards: 0068', 'Expires: Thu, 01 Dec 2040 16:00:00 GMT']))).not.toThrow();
    expect(() => checkSipMessage(base(['CSeq: 1 OPTIONS']).replace('To: <sip:b@x>', 'To: isbn:2983792873'))).not.toThrow();
  });
});

describe('the stream framer', () => {
  const good = (n: number) => base([`CSeq: ${n} OPTIONS`, 'Content-Length: 0']);
  it('delivers the messages it framed from a chunk before bytes it cannot frame', () => {
    const bad = RFC4475.find((m) => m.name === 'mcl01')!.text;
    const { delivered, fault } = overStream(Buffer.from(good(1) + good(2) + bad));
    expect(delivered).toEqual([good(1), good(2)]);
    expect(fault).toMatch(/two different Content-Length headers/);
  });

  it('drops one message that fails its checks and keeps framing the next', () => {
    const { delivered, fault } = overStream(Buffer.from(good(1) + base(['CSeq: 1 OPTIONS', 'Max-Forwards: 999', 'Content-Length: 0']) + good(3)));
    expect(delivered).toEqual([good(1), good(3)]);
    expect(fault).toBeUndefined();
  });
});
