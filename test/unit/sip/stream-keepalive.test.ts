/**
 * The stream transport's keep-alive: a server that answers CRLF pings, or only OPTIONS, stays
 * connected; one that falls silent is dropped with a reason (what turns a hung server into
 * "Reconnecting"). Scripted servers on loopback; the real Kamailio case is in
 * test/integration/sip/transports.test.ts.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpTransport } from '../../../core/sip/transport/tcp-transport';

const quiet = { error() {}, warn() {}, log() {}, debug() {} } as never;
const servers: Server[] = [];
const transports: TcpTransport[] = [];

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.disconnect()));
  for (const s of servers.splice(0)) s.close();
});

/** A TCP server whose `answer` decides what each received chunk gets back. */
async function server(answer: (text: string, socket: Socket) => void): Promise<number> {
  const s = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('data', (d) => answer(d.toString('latin1'), socket));
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
}

function transport(port: number, log: string[] = []): TcpTransport {
  const t = new TcpTransport(quiet, { host: '127.0.0.1', port, keepAliveIntervalMs: 40, keepAliveTimeoutMs: 150, log: (l: string) => log.push(l) });
  transports.push(t);
  return t;
}

const disconnected = (t: TcpTransport) => new Promise<Error | undefined>((resolve) => (t.onDisconnect = resolve));

describe('stream keep-alive', () => {
  it('stays connected to a server that answers CRLF pings with a CRLF pong', async () => {
    let pings = 0;
    let enough: () => void = () => {};
    const many = new Promise<void>((r) => (enough = r));
    const port = await server((text, socket) => {
      if (text === '\r\n\r\n') {
        socket.write('\r\n');
        if (++pings === 10) enough();
      }
    });
    const t = transport(port);
    await t.connect();
    await many;
    expect(t.isConnected()).toBe(true);
  });

  it('asks a server that never pongs with OPTIONS, stays connected while it answers, and keeps the answers from sip.js', async () => {
    let options = 0;
    let enough: () => void = () => {};
    const many = new Promise<void>((r) => (enough = r));
    const port = await server((text, socket) => {
      if (!text.startsWith('OPTIONS ')) return; // CRLF pings go unanswered
      const callId = /^Call-ID: (.*)$/m.exec(text)![1]!.trim();
      const cseq = /^CSeq: (.*)$/m.exec(text)![1]!.trim();
      socket.write(`SIP/2.0 200 OK\r\nVia: ${/^Via: (.*)$/m.exec(text)![1]!.trim()}\r\nCall-ID: ${callId}\r\nCSeq: ${cseq}\r\nContent-Length: 0\r\n\r\n`);
      if (++options === 5) enough();
    });
    const t = transport(port);
    const passedUp: string[] = [];
    t.onMessage = (m) => passedUp.push(m);
    await t.connect();
    await many;
    expect(t.isConnected()).toBe(true);
    expect(passedUp).toEqual([]);
  });

  it('drops a server that falls silent, with the reason', async () => {
    let silent = false;
    let pongs = 0;
    let ponged: () => void = () => {};
    const alive = new Promise<void>((r) => (ponged = r));
    const port = await server((text, socket) => {
      if (silent || text !== '\r\n\r\n') return;
      socket.write('\r\n');
      if (++pongs === 2) ponged();
    });
    const log: string[] = [];
    const t = transport(port, log);
    const lost = disconnected(t);
    await t.connect();
    await alive;
    silent = true; // like SIGSTOP: the connection stays open, nothing answers
    const error = await lost;
    expect(error?.message).toMatch(/stopped answering \(no answer to a keep-alive within 0\.\d+ s\)/);
    expect(t.isConnected()).toBe(false);
    expect(log.join('\n')).toMatch(/no answer to a keep-alive/);
  });

  it('drops a server that never answered anything, after asking with OPTIONS too', async () => {
    const seen: string[] = [];
    const port = await server((text) => void seen.push(text));
    const t = transport(port);
    const lost = disconnected(t);
    await t.connect();
    expect((await lost)?.message).toMatch(/no answer to a keep-alive/);
    expect(seen.some((s) => s.includes('OPTIONS sip:127.0.0.1:'))).toBe(true);
  });
});
