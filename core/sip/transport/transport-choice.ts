/**
 * Which sip.js transport to build for a presence server, and how to reach it: the one place
 * that knows the differences between UDP, TCP and TLS (Contact `transport` parameter, `rport`,
 * how to learn the local address, how to check the server answers).
 */
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import type { Transport } from 'sip.js/lib/api/transport.js';
import type { Logger } from 'sip.js/lib/core/log/logger.js';
import type { TraceSink } from '../../trace';
import { TcpTransport } from './tcp-transport';
import { TlsTransport, validateCaPem, type TlsTransportOptions } from './tls-transport';
import { UdpTransport, type UdpTransportOptions } from './udp-transport';

export type SipTransportKind = 'udp' | 'tcp' | 'tls';

export interface SipServer {
  host: string;
  port: number;
  transport: SipTransportKind;
}

/** Trust for TLS beyond the system store (never a way to turn verification off). */
export interface TlsTrust {
  /** PEM of a private CA or of the server's own certificate. */
  ca?: string;
  /** SHA-256 fingerprint the server certificate must have. */
  pinnedSha256?: string;
}

/** UDP timers and keep-alive; the defaults suit a LAN or VPN. */
export type UdpTuning = Pick<
  UdpTransportOptions,
  't1Ms' | 't2Ms' | 't4Ms' | 'keepAliveIntervalMs' | 'keepAliveTimeoutMs' | 'connectTimeoutMs' | 'maxDatagramBytes'
>;

export interface TransportSetup {
  transportConstructor: new (logger: Logger, options: unknown) => Transport;
  transportOptions: unknown;
  contactParams: { transport: string };
  /** RFC 3581: over UDP, ask the server to answer to the address the request came from. */
  forceRport: boolean;
}

export const describeServer = (server: SipServer) => `${server.transport.toUpperCase()} ${server.host}:${server.port}`;

export function transportSetup(
  server: SipServer,
  common: { onLocalPort: (port: number) => void; log: (line: string) => void; trace?: TraceSink },
  tuning: { tls?: TlsTrust; udp?: UdpTuning; connectTimeoutMs?: number; maxMessageBytes?: number } = {},
): TransportSetup {
  const base = { host: server.host, port: server.port, ...common };
  if (server.transport === 'udp') {
    const transportOptions: UdpTransportOptions = { ...base, ...tuning.udp };
    return { transportConstructor: UdpTransport, transportOptions, contactParams: { transport: 'udp' }, forceRport: true };
  }
  if (server.transport === 'tls') {
    if (tuning.tls?.ca) validateCaPem(tuning.tls.ca);
    const transportOptions: TlsTransportOptions = {
      ...base,
      connectTimeoutMs: tuning.connectTimeoutMs,
      maxMessageBytes: tuning.maxMessageBytes,
      ...tuning.tls,
    };
    return { transportConstructor: TlsTransport, transportOptions, contactParams: { transport: 'tls' }, forceRport: false };
  }
  return {
    transportConstructor: TcpTransport,
    transportOptions: { ...base, connectTimeoutMs: tuning.connectTimeoutMs, maxMessageBytes: tuning.maxMessageBytes },
    contactParams: { transport: 'tcp' },
    forceRport: false,
  };
}

export class ReachError extends Error {
  constructor(
    readonly code: 'unreachable' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Learns the local address the server is reached from (for Via and Contact), and for TCP and
 * TLS checks the port accepts connections. Over UDP nothing is sent: the transport's first
 * OPTIONS tells whether the server answers.
 */
export function localAddressFor(server: SipServer, timeoutMs: number): Promise<string> {
  const { host, port } = server;
  const target = `${host}:${port}`;
  const bare = (address: string | undefined) => (address ?? '127.0.0.1').replace(/^::ffff:/, '');
  if (server.transport === 'udp') {
    return new Promise((resolve, reject) => {
      const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
      socket.once('error', (error: NodeJS.ErrnoException) => {
        socket.close();
        reject(new ReachError('unreachable', `Cannot reach the presence server ${target} over UDP (${error.message}).`));
      });
      socket.connect(port, host, () => {
        const address = bare(socket.address().address);
        socket.close();
        resolve(address);
      });
    });
  }
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ReachError('timeout', `The presence server ${target} did not answer.`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      const address = bare(socket.localAddress);
      socket.destroy();
      resolve(address);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new ReachError('unreachable', `Cannot reach the presence server ${target} (${error.code === 'ECONNREFUSED' ? 'connection refused' : error.message}).`),
      );
    });
  });
}

/**
 * Does the server answer right now? TCP/TLS: it accepts a connection. UDP: it answers an
 * OPTIONS (the UDP transport's own connect check). Used to notice a primary coming back.
 */
export async function serverAnswers(server: SipServer, timeoutMs: number): Promise<boolean> {
  if (server.transport !== 'udp') {
    return localAddressFor(server, timeoutMs).then(
      () => true,
      () => false,
    );
  }
  const transport = new UdpTransport(undefined, {
    host: server.host,
    port: server.port,
    connectTimeoutMs: timeoutMs,
    keepAliveIntervalMs: 0,
  } satisfies UdpTransportOptions);
  try {
    await transport.connect();
    return true;
  } catch {
    return false;
  } finally {
    await transport.disconnect();
  }
}
