/**
 * A lossy UDP relay on loopback, standing between SIP clients and a server the way a bad
 * network (and a NAT) would: each client gets its own outer socket towards the server, and a
 * seeded random generator drops a share of the datagrams in both directions, so a failing run
 * can be replayed with the same seed.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { seededRandom } from './mutate';

export interface LossyUdpProxy {
  /** Where clients send to. */
  port: number;
  stats: { forwarded: number; dropped: number };
  close(): Promise<void>;
}

export async function startLossyUdpProxy(options: { serverPort: number; serverHost?: string; dropRate: number; seed: number }): Promise<LossyUdpProxy> {
  const serverHost = options.serverHost ?? '127.0.0.1';
  const random = seededRandom(options.seed);
  const stats = { forwarded: 0, dropped: 0 };
  const keep = () => {
    if (random() < options.dropRate) {
      stats.dropped += 1;
      return false;
    }
    stats.forwarded += 1;
    return true;
  };
  const front = createSocket('udp4');
  const outer = new Map<string, Socket>();
  const outerFor = async (client: RemoteInfo): Promise<Socket> => {
    const id = `${client.address}:${client.port}`;
    let socket = outer.get(id);
    if (socket) return socket;
    socket = createSocket('udp4');
    outer.set(id, socket);
    // Anything the server sends to this socket (responses, and requests to the client's
    // "received" address) goes back to that client.
    socket.on('message', (data) => {
      if (keep()) front.send(data, client.port, client.address);
    });
    await new Promise<void>((resolve) => socket!.bind(0, '127.0.0.1', resolve));
    return socket;
  };
  front.on('message', (data, client) => {
    if (!keep()) return;
    void outerFor(client).then((socket) => socket.send(data, options.serverPort, serverHost));
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  return {
    port: front.address().port,
    stats,
    close: async () => {
      for (const socket of [front, ...outer.values()]) await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
