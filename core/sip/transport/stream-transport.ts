/**
 * A sip.js transport over a byte stream for Node (sip.js ships only a WebSocket one). The
 * stream comes from a socket factory: plain TCP (`tcp-transport.ts`) or TLS
 * (`tls-transport.ts`); framing, state steps and error handling are shared here (the state
 * sip.js reads is kept by `transport-base.ts`).
 *
 * ```
 *   Disconnected ──connect()──> Connecting ──socket up──> Connected
 *        ^                          │                         │
 *        └──── error / closed ──────┴──── disconnect() ───────┘  (via Disconnecting)
 * ```
 *
 * Framing is by Content-Length counted in bytes (RFC 3261 §18.3), on a byte buffer, so
 * multi-byte UTF-8 bodies and messages split or coalesced across segments both work.
 * Keep-alive CRLFs are skipped.
 */
import { checkSipMessage, declaredLength, FramingError } from '../message/message-checks';
import type { Socket } from 'node:net';
import { TransportState } from 'sip.js/lib/api/transport-state.js';
import type { Logger } from 'sip.js/lib/core/log/logger.js';
import type { TraceSink } from '../../trace';
import { TransportBase, deliverSafely } from './transport-base';

export interface StreamTransportOptions {
  host: string;
  port: number;
  /** Largest message accepted; a larger one closes the connection (a hostile peer). */
  maxMessageBytes?: number;
  /** How long connecting (and, for TLS, the handshake) may take (default 10 s). */
  connectTimeoutMs?: number;
  /** Called with each connection's local port (the Contact must carry it). */
  onLocalPort?: (port: number) => void;
  log?: (line: string) => void;
  /** Receives every message sent and received, for the Diagnostics view. */
  trace?: TraceSink;
}

/**
 * Opens the stream. It must emit `ready` once messages can be written (`connect` for TCP,
 * `secureConnect` for TLS) and `error` with a message that names the peer and the reason.
 */
export interface StreamSocketFactory {
  /** Lower-case name for the trace and for errors ("tcp", "tls"). */
  readonly name: string;
  /** The event that says the stream is ready for SIP. */
  readonly readyEvent: 'connect' | 'secureConnect';
  open(host: string, port: number): Socket;
  /** Turns a socket error into the text a user reads after "Cannot reach host:port". */
  describeError(error: NodeJS.ErrnoException): string;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/**
 * Splits complete SIP messages off the front of a byte buffer. Exported for tests.
 * Framing is by Content-Length in bytes; every Content-Length header must agree (see
 * message-checks.ts). On a violation it throws `FramingError` carrying the messages it had
 * already framed from the same bytes, so none of them is lost with the connection.
 */
export class SipStreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
  constructor(private readonly maxBytes = 4 * 1024 * 1024) {}

  /** Adds bytes; returns the complete messages now available. Throws `FramingError` on a framing violation. */
  push(chunk: Buffer): string[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: string[] = [];
    const fail = (message: string): never => {
      throw new FramingError(message, out);
    };
    for (;;) {
      let start = 0;
      while (start < this.buffer.length && (this.buffer[start] === 13 || this.buffer[start] === 10)) start += 1;
      if (start) this.buffer = this.buffer.subarray(start);
      const end = this.buffer.indexOf(CRLF2);
      if (end < 0) {
        if (this.buffer.length > this.maxBytes) fail('SIP header section too large');
        return out;
      }
      let length: number | undefined;
      try {
        length = declaredLength(this.buffer.subarray(0, end).toString('utf8'));
      } catch (error) {
        fail((error as Error).message);
      }
      if (length === undefined) return fail('SIP message over a stream without Content-Length');
      if (length > this.maxBytes) fail(`SIP body of ${length} bytes is too large`);
      const total = end + 4 + length;
      if (this.buffer.length < total) return out;
      out.push(this.buffer.subarray(0, total).toString('utf8'));
      this.buffer = this.buffer.subarray(total);
    }
  }
}

export function describeSocketError(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNREFUSED') return 'connection refused';
  if (error.code === 'ETIMEDOUT') return 'connection timed out';
  if (error.code === 'ENOTFOUND') return 'host name not found';
  return error.message;
}

export class StreamTransport extends TransportBase {
  readonly protocol: string;
  private socket: Socket | undefined;
  protected readonly options: StreamTransportOptions;

