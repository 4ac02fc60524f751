/**
 * An in-memory sip.js transport and a scripted "server" for unit tests of SIP state machines
 * (the way SIP.js tests its own stack): a real `UserAgent` sends through `FakeTransport`, the
 * test reads what was sent with `server.take()` and answers with `server.respond()` /
 * `server.notify()`. Nothing touches the network and nothing waits on the clock.
 */
import { UserAgent } from 'sip.js';
import { EmitterImpl } from 'sip.js/lib/api/emitter.js';
import { TransportState } from 'sip.js/lib/api/transport-state.js';
import type { Transport } from 'sip.js/lib/api/transport.js';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import type { IncomingRequestMessage } from 'sip.js/lib/core/messages/incoming-request-message.js';

const quietLogger = { error() {}, warn() {}, log() {}, debug() {} };

export class FakeTransport implements Transport {
  static last: FakeTransport | undefined;
  readonly protocol = 'TCP';
  readonly stateChange = new EmitterImpl<TransportState>();
  onConnect: (() => void) | undefined;
  onDisconnect: ((error?: Error) => void) | undefined;
  onMessage: ((message: string) => void) | undefined;
  state = TransportState.Disconnected;
  readonly sent: string[] = [];

  constructor() {
    FakeTransport.last = this;
  }
  async connect(): Promise<void> {
    this.state = TransportState.Connected;
    this.stateChange.emit(this.state);
    this.onConnect?.();
  }
  async disconnect(): Promise<void> {
    this.state = TransportState.Disconnected;
    this.stateChange.emit(this.state);
  }
  isConnected(): boolean {
    return this.state === TransportState.Connected;
  }
  async send(message: string): Promise<void> {
    this.sent.push(message);
  }
  async dispose(): Promise<void> {
    await this.disconnect();
  }
  deliver(raw: string): void {
    this.onMessage?.(raw);
  }
}

export interface FakeSip {
  ua: UserAgent;
  transport: FakeTransport;
  /** Requests sent since the last call, parsed (responses we sent, e.g. 200 to NOTIFY, are in `responses`). */
  take(method?: string): IncomingRequestMessage[];
  /** Our responses (to NOTIFY, MESSAGE) sent since the last call, as raw text. */
  responses(): string[];
  respond(request: IncomingRequestMessage, status: number, reason: string, headers?: string[], toTag?: string): void;
  /** A NOTIFY for the dialog created by `subscribe` (its To tag is the one given in the 200). */
  notify(subscribe: IncomingRequestMessage, options: { toTag: string; state: string; body?: string; contentType?: string; cseq: number; event?: string }): void;
  stop(): Promise<void>;
}

let counter = 0;

export async function startFakeSip(user = 'alex', domain = 'lab.test'): Promise<FakeSip> {
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${user}@${domain}`),
    transportConstructor: FakeTransport as unknown as new () => Transport,
    viaHost: '127.0.0.1',
    contactName: user,
    contactParams: { transport: 'tcp' },
    logBuiltinEnabled: false,
    logLevel: 'error',
    logConfiguration: false,
  });
  await ua.start();
  const transport = ua.transport as unknown as FakeTransport;
  let seen = 0;
  const parse = (raw: string) => Parser.parseMessage(raw, quietLogger as never);
  const isRequest = (raw: string) => !raw.startsWith('SIP/2.0');
  const headersOf = (request: IncomingRequestMessage) => {
    const via = request.getHeaders('via').map((v) => `Via: ${v}`);
    return [...via, `From: ${request.getHeader('from')}`, `Call-ID: ${request.callId}`];
  };
  const api: FakeSip = {
    ua,
    transport,
    take(method) {
      const fresh = transport.sent.slice(seen);
      seen = transport.sent.length;
      const requests = fresh.filter(isRequest).map((raw) => parse(raw) as IncomingRequestMessage);
      return method ? requests.filter((r) => r.method === method) : requests;
    },
    responses() {
      return transport.sent.filter((raw) => !isRequest(raw));
    },
    respond(request, status, reason, headers = [], toTag) {
      const to = request.getHeader('to')!;
      const lines = [
        `SIP/2.0 ${status} ${reason}`,
        ...headersOf(request),
        `To: ${to}${toTag && !/;tag=/.test(to) ? `;tag=${toTag}` : ''}`,
        `CSeq: ${request.cseq} ${request.method}`,
        ...headers,
        'Content-Length: 0',
        '',
        '',
      ];
      transport.deliver(lines.join('\r\n'));
    },
    notify(subscribe, { toTag, state, body = '', contentType = 'application/pidf+xml', cseq, event = 'presence' }) {
      const from = subscribe.getHeader('from')!;
      const to = subscribe.getHeader('to')!.replace(/;tag=[^;>]*/, '');
      const lines = [
        `NOTIFY sip:${user}@127.0.0.1;transport=tcp SIP/2.0`,
        `Via: SIP/2.0/TCP 127.0.0.2:5060;branch=z9hG4bK-fake-${++counter}`,
        'Max-Forwards: 70',
        `From: ${to};tag=${toTag}`,
        `To: ${from}`,
        `Call-ID: ${subscribe.callId}`,
        `CSeq: ${cseq} NOTIFY`,
        `Contact: <sip:server@127.0.0.2:5060;transport=tcp>`,
        `Event: ${event}`,
        `Subscription-State: ${state}`,
        ...(body ? [`Content-Type: ${contentType}`] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ];
      transport.deliver(lines.join('\r\n'));
    },
    async stop() {
      await ua.stop();
    },
  };
  return api;
}

/** A scheduler the test advances by hand: `runNext()` fires the earliest pending timer. */
export class ManualTimers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  set = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  };
  clear = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };
  /** Delays of the pending timers, in the order they were set. */
  delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }
  runNext(): number {
    const [id, timer] = [...this.pending.entries()].sort((a, b) => a[1].ms - b[1].ms)[0] ?? [];
    if (id === undefined || !timer) throw new Error('no timer pending');
    this.pending.delete(id);
    timer.fn();
    return timer.ms;
  }
}
