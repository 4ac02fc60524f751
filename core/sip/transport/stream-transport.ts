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
 *
 * A server that hangs (frozen, or a dead path with no reset) leaves a TCP connection open
 * and silent for as long as the kernel keeps retrying: nothing fails until a request times
 * out. So a keep-alive turns silence into a disconnect with a reason, as the UDP transport's
 * does: every `keepAliveIntervalMs` a ping goes out, and anything heard from the server within
 * `keepAliveTimeoutMs` proves it alive. The ping is RFC 5626's double CRLF, which servers answer
 * with a CRLF pong (Kamailio does by default). A server that has never answered one is asked
 * again with an OPTIONS before it counts as gone, and from then on with OPTIONS (any answer will
 * do; it is not passed to sip.js).
 *
 * ```
 *   Idle ──interval──> Pinged(crlf | options) ──anything heard──> Idle
 *                           │ silent for keepAliveTimeoutMs
 *                           ├── crlf, never ponged ──> Pinged(options)   (mode becomes options)
 *                           └── otherwise ──> connection closed: "no answer to a keep-alive"
 * ```
 */
import { randomBytes } from 'node:crypto';
import { checkSipMessage, declaredLength, FramingError } from '../message/message-checks';
import type { Socket } from 'node:net';
import { TransportState } from 'sip.js/lib/api/transport-state.js';
import type { Logger } from 'sip.js/lib/core/log/logger.js';
import type { TraceSink } from '../../trace';
import { TransportBase, deliverSafely } from './transport-base';
import { decodeSipMessage } from '../codecs/text-body';

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
  /** How often to check the server is alive (default 1 s: four bytes each time; 0 turns the keep-alive off). */
  keepAliveIntervalMs?: number;
  /**
   * How long a keep-alive may go unanswered before the server counts as gone (default 2.5 s,
   * room for a busy server's late pong: a frozen server is noticed within 3.5 s).
   */
  keepAliveTimeoutMs?: number;
}

/** How the keep-alive asks; see the diagram above. */
type PingMode = 'crlf' | 'options';

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
const PING = '\r\n\r\n';

/**
 * Splits complete SIP messages off the front of a byte buffer. Exported for tests.
 * Framing is by Content-Length in bytes; every Content-Length header must agree (see
 * message-checks.ts). On a violation it throws `FramingError` carrying the messages it had
 * already framed from the same bytes, so none of them is lost with the connection.
 */
