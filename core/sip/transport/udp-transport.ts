/**
 * A sip.js transport over UDP for Node, with the reliability sip.js leaves to the transport.
 *
 * sip.js 0.21 runs its transactions as if every transport were reliable: it never
 * retransmits a request (RFC 3261 Timers A/E are missing) and ends server transactions as
 * soon as the response is sent (Timer J = 0). Over UDP that loses any request or response a
 * network drops, so this transport adds, per RFC 3261 §17:
 *
 * - client side (non-INVITE, §17.1.2): the request is sent again after T1, 2·T1, 4·T1 …
 *   capped at T2 (Timer E; every T2 once a provisional answer came), until a final
 *   response or 64·T1 (Timer F), when the request is given up with a clear log line;
 *   a final response that arrives again later is absorbed (for T4), not passed up;
 * - server side (§17.2.2): a retransmitted request (same Via branch and method) is not
 *   passed up again; it gets the response already sent, for 64·T1 (Timer J);
 * - the top Via and the Contact carry the socket's real port, `rport` asks the server to
 *   answer where the datagram came from (RFC 3581); sip.js only accepts a Via without a port,
 *   so the port is taken off again on the way in;
 * - datagrams over the size cap, and datagrams that are not SIP, are dropped and logged
 *   with the reason;
 * - UDP has no connection to lose, so a keep-alive (OPTIONS to the server, any answer will
 *   do) finds a dead server: no answer within the keep-alive timeout, or an ICMP "port
 *   unreachable", makes the transport disconnected with an error, which starts the
 *   account's recovery exactly as a dropped TCP connection does.
 *
 * ```
 *   Disconnected ──connect()──> Connecting ──server answered the first OPTIONS──> Connected
 *        ^                          │                                                 │
 *        │                          └── no answer / port unreachable ──> Disconnected │
 *        └──── keep-alive unanswered / port unreachable / disconnect() ───────────────┘
 * ```
 *
 * The socket, the keep-alive and the connection state are here; the transaction bookkeeping
 * is in udp-transactions.ts, the reading and rewriting of datagrams in udp-datagram.ts.
 *
 * One client retransmission (per request sent by sip.js):
 * ```
 *   Trying ──1xx──> Proceeding (every T2) ──2xx–6xx──> Completed (duplicates absorbed for T4) ──> gone
 *     │ every T1·2ⁿ ≤ T2         │
 *     └──────── 64·T1 (Timer F) ─┴──> TimedOut (logged, request given up)
 * ```
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { TransportState } from 'sip.js/lib/api/transport-state.js';
import type { Logger } from 'sip.js/lib/core/log/logger.js';
import type { Timers } from '../../timers';
import type { TraceSink } from '../../trace';
import { TransportBase, deliverSafely } from './transport-base';
import { checkSipMessage, type SipSummary } from '../message/message-checks';
import { summariseSip, withLocalPort, withoutLocalPort } from './udp-datagram';
import { UdpTransactions, type UdpStats } from './udp-transactions';

export { summariseSip, type SipSummary } from './udp-datagram';
export type { UdpStats } from './udp-transactions';
import { decodeSipMessage } from '../codecs/text-body';

/** The part of a Node `dgram.Socket` the transport uses (a fake one in unit tests). */
export interface DatagramSocket {
  bind?(port: number, callback: () => void): void;
  connect(port: number, address: string, callback: () => void): void;
  send(message: Buffer, callback?: (error: Error | null) => void): void;
  address(): { address: string; port: number };
  close(callback?: () => void): void;
  on(event: 'message', listener: (message: Buffer, remote: RemoteInfo) => void): this;
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): this;
  removeAllListeners(): this;
}

