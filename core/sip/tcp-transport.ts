/**
 * A sip.js transport over TCP for Node (sip.js ships only a WebSocket one).
 *
 * ```
 *   Disconnected ──connect()──> Connecting ──socket up──> Connected
 *        ^                          │                         │
 *        └──── error / closed ──────┴──── disconnect() ───────┘  (via Disconnecting)
 * ```
 *
 * Framing is by Content-Length counted in bytes (RFC 3261 §18.3), on a byte buffer, so
 * multi-byte UTF-8 bodies and messages split or coalesced across TCP segments both work.
 * Keep-alive CRLFs are skipped.
 */
import { Socket, connect } from 'node:net';
import { EmitterImpl } from 'sip.js/lib/api/emitter.js';
import { TransportState } from 'sip.js/lib/api/transport-state.js';
import type { Transport } from 'sip.js/lib/api/transport.js';
import type { Logger } from 'sip.js/lib/core/log/logger.js';
import type { TraceSink } from '../trace';

export interface TcpTransportOptions {
  host: string;
  port: number;
  /** Largest message accepted; a larger one closes the connection (a hostile peer). */
  maxMessageBytes?: number;
  /** Called with each connection's local port (the Contact must carry it). */
  onLocalPort?: (port: number) => void;
  log?: (line: string) => void;
  /** Receives every message sent and received, for the Diagnostics view. */
  trace?: TraceSink;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** Splits complete SIP messages off the front of a byte buffer. Exported for tests. */
export class SipStreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
  constructor(private readonly maxBytes = 4 * 1024 * 1024) {}

  /** Adds bytes; returns the complete messages now available. Throws on a framing violation. */
  push(chunk: Buffer): string[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: string[] = [];
    for (;;) {
      let start = 0;
      while (start < this.buffer.length && (this.buffer[start] === 13 || this.buffer[start] === 10)) start += 1;
      if (start) this.buffer = this.buffer.subarray(start);
      const end = this.buffer.indexOf(CRLF2);
      if (end < 0) {
        if (this.buffer.length > this.maxBytes) throw new Error('SIP header section too large');
        return out;
      }
      const head = this.buffer.subarray(0, end).toString('utf8');
      const m = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/im.exec(head);
      if (!m) throw new Error('SIP message over TCP without Content-Length');
      const length = Number(m[1]);
      if (length > this.maxBytes) throw new Error(`SIP body of ${length} bytes is too large`);
      const total = end + 4 + length;
      if (this.buffer.length < total) return out;
      out.push(this.buffer.subarray(0, total).toString('utf8'));
      this.buffer = this.buffer.subarray(total);
    }
  }
}

export class TcpTransport implements Transport {
  readonly protocol = 'TCP';
  readonly stateChange = new EmitterImpl<TransportState>();
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;
  private _state = TransportState.Disconnected;
  private socket: Socket | undefined;
  private readonly options: TcpTransportOptions;

  constructor(
    private readonly logger: Logger,
    options: unknown,
  ) {
    this.options = options as TcpTransportOptions;
  }

  get state(): TransportState {
    return this._state;
  }

  private transition(state: TransportState, error?: Error): void {
    if (this._state === state) return;
    this._state = state;
    if (state === TransportState.Connected) this.onConnect?.();
    if (state === TransportState.Disconnected) this.onDisconnect?.(error);
    this.stateChange.emit(state);
  }

  isConnected(): boolean {
    return this._state === TransportState.Connected;
  }

  connect(): Promise<void> {
    if (this._state === TransportState.Connected) return Promise.resolve();
    const { host, port } = this.options;
    this.transition(TransportState.Connecting);
    return new Promise((resolve, reject) => {
      const framer = new SipStreamFramer(this.options.maxMessageBytes);
      const socket = connect({ host, port, noDelay: true });
      this.socket = socket;
      let settled = false;
      socket.once('connect', () => {
        settled = true;
        this.options.onLocalPort?.(socket.localPort!);
        this.transition(TransportState.Connected);
        resolve();
      });
      socket.on('data', (chunk: Buffer) => {
        let messages: string[];
        try {
          messages = framer.push(chunk);
        } catch (error) {
          this.options.log?.(`sip: ${host}:${port} sent unreadable data (${(error as Error).message}); closing the connection`);
          socket.destroy();
          return;
        }
        for (const message of messages) {
          this.options.trace?.record({ protocol: 'sip', direction: 'in', peer: `tcp ${host}:${port}`, raw: message });
          try {
            this.onMessage?.(message);
          } catch (error) {
            // A message the SIP stack chokes on must cost that message only, not the app.
            this.options.log?.(`sip: a message from ${host}:${port} could not be handled (${(error as Error).message}); dropped`);
          }
        }
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        if (!settled) {
          settled = true;
          this.socket = undefined;
          this.transition(TransportState.Disconnected, error);
          reject(Object.assign(new Error(`Cannot reach ${host}:${port} (${error.code === 'ECONNREFUSED' ? 'connection refused' : error.message})`), { code: 'unreachable' }));
        }
      });
      socket.once('close', () => {
        if (this.socket !== socket) return;
        this.socket = undefined;
        if (settled) this.transition(TransportState.Disconnected, this._state === TransportState.Disconnecting ? undefined : new Error('connection closed'));
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
    if (!socket || this._state !== TransportState.Connected) return Promise.reject(new Error('not connected'));
    this.options.trace?.record({ protocol: 'sip', direction: 'out', peer: `tcp ${this.options.host}:${this.options.port}`, raw: message });
    return new Promise((resolve, reject) => socket.write(message, 'utf8', (error) => (error ? reject(error) : resolve())));
  }

  async dispose(): Promise<void> {
    await this.disconnect();
  }
}
