/**
 * The RFC 3261 §17 transaction bookkeeping the UDP transport adds to sip.js (see the state
 * diagram in udp-transport.ts): Timer E/F retransmission of the requests we send, absorbing
 * copies of a final answer (for T4), and answering a retransmitted request with the response
 * already sent (Timer J, 64·T1). Nothing here touches the socket: it sends through `transmit`.
 */
import type { SipSummary } from './udp-datagram';
import { realTimers, type Timers } from '../../timers';

interface ClientRetransmission {
  message: Buffer;
  method: string;
  callId: string;
  interval: number;
  transmissions: number;
  timerE: unknown;
  timerF: unknown;
  /** Keep-alive pings are the transport's own: their answers are not passed up. */
  ping?: (alive: boolean) => void;
}

/** Counters for diagnostics and tests. */
export interface UdpStats {
  retransmissions: number;
  duplicateResponsesAbsorbed: number;
  duplicateRequestsAnswered: number;
  duplicateRequestsAbsorbed: number;
  unreadableDatagrams: number;
  timeouts: number;
}

export interface UdpTransactionOptions {
  t1: number;
  t2: number;
  t4: number;
  /** host:port of the server, for the log. */
  target: string;
  transmit: (data: Buffer) => Promise<void>;
  log: (line: string) => void;
  /** Called when a request got no final answer within 64·T1 (Timer F). */
  onRequestTimeout?: (method: string, callId: string) => void;
  /** The clock (default the real one): Timers E, F, K and J all run on it. */
  timers?: Timers;
}

/** What to do with a response that arrived. */
export type ResponseVerdict = { kind: 'deliver' } | { kind: 'absorb' } | { kind: 'ping'; done: (alive: boolean) => void };

const key = (branch: string, method: string) => `${branch} ${method}`;

export class UdpTransactions {
  readonly stats: UdpStats = {
    retransmissions: 0,
    duplicateResponsesAbsorbed: 0,
    duplicateRequestsAnswered: 0,
    duplicateRequestsAbsorbed: 0,
    unreadableDatagrams: 0,
    timeouts: 0,
  };
  /** Requests we sent and have no final answer for yet, by branch + method. */
  private readonly pending = new Map<string, ClientRetransmission>();
  /** Requests whose final answer came recently: later copies of it are absorbed (Timer K). */
  private readonly completed = new Map<string, unknown>();
  /** Requests received recently, with the response we sent, if any (Timer J). */
  private readonly served = new Map<string, { response: Buffer | undefined; timer: unknown }>();
  private readonly timers: Timers;

  constructor(private readonly options: UdpTransactionOptions) {
    this.timers = options.timers ?? realTimers;
  }

  /**
   * Starts Timer E/F for a request. `sendFirst` is false when the caller already sent it.
   * For pings, `ping` gets the outcome and `limitMs` replaces 64·T1.
   */
  startClient(data: Buffer, method: string, callId: string, branch: string, limitMs: number, ping?: (alive: boolean) => void, sendFirst = true): void {
    const { t1, t2, transmit } = this.options;
    const timers = this.timers;
    const id = key(branch, method);
    const old = this.pending.get(id);
    if (old) {
      timers.clear(old.timerE);
      timers.clear(old.timerF);
    }
    const entry: ClientRetransmission = {
      message: data,
      method,
      callId,
      interval: t1,
      transmissions: 1,
      timerE: undefined,
      ping,
      timerF: timers.set(() => {
        if (this.pending.get(id) !== entry) return;
        timers.clear(entry.timerE);
        this.pending.delete(id);
        if (entry.ping) return entry.ping(false);
        this.stats.timeouts += 1;
        this.options.log(
          `no answer from ${this.options.target} to ${method} after ${Math.round(limitMs / 1000)} s (${entry.transmissions} transmissions over UDP); giving up`,
        );
        this.options.onRequestTimeout?.(method, callId);
      }, limitMs),
    };
    const timerE = () => {
      entry.timerE = timers.set(() => {
        if (this.pending.get(id) !== entry) return;
        entry.transmissions += 1;
        this.stats.retransmissions += 1;
        transmit(entry.message).catch(() => undefined);
        // Timer A (INVITE) keeps doubling; Timer E (everything else) stops growing at T2.
        entry.interval = method === 'INVITE' ? entry.interval * 2 : Math.min(entry.interval * 2, t2);
        timerE();
      }, entry.interval);
    };
    this.pending.set(id, entry);
    if (sendFirst) transmit(data).catch(() => undefined);
    timerE();
  }

  /** A response arrived: ends or advances its client transaction and says what to do with it. */
  onResponse(summary: SipSummary): ResponseVerdict {
    const id = key(summary.branch, summary.method);
    const entry = this.pending.get(id);
    const status = summary.status ?? 0;
    if (entry?.ping) {
      // Our own keep-alive: any answer, even an error status, means the server is there.
      this.end(id, entry);
      return { kind: 'ping', done: entry.ping };
    }
    if (!entry) {
      if (this.completed.has(id)) {
        this.stats.duplicateResponsesAbsorbed += 1;
        return { kind: 'absorb' };
      }
    } else if (status >= 200) {
      this.end(id, entry);
      // Timer K: copies of this final answer may still be on their way.
      this.completed.set(
        id,
        this.timers.set(() => this.completed.delete(id), this.options.t4),
      );
    } else if (entry.method === 'INVITE') {
      // An INVITE that got a provisional answer is not sent again (RFC 3261 §17.1.1.2).
      this.end(id, entry);
    } else if (entry.timerE) {
      // Proceeding: the server has it; keep retransmitting, but only every T2.
      entry.interval = this.options.t2;
    }
    return { kind: 'deliver' };
  }

  /** A request arrived: true when it is new and goes up; a retransmission is answered again or absorbed here. */
  onRequest(summary: SipSummary): boolean {
    const id = key(summary.branch, summary.method);
    const served = this.served.get(id);
    if (served) {
      // The server did not hear our answer (or has not had one yet): answer again, do not
      // let sip.js handle the same request twice.
      if (served.response) {
        this.stats.duplicateRequestsAnswered += 1;
        this.options.transmit(served.response).catch(() => undefined);
      } else {
        this.stats.duplicateRequestsAbsorbed += 1;
      }
      return false;
    }
    this.served.set(id, { response: undefined, timer: this.timers.set(() => this.served.delete(id), 64 * this.options.t1) });
    return true;
  }

  /** Our final answer to a request: a retransmission of that request gets it again. */
  answered(summary: SipSummary, data: Buffer): void {
    const served = this.served.get(key(summary.branch, summary.method));
    if (served && (summary.status ?? 0) >= 200) served.response = data;
  }

  /** Forgets every transaction (the socket is gone); pending pings are dropped without an outcome. */
  clear(): void {
    for (const entry of this.pending.values()) {
      this.timers.clear(entry.timerE);
      this.timers.clear(entry.timerF);
    }
    this.pending.clear();
    for (const timer of this.completed.values()) this.timers.clear(timer);
    this.completed.clear();
    for (const { timer } of this.served.values()) this.timers.clear(timer);
    this.served.clear();
  }

  private end(id: string, entry: ClientRetransmission): void {
    this.timers.clear(entry.timerE);
    this.timers.clear(entry.timerF);
    this.pending.delete(id);
  }
}