export interface UdpTransportOptions {
  host: string;
  port: number;
  /** Largest datagram sent or accepted (default 65,000 bytes; UDP's own limit is 65,507). */
  maxDatagramBytes?: number;
  /** RFC 3261 T1, T2 and T4 (defaults 500 ms, 4 s and 5 s). */
  t1Ms?: number;
  t2Ms?: number;
  t4Ms?: number;
  /** How often to check the server is alive (default 2 s; 0 turns the keep-alive off). */
  keepAliveIntervalMs?: number;
  /** How long a keep-alive may go unanswered before the server counts as gone (default 2 s: with the 2 s interval a silent server is noticed within 4 s). */
  keepAliveTimeoutMs?: number;
  /** How long `connect()` waits for the server's first answer (default 8 s). */
  connectTimeoutMs?: number;
  /** Called with the socket's local port (the Contact must carry it). */
  onLocalPort?: (port: number) => void;
  /** Called when a request got no final answer within 64·T1 (Timer F). */
  onRequestTimeout?: (method: string, callId: string) => void;
  log?: (line: string) => void;
  trace?: TraceSink;
  /** Test seam: makes the socket (default: a Node UDP socket of the host's address family). */
  createSocket?: () => DatagramSocket;
  /** The clock of the transaction timers (default the real one). */
  timers?: Timers;
}

export class UdpTransport extends TransportBase {
  readonly protocol = 'UDP';
  private socket: DatagramSocket | undefined;
  private local = { address: '', port: 0 };
  private readonly options: UdpTransportOptions;
  private readonly t1: number;
  private readonly t2: number;
  private readonly t4: number;
  private abortConnect: ((reason: string) => void) | undefined;
  private readonly maxBytes: number;
  /** Retransmission and duplicate bookkeeping (Timers E, F, K, J). */
  private readonly transactions: UdpTransactions;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private pingCseq = 0;
  private readonly pingCallId = `${randomBytes(8).toString('hex')}@presence-desk`;
  private readonly pingTag = randomBytes(4).toString('hex');

  constructor(
    private readonly logger: Logger | undefined,
    options: unknown,
  ) {
    super();
    this.options = options as UdpTransportOptions;
    this.t1 = this.options.t1Ms ?? 500;
    this.t2 = this.options.t2Ms ?? 4000;
    this.t4 = this.options.t4Ms ?? 5000;
    this.maxBytes = this.options.maxDatagramBytes ?? 65_000;
    this.transactions = new UdpTransactions({
      t1: this.t1,
      t2: this.t2,
      t4: this.t4,
      target: this.target,
      transmit: (data) => this.transmit(data),
      log: (line) => this.log(line),
      onRequestTimeout: this.options.onRequestTimeout,
      timers: this.options.timers,
    });
  }

  /** Counters for diagnostics and tests. */
  get stats(): UdpStats {
    return this.transactions.stats;
  }

  /** The socket's local port (0 before the first connect). */
  get localPort(): number {
    return this.local.port;
  }

