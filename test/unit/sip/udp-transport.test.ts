/**
 * The UDP transport's reliability layer on a fake socket and fake timers: Timer E doubling
 * from T1 to T2, Timer F giving up with a clear log line, duplicate responses absorbed,
 * retransmitted incoming requests answered from the cache, the keep-alive noticing a dead
 * server, and bad datagrams logged instead of crashing.
 */
import type { RemoteInfo } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TransportState } from 'sip.js/lib/api/transport-state.js';
import { UdpTransport, summariseSip, type DatagramSocket, type UdpTransportOptions } from '../../../core/sip/transport/udp-transport';

const SERVER: RemoteInfo = { address: '127.0.0.1', port: 5060, family: 'IPv4', size: 0 };

class FakeSocket implements DatagramSocket {
  sent: Array<{ at: number; text: string }> = [];
  /** Answer the transport's OPTIONS pings (connect and keep-alive). */
  answerPings = true;
  private listeners: { message?: (m: Buffer, r: RemoteInfo) => void; error?: (e: NodeJS.ErrnoException) => void } = {};
  bound: number[] = [];
  /** Makes bind() fail as if another program had taken the port. */
  portTaken = false;
  bind(port: number, callback: () => void): void {
    this.bound.push(port);
    if (this.portTaken) queueMicrotask(() => this.listeners.error?.(Object.assign(new Error('bind EADDRINUSE'), { code: 'EADDRINUSE' })));
    else queueMicrotask(callback);
  }
  connect(_port: number, _address: string, callback: () => void): void {
    queueMicrotask(callback);
  }
  send(message: Buffer, callback?: (error: Error | null) => void): void {
    const text = message.toString('utf8');
    this.sent.push({ at: Date.now(), text });
    callback?.(null);
    if (this.answerPings && text.startsWith('OPTIONS ')) queueMicrotask(() => this.deliver(respond(text, 200, 'OK')));
  }
  address() {
    return { address: '127.0.0.1', port: 40000 };
  }
  close(): void {}
  on(event: 'message' | 'error', listener: never): this {
    (this.listeners as Record<string, unknown>)[event] = listener;
    return this;
  }
  removeAllListeners(): this {
    this.listeners = {};
    return this;
  }
  deliver(text: string | Buffer): void {
    this.listeners.message?.(Buffer.isBuffer(text) ? text : Buffer.from(text), SERVER);
  }
  fail(code: string): void {
    this.listeners.error?.(Object.assign(new Error(code), { code }));
  }
  /** Messages other than the transport's own keep-alive pings. */
  get requests(): Array<{ at: number; text: string }> {
    return this.sent.filter((s) => !s.text.startsWith('OPTIONS '));
  }
}

function respond(request: string, status: number, reason: string): string {
  const lines = request.split('\r\n');
  const pick = (name: string) => lines.filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return [`SIP/2.0 ${status} ${reason}`, ...pick('Via'), ...pick('From'), ...pick('To'), ...pick('Call-ID'), ...pick('CSeq'), 'Content-Length: 0', '', ''].join(
    '\r\n',
  );
}