export class SipStreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
  constructor(private readonly maxBytes = 4 * 1024 * 1024) {}

  /** No part of a message is waiting: the next byte starts a message (or is a keep-alive CRLF). */
  get between(): boolean {
    return this.buffer.length === 0;
  }

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
      out.push(decodeSipMessage(this.buffer.subarray(0, total)));
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
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private pingMode: PingMode = 'crlf';
  /** A CRLF pong arrived on this connection: the server speaks RFC 5626 keep-alives. */
  private ponged = false;
  /** The outstanding ping's deadline, cleared by anything heard from the server. */
  private pingDeadline: NodeJS.Timeout | undefined;
  private pingCseq = 0;
  private readonly pingCallId = `${randomBytes(8).toString('hex')}@presence-desk-keepalive`;

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
        reject(
          Object.assign(new Error(`Cannot reach ${host}:${port} over ${this.factory.name.toUpperCase()} (${what} within ${+(limitMs / 1000).toFixed(1)} s)`), {
            code: 'timeout',
          }),
        );
      }, limitMs);
      socket.once(this.factory.readyEvent, () => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        this.options.onLocalPort?.(socket.localPort!);
        this.transition(TransportState.Connected);
        this.startKeepAlive(socket);
        resolve();
      });
      socket.on('data', (chunk: Buffer) => {
        this.heard(chunk, framer.between);
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
          if (this.isPingAnswer(message)) continue;
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
          reject(
            Object.assign(new Error(`Cannot reach ${host}:${port} over ${this.factory.name.toUpperCase()} (${this.factory.describeError(error)})`), { code }),
          );
        } else {
          this.options.log?.(`sip: ${this.peer}: ${this.factory.describeError(error)}`);
        }
      });
      socket.once('close', () => {
        if (this.socket !== socket) return;
        this.stopKeepAlive();
        this.socket = undefined;
        if (settled) this.transition(TransportState.Disconnected, this.state === TransportState.Disconnecting ? undefined : new Error('connection closed'));
      });
    });
  }

  disconnect(): Promise<void> {
    this.stopKeepAlive();
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

  private startKeepAlive(socket: Socket): void {
    this.stopKeepAlive();
    this.pingMode = 'crlf';
    this.ponged = false;
    const every = this.options.keepAliveIntervalMs ?? 1000;
    if (!every) return;
    // The first ping goes out at once: whether the server answers CRLF pings is then known
    // before it could hang, so a hang costs one interval and one timeout, not a second ask.
    this.ping(socket);
    this.keepAliveTimer = setInterval(() => {
      if (this.pingDeadline || this.socket !== socket || this.state !== TransportState.Connected) return;
      this.ping(socket);
    }, every);
    this.keepAliveTimer.unref?.();
  }

  private stopKeepAlive(): void {
    clearInterval(this.keepAliveTimer);
    clearTimeout(this.pingDeadline);
    this.keepAliveTimer = undefined;
    this.pingDeadline = undefined;
  }

  private ping(socket: Socket): void {
    const timeoutMs = this.options.keepAliveTimeoutMs ?? 2500;
    socket.write(this.pingMode === 'crlf' ? PING : this.optionsPing(socket));
    this.pingDeadline = setTimeout(() => {
      this.pingDeadline = undefined;
      if (this.socket !== socket) return;
      if (this.pingMode === 'crlf' && !this.ponged) {
        // Perhaps only a server that does not answer CRLF pings: ask in a way every server answers.
        this.pingMode = 'options';
        this.ping(socket);
        return;
      }
      const why = `no answer to a keep-alive within ${(timeoutMs / 1000).toFixed(1)} s`;
      this.options.log?.(`sip: ${this.peer}: ${why}; closing the connection`);
      this.socket = undefined;
      this.stopKeepAlive();
      socket.destroy();
      this.transition(TransportState.Disconnected, new Error(`The presence server ${this.options.host}:${this.options.port} stopped answering (${why})`));
    }, timeoutMs);
    this.pingDeadline.unref?.();
  }

  /**
   * Anything from the server proves it alive. CRLF between messages, answering a CRLF ping,
   * is a pong (it may arrive in one segment with the next message).
   */
  private heard(chunk: Buffer, betweenMessages: boolean): void {
    if (!this.pingDeadline) return;
    if (this.pingMode === 'crlf' && betweenMessages && chunk[0] === 13 && chunk[1] === 10) this.ponged = true;
    clearTimeout(this.pingDeadline);
    this.pingDeadline = undefined;
  }

  private optionsPing(socket: Socket): string {
    this.pingCseq += 1;
    const local = `${socket.localAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1'}:${socket.localPort ?? 0}`;
    const transport = this.factory.name.toUpperCase();
    const target = `sip:${this.options.host}:${this.options.port};transport=${this.factory.name}`;
    return (
      `OPTIONS ${target} SIP/2.0\r\n` +
      `Via: SIP/2.0/${transport} ${local};branch=z9hG4bK${randomBytes(8).toString('hex')};rport\r\n` +
      `Max-Forwards: 70\r\n` +
      `From: <sip:keepalive@${local}>;tag=${this.pingCallId.slice(0, 8)}\r\n` +
      `To: <${target}>\r\n` +
      `Call-ID: ${this.pingCallId}\r\n` +
      `CSeq: ${this.pingCseq} OPTIONS\r\n` +
      `Content-Length: 0\r\n\r\n`
    );
  }

  /** The answer to our own OPTIONS keep-alive: proof of life, not for sip.js. */
  private isPingAnswer(message: string): boolean {
    return message.startsWith('SIP/2.0 ') && message.includes(this.pingCallId);
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