  private get target(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  private log(line: string): void {
    this.options.log?.(`sip: ${line}`);
  }

  /**
   * A new socket, on the port of the previous one when it is still free: after a reconnection
   * the REGISTER then refreshes the same binding (same Contact) instead of adding a second
   * one that the server would keep routing to until it expires.
   */
  private async openSocket(): Promise<DatagramSocket> {
    const make = () => this.options.createSocket?.() ?? (createSocket(isIPv6(this.options.host) ? 'udp6' : 'udp4') as unknown as DatagramSocket);
    const previous = this.local.port;
    if (previous) {
      const socket = make();
      if (socket.bind) {
        const bound = await new Promise<boolean>((resolve) => {
          socket.on('error', () => resolve(false));
          socket.bind!(previous, () => resolve(true));
        });
        socket.removeAllListeners();
        if (bound) return socket;
        socket.on('error', () => undefined);
        try {
          socket.close();
        } catch {
          // never bound
        }
      }
    }
    return make();
  }

  async connect(): Promise<void> {
    if (this.state === TransportState.Connected) return;
    this.transition(TransportState.Connecting);
    const { host, port } = this.options;
    const socket = await this.openSocket();
    if (this.state !== TransportState.Connecting) {
      // disconnect() was called meanwhile.
      socket.on('error', () => undefined);
      socket.close();
      throw Object.assign(new Error(`Cannot reach ${this.target} over UDP (disconnected while connecting)`), { code: 'unreachable' });
    }
    this.socket = socket;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (reason: string, code: string) => {
        if (settled) return;
        settled = true;
        this.abortConnect = undefined;
        this.teardown();
        this.transition(TransportState.Disconnected, new Error(reason));
        reject(Object.assign(new Error(`Cannot reach ${this.target} over UDP (${reason})`), { code }));
      };
      this.abortConnect = (reason) => fail(reason, 'unreachable');
      socket.on('message', (data, remote) => this.receive(data, remote));
      socket.on('error', (error) => {
        if (this.socket !== socket) return;
        // A connected UDP socket reports the server's ICMP "port unreachable" as ECONNREFUSED.
        const reason = error.code === 'ECONNREFUSED' ? 'port unreachable: the server is not running' : error.message;
        if (!settled) return fail(reason, 'unreachable');
        this.lost(reason);
      });
      socket.connect(port, host, () => {
        if (this.socket !== socket) return;
        this.local = socket.address();
        this.options.onLocalPort?.(this.local.port);
        // Only a server that answers counts as connected: otherwise a dead server would look
        // fine until the first request timed out 32 s later.
        this.ping(this.options.connectTimeoutMs ?? 8000, (alive) => {
          if (!alive) return fail('no answer', 'timeout');
          if (settled) return;
          settled = true;
          this.abortConnect = undefined;
          this.transition(TransportState.Connected);
          this.startKeepAlive();
          resolve();
        });
      });
    });
  }

  /** The server stopped answering: drop everything in flight and report the loss once. */
  private lost(reason: string): void {
    if (this.state !== TransportState.Connected) return;
    this.log(`${this.target} over UDP is not answering (${reason})`);
    this.teardown();
    this.transition(TransportState.Disconnected, new Error(`the presence server ${this.target} is not answering (${reason})`));
  }

  private teardown(): void {
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
    // Pending pings are dropped without an outcome: whoever tears down reports the reason.
    this.transactions.clear();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.removeAllListeners();
      // A late error from the closed socket must not become an uncaught exception.
      socket.on('error', () => undefined);
      try {
        socket.close();
      } catch {
        // already closed
      }
    }
  }

  private startKeepAlive(): void {
    const every = this.options.keepAliveIntervalMs ?? 2000;
    if (!every) return;
    let outstanding = false;
    this.keepAliveTimer = setInterval(() => {
      if (outstanding || this.state !== TransportState.Connected) return;
      outstanding = true;
      this.ping(this.options.keepAliveTimeoutMs ?? 2000, (alive) => {
        outstanding = false;
        if (!alive) this.lost(`no answer to a keep-alive within ${((this.options.keepAliveTimeoutMs ?? 2000) / 1000).toFixed(1)} s`);
      });
    }, every);
    this.keepAliveTimer.unref?.();
  }

  /** Sends an OPTIONS to the server; `done(true)` on any answer, `done(false)` after `timeoutMs`. */
  private ping(timeoutMs: number, done: (alive: boolean) => void): void {
    const { host, port } = this.options;
    const hostPart = isIPv6(host) ? `[${host}]` : host;
    const localHost = isIPv6(this.local.address) ? `[${this.local.address}]` : this.local.address;
    const branch = `z9hG4bK${randomBytes(8).toString('hex')}`;
    this.pingCseq += 1;
    const message =
      `OPTIONS sip:${hostPart}:${port} SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP ${localHost}:${this.local.port};branch=${branch};rport\r\n` +
      `Max-Forwards: 70\r\n` +
      `From: <sip:keepalive@${localHost}>;tag=${this.pingTag}\r\n` +
      `To: <sip:${hostPart}:${port}>\r\n` +
      `Call-ID: ${this.pingCallId}\r\n` +
      `CSeq: ${this.pingCseq} OPTIONS\r\n` +
      `Content-Length: 0\r\n\r\n`;
    let finished = false;
    const finish = (alive: boolean) => {
      if (finished) return;
      finished = true;
      done(alive);
    };
    this.transactions.startClient(Buffer.from(message), 'OPTIONS', this.pingCallId, branch, timeoutMs, finish);
  }

  send(message: string): Promise<void> {
    const socket = this.socket;
    if (!socket || this.state !== TransportState.Connected) return Promise.reject(new Error('not connected'));
    let summary: SipSummary;
    try {
      summary = summariseSip(message);
    } catch (error) {
      return Promise.reject(new Error(`not sending an unreadable SIP message (${(error as Error).message})`));
    }
    const out = summary.kind === 'request' ? withLocalPort(message, this.local.port) : message;
    const data = Buffer.from(out, 'utf8');
    if (data.length > this.maxBytes) {
      return Promise.reject(new Error(`a SIP ${summary.method} of ${data.length} bytes is too large for UDP (limit ${this.maxBytes} bytes)`));
    }
    this.options.trace?.record({ protocol: 'sip', direction: 'out', peer: `udp ${this.target}`, raw: out });
    if (summary.kind === 'response') {
      // Remember the answer: a retransmitted request gets it again instead of reaching sip.js.
      this.transactions.answered(summary, data);
      return this.transmit(data);
    }
    if (summary.method === 'ACK') return this.transmit(data);
    return new Promise((resolve, reject) => {
      socket.send(data, (error) => {
        if (error) return reject(error);
        resolve();
      });
      this.transactions.startClient(data, summary.method, summary.callId, summary.branch, 64 * this.t1, undefined, false);
    });
  }

  private transmit(data: Buffer): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => socket.send(data, (error) => (error ? reject(error) : resolve())));
  }

  private receive(data: Buffer, remote: RemoteInfo): void {
    if (!this.socket) return;
    const from = `${remote.address}:${remote.port}`;
    if (data.length > this.maxBytes) {
      this.stats.unreadableDatagrams += 1;
      this.log(`dropped a ${data.length}-byte datagram from ${from}: larger than ${this.maxBytes} bytes`);
      return;
    }
    // A bare CRLF (RFC 5626 pong, or a server's own keep-alive) says the server is alive.
    if (data.every((b) => b === 13 || b === 10)) return;
    const raw = decodeSipMessage(data);
    let summary: SipSummary;
    try {
      const headEnd = raw.indexOf('\r\n\r\n');
      summary = checkSipMessage(raw, headEnd < 0 ? undefined : data.length - (Buffer.byteLength(raw.slice(0, headEnd)) + 4));
    } catch (error) {
      this.stats.unreadableDatagrams += 1;
      this.log(`dropped an unreadable datagram from ${from} (${(error as Error).message})`);
      return;
    }
    if (summary.kind === 'response') this.receiveResponse(raw, summary);
    else this.receiveRequest(raw, summary);
  }

  private receiveResponse(raw: string, summary: SipSummary): void {
    const verdict = this.transactions.onResponse(summary);
    if (verdict.kind === 'absorb') return;
    this.options.trace?.record({ protocol: 'sip', direction: 'in', peer: `udp ${this.target}`, raw });
    if (verdict.kind === 'ping') return verdict.done(true);
    deliverSafely(this.onMessage, withoutLocalPort(raw, this.local.port), this.target, this.options.log);
  }

  private receiveRequest(raw: string, summary: SipSummary): void {
    if (summary.method !== 'ACK') {
      if (!this.transactions.onRequest(summary)) return;
      this.options.trace?.record({ protocol: 'sip', direction: 'in', peer: `udp ${this.target}`, raw });
    }
    deliverSafely(this.onMessage, raw, this.target, this.options.log);
  }

  disconnect(): Promise<void> {
    if (this.state === TransportState.Disconnected && !this.socket) return Promise.resolve();
    if (this.abortConnect) {
      this.abortConnect('disconnected while connecting');
      return Promise.resolve();
    }
    this.transition(TransportState.Disconnecting);
    this.teardown();
    this.transition(TransportState.Disconnected);
    return Promise.resolve();
  }
}