  constructor(
    protected readonly logger: Logger,
    options: unknown,
    private readonly factory: StreamSocketFactory,
  ) {
    super();
    this.options = options as StreamTransportOptions;
    this.protocol = factory.name.toUpperCase();
  }

  private get peer(): string {
    return `${this.factory.name} ${this.options.host}:${this.options.port}`;
  }

  connect(): Promise<void> {
    if (this.state === TransportState.Connected) return Promise.resolve();
    const { host, port } = this.options;
    this.transition(TransportState.Connecting);
    return new Promise((resolve, reject) => {
      const framer = new SipStreamFramer(this.options.maxMessageBytes);
      const socket = this.factory.open(host, port);
      this.socket = socket;
      let settled = false;
      // A port that accepts the connection but never completes the TLS handshake (a plain
      // SIP port, a firewall) would otherwise keep the sign-in waiting for ever.
      const limitMs = this.options.connectTimeoutMs ?? 10_000;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        this.socket = undefined;
        socket.destroy();
        this.transition(TransportState.Disconnected, new Error('connect timeout'));
        const what = this.factory.readyEvent === 'secureConnect' ? 'no TLS handshake' : 'no connection';
        reject(Object.assign(new Error(`Cannot reach ${host}:${port} over ${this.factory.name.toUpperCase()} (${what} within ${+(limitMs / 1000).toFixed(1)} s)`), { code: 'timeout' }));
      }, limitMs);
      socket.once(this.factory.readyEvent, () => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        this.options.onLocalPort?.(socket.localPort!);
        this.transition(TransportState.Connected);
        resolve();
      });
      socket.on('data', (chunk: Buffer) => {
        let messages: string[];
        let fault: Error | undefined;
        try {
          messages = framer.push(chunk);
        } catch (error) {
          // Messages framed before the fault are whole: deliver them, then close.
          messages = error instanceof FramingError ? error.framed : [];
          fault = error as Error;
        }
        for (const message of messages) {
          this.options.trace?.record({ protocol: 'sip', direction: 'in', peer: this.peer, raw: message });
          try {
            checkSipMessage(message);
          } catch (error) {
            this.options.log?.(`sip: dropped a message from ${host}:${port} (${(error as Error).message})`);
            continue;
          }
          deliverSafely(this.onMessage, message, `${host}:${port}`, this.options.log);
        }
        if (fault) {
          this.options.log?.(`sip: ${host}:${port} sent unreadable data (${fault.message}); closing the connection`);
          socket.destroy();
          return;
        }
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (!settled) {
          settled = true;
          this.socket = undefined;
          socket.destroy();
          this.transition(TransportState.Disconnected, error);
          const code = this.factory.name === 'tls' && !error.syscall ? 'tls' : 'unreachable';
          reject(Object.assign(new Error(`Cannot reach ${host}:${port} over ${this.factory.name.toUpperCase()} (${this.factory.describeError(error)})`), { code }));
        } else {
          this.options.log?.(`sip: ${this.peer}: ${this.factory.describeError(error)}`);
        }
      });
      socket.once('close', () => {
        if (this.socket !== socket) return;
        this.socket = undefined;
        if (settled) this.transition(TransportState.Disconnected, this.state === TransportState.Disconnecting ? undefined : new Error('connection closed'));
      });
    });
  }

  disconnect(): Promise<void> {
    const socket = this.socket;
    if (!socket) {
      this.transition(TransportState.Disconnected);
      return Promise.resolve();
    }
    this.transition(TransportState.Disconnecting);
    return new Promise((resolve) => {
      socket.once('close', () => {
        this.socket = undefined;
        this.transition(TransportState.Disconnected);
        resolve();
      });
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  send(message: string): Promise<void> {
    const socket = this.socket;
    if (!socket || this.state !== TransportState.Connected) return Promise.reject(new Error('not connected'));
    this.options.trace?.record({ protocol: 'sip', direction: 'out', peer: this.peer, raw: message });
    // Messages sent in the same turn (a sign-in's SUBSCRIBEs, the 200s to a batch of NOTIFYs)
    // leave in one write: one system call and fewer segments for both ends to read.
    if (!socket.writableCorked) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    return new Promise((resolve, reject) => socket.write(message, 'utf8', (error) => (error ? reject(error) : resolve())));
  }
}
