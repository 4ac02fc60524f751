/**
 * A SIP peer over TCP that a test scripts byte for byte: it accepts a client's connection,
 * answers every request 200 (REGISTER with the client's own Contact), and lets the test write
 * raw bytes to the client (a MESSAGE in a charset the client must honour) and read the
 * client's answers. For what only a hand-made message can show; the real server is Kamailio.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { SipStreamFramer } from '../../core/sip/transport/stream-transport';

export interface ScriptedSipPeer {
  port: number;
  /** Requests received from the client, as text. */
  readonly requests: string[];
  /** Resolves with the first response from the client that satisfies `predicate`. */
  response(predicate: (text: string) => boolean): Promise<string>;
  /** Writes raw bytes on the connection the client registered over. */
  write(bytes: Buffer): void;
  /** Resolves once the client's REGISTER has been answered. */
  registered: Promise<void>;
  close(): Promise<void>;
}

const header = (message: string, name: string) => new RegExp(`^${name}[ \\t]*:[ \\t]*(.*)$`, 'im').exec(message)?.[1]?.trim() ?? '';

export async function startScriptedSipPeer(): Promise<ScriptedSipPeer> {
  const requests: string[] = [];
  const responses: string[] = [];
  const waiters: { predicate: (t: string) => boolean; resolve: (t: string) => void }[] = [];
  let client: Socket | undefined;
  let onRegistered: () => void = () => {};
  const registered = new Promise<void>((resolve) => (onRegistered = resolve));
  const server: Server = createServer((socket) => {
    const framer = new SipStreamFramer();
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      for (const message of framer.push(chunk)) {
        if (message.startsWith('SIP/2.0')) {
          responses.push(message);
          for (const w of waiters.splice(0)) {
            if (w.predicate(message)) w.resolve(message);
            else waiters.push(w);
          }
          continue;
        }
        requests.push(message);
        const method = message.slice(0, message.indexOf(' '));
        const to = header(message, 'To');
        const extra = method === 'REGISTER' ? `Contact: ${header(message, 'Contact')};expires=600\r\n` : '';
        socket.write(
          `SIP/2.0 200 OK\r\nVia: ${header(message, 'Via')}\r\nFrom: ${header(message, 'From')}\r\nTo: ${to}${/;tag=/.test(to) ? '' : ';tag=peer'}\r\n` +
            `Call-ID: ${header(message, 'Call-ID')}\r\nCSeq: ${header(message, 'CSeq')}\r\n${extra}Content-Length: 0\r\n\r\n`,
        );
        if (method === 'REGISTER') {
          client = socket;
          onRegistered();
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    requests,
    registered,
    response: (predicate) => {
      const seen = responses.find(predicate);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    write: (bytes) => client?.write(bytes),
    close: () =>
      new Promise((resolve) => {
        client?.destroy();
        server.close(() => resolve());
      }),
  };
}