const register = (branch = 'z9hG4bKreg1') =>
  [
    'REGISTER sip:sip.lab.test SIP/2.0',
    `Via: SIP/2.0/UDP 127.0.0.1;branch=${branch};rport`,
    'Max-Forwards: 70',
    'From: <sip:anna@sip.lab.test>;tag=abc',
    'To: <sip:anna@sip.lab.test>',
    'Call-ID: reg-call-1',
    'CSeq: 1 REGISTER',
    'Contact: <sip:anna@127.0.0.1:40000;transport=udp>;expires=600',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

const incomingMessage = (body: string, branch = 'z9hG4bKsrv1') =>
  [
    'MESSAGE sip:anna@127.0.0.1:40000;transport=udp SIP/2.0',
    `Via: SIP/2.0/UDP 127.0.0.1:5060;branch=${branch}`,
    'Max-Forwards: 69',
    'From: <sip:ben@sip.lab.test>;tag=xyz',
    'To: <sip:anna@sip.lab.test>',
    'Call-ID: msg-call-1',
    'CSeq: 7 MESSAGE',
    'Content-Type: text/plain',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');

let socket: FakeSocket;
let logs: string[];
let received: string[];

async function connected(options: Partial<UdpTransportOptions> = {}): Promise<UdpTransport> {
  const transport = new UdpTransport(undefined, {
    host: '127.0.0.1',
    port: 5060,
    keepAliveIntervalMs: 0,
    createSocket: () => socket,
    log: (line: string) => logs.push(line),
    ...options,
  } satisfies UdpTransportOptions);
  transport.onMessage = (m) => received.push(m);
  await transport.connect();
  return transport;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  socket = new FakeSocket();
  logs = [];
  received = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('UDP transport: client retransmission (RFC 3261 §17.1.2)', () => {
  it('retransmits at T1, 2·T1, 4·T1, then every T2, and gives up at 64·T1 with a clear error', async () => {
    const timeouts: string[] = [];
    const transport = await connected({ onRequestTimeout: (method) => timeouts.push(method) });
    const start = Date.now();
    await transport.send(register());
    await vi.advanceTimersByTimeAsync(40_000);
    const times = socket.requests.map((s) => s.at - start);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.slice(0, 5)).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(Math.max(...gaps)).toBe(4000);
    // Nothing after Timer F (32 s).
    expect(times.at(-1)).toBeLessThan(32_000);
    expect(times.length).toBe(11);
    expect(timeouts).toEqual(['REGISTER']);
    expect(transport.stats.timeouts).toBe(1);
    expect(logs.join('\n')).toMatch(/no answer from 127\.0\.0\.1:5060 to REGISTER after 32 s \(11 transmissions over UDP\); giving up/);
  });

  it('stops on a final response and absorbs its duplicates', async () => {
    const transport = await connected();
    await transport.send(register());
    await vi.advanceTimersByTimeAsync(600);
    expect(socket.requests).toHaveLength(2);
    const ok = respond(socket.requests[0]!.text, 200, 'OK');
    socket.deliver(ok);
    socket.deliver(ok);
    socket.deliver(ok);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(socket.requests).toHaveLength(2);
    expect(received.filter((m) => m.startsWith('SIP/2.0 200'))).toHaveLength(1);
    expect(transport.stats.duplicateResponsesAbsorbed).toBe(2);
  });

  it('after a provisional response retransmits only every T2', async () => {
    const transport = await connected();
    const start = Date.now();
    await transport.send(register());
    socket.deliver(respond(socket.requests[0]!.text, 100, 'Trying'));
    await vi.advanceTimersByTimeAsync(9000);
    const times = socket.requests.map((s) => s.at - start);
    // The first timer was already running with T1; every later gap is T2.
    expect(times.slice(2).map((t, i) => t - times[i + 1]!)).toEqual([4000, 4000]);
  });

  it('an INVITE doubles without the T2 cap and stops at the first provisional answer', async () => {
    const transport = await connected();
    const start = Date.now();
    const invite = register('z9hG4bKinv').replace('REGISTER sip:sip.lab.test', 'INVITE sip:ben@sip.lab.test').replace('CSeq: 1 REGISTER', 'CSeq: 1 INVITE');
    await transport.send(invite);
    await vi.advanceTimersByTimeAsync(16_000);
    const times = socket.requests.map((s) => s.at - start);
    expect(times).toEqual([0, 500, 1500, 3500, 7500, 15500]);
    socket.deliver(respond(socket.requests[0]!.text, 180, 'Ringing'));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(socket.requests).toHaveLength(6);
  });

  it('puts the socket port in the top Via and takes it off the response for sip.js', async () => {
    const transport = await connected();
    await transport.send(register());
    const sent = socket.requests[0]!.text;
    expect(sent).toMatch(/^Via: SIP\/2\.0\/UDP 127\.0\.0\.1:40000;branch=z9hG4bKreg1;rport$/m);
    socket.deliver(respond(sent, 200, 'OK').replace(';rport', ';rport=40000;received=127.0.0.1'));
    expect(received[0]).toMatch(/^Via: SIP\/2\.0\/UDP 127\.0\.0\.1;branch=z9hG4bKreg1;rport=40000;received=127\.0\.0\.1$/m);
  });
});

describe('UDP transport: incoming requests (RFC 3261 §17.2.2)', () => {
  it('passes a retransmitted request up once and answers the copies with the response already sent', async () => {
    const transport = await connected();
    const message = incomingMessage('hello');
    socket.deliver(message);
    socket.deliver(message); // before sip.js answered: absorbed
    expect(received).toHaveLength(1);
    await transport.send(respond(message, 200, 'OK'));
    socket.deliver(message);
    socket.deliver(message);
    expect(received).toHaveLength(1);
    const answers = socket.sent.filter((s) => s.text.startsWith('SIP/2.0 200'));
    expect(answers).toHaveLength(3);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(transport.stats).toMatchObject({ duplicateRequestsAbsorbed: 1, duplicateRequestsAnswered: 2 });
    // After Timer J (64·T1) the same branch is a new request again.
    await vi.advanceTimersByTimeAsync(32_001);
    socket.deliver(message);
    expect(received).toHaveLength(2);
  });
});

describe('UDP transport: bad input and size limits', () => {
  it('logs unreadable datagrams with the reason and keeps working', async () => {
    const transport = await connected();
    socket.deliver('hello there\r\n\r\n');
    socket.deliver('MESSAGE sip:a@b SIP/2.0\r\nCall-ID: 1\r\nCSeq: 1 MESSAGE\r\n\r\n');
    socket.deliver(incomingMessage('truncated body').replace(/Content-Length: \d+/, 'Content-Length: 900'));
    socket.deliver(Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    socket.deliver('\r\n\r\n'); // a keep-alive pong: silently fine
    expect(transport.stats.unreadableDatagrams).toBe(4);
    expect(logs.join('\n')).toContain('no Via header');
    expect(logs.join('\n')).toContain('truncated: Content-Length 900');
    expect(logs.join('\n')).toContain('no end of the header section');
    socket.deliver(incomingMessage('still fine', 'z9hG4bKafter'));
    expect(received).toHaveLength(1);
    expect(transport.state).toBe(TransportState.Connected);
  });

  it('refuses to send or accept datagrams over the size cap', async () => {
    const transport = await connected({ maxDatagramBytes: 2000 });
    const big = incomingMessage('x'.repeat(3000), 'z9hG4bKbig');
    socket.deliver(big);
    expect(received).toHaveLength(0);
    expect(logs.join('\n')).toMatch(/dropped a \d+-byte datagram from 127\.0\.0\.1:5060: larger than 2000 bytes/);
    const bigRequest = register().replace('Content-Length: 0\r\n\r\n', `Content-Length: 3000\r\n\r\n${'y'.repeat(3000)}`);
    await expect(transport.send(bigRequest)).rejects.toThrow(/REGISTER of \d+ bytes is too large for UDP \(limit 2000 bytes\)/);
  });

  it('summarises compact header forms and refuses a mismatched CSeq', () => {
    expect(
      summariseSip('NOTIFY sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h:1;branch=z9hG4bKx\r\ni: c1\r\nt: <sip:a@b>\r\nf: <sip:c@d>;tag=1\r\nCSeq: 3 NOTIFY\r\n\r\n'),
    ).toMatchObject({ kind: 'request', method: 'NOTIFY', branch: 'z9hG4bKx', callId: 'c1' });
    expect(() =>
      summariseSip('NOTIFY sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h:1;branch=z9hG4bKx\r\ni: c1\r\nt: <sip:a@b>\r\nf: <sip:c@d>;tag=1\r\nCSeq: 3 MESSAGE\r\n\r\n'),
    ).toThrow(/does not match/);
    expect(() => summariseSip('NOTIFY sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h:1;branch=z9hG4bKx\r\ni: c1\r\nCSeq: 3 NOTIFY\r\n\r\n')).toThrow(/no To header/);
  });
});

describe('UDP transport: a dead server', () => {
  it('connect() fails with host and port when the server never answers', async () => {
    socket.answerPings = false;
    const transport = new UdpTransport(undefined, {
      host: '127.0.0.1',
      port: 5060,
      connectTimeoutMs: 3000,
      createSocket: () => socket,
    } satisfies UdpTransportOptions);
    const outcome = transport.connect().then(
      () => 'connected',
      (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
    );
    await vi.advanceTimersByTimeAsync(3001);
    expect(await outcome).toBe('timeout: Cannot reach 127.0.0.1:5060 over UDP (no answer)');
    expect(transport.state).toBe(TransportState.Disconnected);
  });

  it('the keep-alive turns an unanswered server into a disconnect with the reason', async () => {
    const transport = await connected({ keepAliveIntervalMs: 1000, keepAliveTimeoutMs: 2000 });
    const errors: Array<Error | undefined> = [];
    transport.onDisconnect = (e) => errors.push(e);
    await vi.advanceTimersByTimeAsync(3500);
    expect(errors).toEqual([]); // answered pings keep it up
    socket.answerPings = false;
    await vi.advanceTimersByTimeAsync(3100);
    expect(transport.state).toBe(TransportState.Disconnected);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/127\.0\.0\.1:5060 is not answering \(no answer to a keep-alive within 2\.0 s\)/);
  });

  it('an ICMP port unreachable disconnects at once', async () => {
    const transport = await connected();
    const errors: Array<Error | undefined> = [];
    transport.onDisconnect = (e) => errors.push(e);
    await transport.send(register());
    socket.fail('ECONNREFUSED');
    expect(transport.state).toBe(TransportState.Disconnected);
    expect(errors[0]?.message).toMatch(/port unreachable/);
    // Nothing is retransmitted into the void afterwards.
    const count = socket.sent.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(socket.sent.length).toBe(count);
  });

  it('reconnects on the same local port, or on a new one when that port is taken', async () => {
    const sockets: FakeSocket[] = [];
    const transport = await connected({
      createSocket: () => {
        socket = new FakeSocket();
        // The third socket finds the port taken by another program.
        socket.portTaken = sockets.length === 2;
        sockets.push(socket);
        return socket;
      },
    });
    expect(sockets[0]!.bound).toEqual([]); // the first connection takes any free port
    sockets[0]!.fail('ECONNREFUSED');
    await transport.connect();
    expect(sockets).toHaveLength(2);
    expect(sockets[1]!.bound).toEqual([40000]);
    expect(transport.state).toBe(TransportState.Connected);
    sockets[1]!.fail('ECONNREFUSED');
    await transport.connect();
    expect(sockets).toHaveLength(4);
    expect(sockets[2]!.bound).toEqual([40000]);
    expect(sockets[3]!.bound).toEqual([]);
    expect(transport.state).toBe(TransportState.Connected);
  });
});
