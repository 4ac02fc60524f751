/**
 * CtiLink: the user's own phone line, watched through the CTI gateway with ECMA-323 (CSTA XML)
 * over TCP or TLS. It starts a monitor on the line, reads a snapshot of the calls already
 * there, then keeps the calls from events, so the app knows when the user is on the phone.
 *
 * ```
 *   stopped ──start()──> connecting ──MonitorStart + SnapshotDevice answered──> monitoring
 *                           ^   │ refused / timeout / not CSTA                    │ lost
 *                           │   v                                                  v
 *                         reconnecting <──────────────────────────────────────────┘
 *                         (back-off 1 s doubling to 60 s, jittered; next gateway each time)
 *   any ──stop()──> stopped (MonitorStop sent when monitoring)
 * ```
 *
 * While not monitoring the calls are unknown and reported as none, with the reason in
 * `error`: the app never claims the user is on the phone on stale information.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { CstaService, PhoneAction, PhoneCall, PhoneRequest, PhoneRequestResult, PhoneState } from '../../shared/domain';
import { Emitter } from '../events';
import type { TraceSink } from '../trace';
import { XmlError } from '../xml/safe-xml';
import { CSTA_EVENT_INVOKE_ID, CstaFrameReader, encodeCstaFrame } from './csta-frame';
import {
  answerCallXml,
  clearConnectionXml,
  holdCallXml,
  retrieveCallXml,
  monitorStartXml,
  monitorStopXml,
  parseCstaMessage,
  readCrossRefId,
  readSnapshot,
  snapshotDeviceXml,
  systemStatusResponseXml,
  type CstaMessage,
} from './csta-xml';
import { PhoneLine } from './phone-line';
import { cstaErrorWords } from './csta-services';
import { PhoneServices, PhoneServiceError, SERVICE_WORDS } from './phone-services';

const SERVICES: Record<PhoneAction, [(callId: string, device: string) => string, string, CstaService]> = {
  answer: [answerCallXml, 'AnswerCall', 'answerCall'],
  hold: [holdCallXml, 'HoldCall', 'holdCall'],
  retrieve: [retrieveCallXml, 'RetrieveCall', 'retrieveCall'],
  clear: [clearConnectionXml, 'ClearConnection', 'clearConnection'],
};
const ACTION_WORDS: Record<PhoneAction, string> = { answer: 'answer', hold: 'put on hold', retrieve: 'take back', clear: 'hang up' };

export interface CtiGateway {
  host: string;
  port: number;
  tls?: boolean;
}

export interface CtiLinkOptions {
  /** The gateways to try, in order (CallControl Primary, Backup1, Backup2). */
  gateways: CtiGateway[];
  /** The line (directory number) to monitor. */
  line: string;
  /** How long a request may wait for its response (default 5 s). */
  requestTimeoutMs?: number;
  /** First and longest wait before trying again (default 1 s and 60 s). */
  retryFirstMs?: number;
  retryMaxMs?: number;
  /** PEM of a private CA for a TLS gateway (system roots otherwise). */
  ca?: string;
  log?: (line: string) => void;
  trace?: TraceSink;
  now?: () => number;
}

type LinkEvents = { state: PhoneState };

export class CtiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CtiError';
  }
}

interface Pending {
  resolve: (message: CstaMessage) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const describeGateway = (g: CtiGateway) => `${g.host}:${g.port}`;

/** Socket errors in words a user can act on. */
function socketError(error: NodeJS.ErrnoException, gateway: CtiGateway): Error {
  const where = describeGateway(gateway);
  if (error.code === 'ECONNREFUSED') return new CtiError(`The CTI gateway ${where} refused the connection.`);
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return new CtiError(`The CTI gateway's host ${gateway.host} could not be found.`);
  if (error.code === 'ECONNRESET') return new CtiError(`The CTI gateway ${where} reset the connection.`);
  return error instanceof CtiError ? error : new CtiError(`The CTI gateway ${where}: ${error.message}`);
}

export class CtiLink {
  private readonly events = new Emitter<LinkEvents>();
  private readonly phone: PhoneLine;
  private link: PhoneState['link'] = 'connecting';
  private error: string | undefined;
  private phoneDnd: boolean | undefined;
  private forwardTo: string | undefined;
  /** What GetCSTAFeatures listed; undefined when the gateway did not say (then its refusals decide). */
  private offered: CstaService[] | undefined;
  private systemStatus: string | undefined;
  private readonly services: PhoneServices;
  private socket: net.Socket | undefined;
  private pending = new Map<string, Pending>();
  private nextInvoke = 0;
  private gatewayIndex = 0;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private crossRefId: string | undefined;
  private stopped = true;

  constructor(private readonly options: CtiLinkOptions) {
    if (!options.gateways.length) throw new CtiError('No CTI gateway is configured.');
    this.phone = new PhoneLine(options.line, options.now);
    this.retryMs = options.retryFirstMs ?? 1000;
    this.services = new PhoneServices(
      (xml, what) => this.invoke(xml, what),
      options.line,
      () => this.phone.list(),
      () => this.offered,
    );
  }

  on<E extends keyof LinkEvents>(event: E, listener: (payload: LinkEvents[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  get gateway(): CtiGateway {
    return this.options.gateways[this.gatewayIndex % this.options.gateways.length];
  }

  get state(): PhoneState {
    return {
      link: this.link,
      line: this.options.line,
      gateway: describeGateway(this.gateway),
      calls: this.link === 'monitoring' ? this.phone.list() : [],
      ...(this.link === 'monitoring' && this.phoneDnd !== undefined ? { phoneDnd: this.phoneDnd } : {}),
      ...(this.link === 'monitoring' && this.forwardTo ? { forwardTo: this.forwardTo } : {}),
      ...(this.link === 'monitoring' && this.offered ? { services: this.offered } : {}),
      ...(this.link === 'monitoring' && this.systemStatus ? { systemStatus: this.systemStatus } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** How Diagnostics names the gateway: `tcp 10.0.0.5:2748`. */
  private get tracePeer(): string {
    return `${this.gateway.tls ? 'tls' : 'tcp'} ${describeGateway(this.gateway)}`;
  }

  private emit(): void {
    this.events.emit('state', this.state, (error) => this.options.log?.(`cti: listener failed: ${(error as Error).message}`));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    if (socket && this.link === 'monitoring' && this.crossRefId) {
      await this.invoke(monitorStopXml(this.crossRefId), 'MonitorStop').catch(() => undefined);
    }
    this.drop(socket, undefined);
    socket?.destroy();
  }

  /** Clears the user's connection in a call (the active one when no id is given). */
  clearCall(callId?: string): Promise<void> {
    return this.control('clear', callId);
  }

  /**
   * Asks the gateway to answer, hold, retrieve or clear a call on the line: the one named,
   * else the call the action fits (the ringing one to answer, the held one to retrieve, the
   * one in progress otherwise). The events that follow change the state, not the answer.
   */
  async control(action: PhoneAction, callId?: string): Promise<void> {
    const calls = this.phone.list();
    const fits: Record<PhoneAction, (c: PhoneCall) => boolean> = {
      answer: (c) => c.state === 'ringing',
      hold: (c) => c.state === 'talking',
      retrieve: (c) => c.state === 'held',
      clear: (c) => c.state !== 'ringing',
    };
    const call = callId ? calls.find((c) => c.id === callId) : (calls.find(fits[action]) ?? (action === 'clear' ? calls[0] : undefined));
    if (!call) throw new CtiError(callId ? 'That call has already ended.' : `There is no call on your phone to ${ACTION_WORDS[action]}.`);
    const [xml, name, service] = SERVICES[action];
    if (this.offered && !this.offered.includes(service))
      throw new CtiError(`Your phone system does not offer ${SERVICE_WORDS[service]} (the CTI gateway does not list ${service}).`);
    await this.invoke(xml(call.id, this.options.line), name);
  }

  /** Make call, deflect, transfer, conference, DTMF, forwarding, DND … (see `PhoneServices`). */
  async request(request: PhoneRequest): Promise<PhoneRequestResult> {
    if (this.link !== 'monitoring') throw new CtiError(this.error ?? 'Your phone is not connected through the CTI gateway yet.');
    try {
      return await this.services.perform(request);
    } catch (error) {
      throw error instanceof PhoneServiceError ? new CtiError(error.message) : error;
    }
  }

  /**
   * After the monitor starts: what the gateway offers, then the phone's forwarding, do not
   * disturb and the system's status. Each may be refused on its own (the link stays up).
   */
  private async readPhoneSettings(): Promise<void> {
    const quietly = <T>(what: string, read: () => Promise<T>) =>
      read().catch((error: Error) => {
        this.options.log?.(`cti: ${what} of line ${this.options.line} not read: ${error.message}`);
        return undefined;
      });
    this.offered = await quietly('services', () => this.services.features());
    if (this.offered && !this.offered.length) this.offered = undefined; // an empty list says nothing
    this.forwardTo = await quietly('forwarding', () => this.services.forwarding());
    this.phoneDnd = await quietly('do not disturb', () => this.services.doNotDisturb());
    this.systemStatus = await quietly('system status', () => this.services.systemStatus());
  }

  private connect(): void {
    const gateway = this.gateway;
    const socket = gateway.tls
      ? tls.connect({
          host: gateway.host,
          port: gateway.port,
          servername: net.isIP(gateway.host) ? undefined : gateway.host,
          ...(this.options.ca ? { ca: this.options.ca } : {}),
        })
      : net.connect({ host: gateway.host, port: gateway.port });
    this.socket = socket;
    const reader = new CstaFrameReader();
    socket.setNoDelay(true);
    socket.setTimeout(this.options.requestTimeoutMs ?? 5000, () => {
      if (this.link !== 'monitoring') socket.destroy(new CtiError(`The CTI gateway ${describeGateway(gateway)} did not answer.`));
    });
    socket.once(gateway.tls ? 'secureConnect' : 'connect', () => {
      socket.setTimeout(0);
      void this.monitor(socket);
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of reader.push(chunk)) this.onFrame(frame.invokeId, frame.xml, socket);
      } catch (error) {
        socket.destroy(new CtiError(`${(error as Error).message} Is ${describeGateway(gateway)} a CTI gateway?`));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => this.drop(socket, socketError(error, gateway)));
    socket.on('close', () => this.drop(socket, new CtiError(`The CTI gateway ${describeGateway(gateway)} closed the connection.`)));
  }

  private async monitor(socket: net.Socket): Promise<void> {
    try {
      const started = await this.invoke(monitorStartXml(this.options.line), 'MonitorStart');
      this.crossRefId = started.type === 'response' ? readCrossRefId(started.body) : undefined;
      const snapshot = await this.invoke(snapshotDeviceXml(this.options.line), 'SnapshotDevice').catch((error: Error) => {
        // A gateway without snapshots still gives events: start from no calls.
        this.options.log?.(`cti: no snapshot of line ${this.options.line}: ${error.message}`);
        return undefined;
      });
      if (socket !== this.socket) return;
      await this.readPhoneSettings();
      if (socket !== this.socket) return;
      this.phone.applySnapshot(snapshot?.type === 'response' ? readSnapshot(snapshot.body) : []);
      this.link = 'monitoring';
      this.error = undefined;
      this.retryMs = this.options.retryFirstMs ?? 1000;
      this.options.log?.(`cti: monitoring line ${this.options.line} at ${describeGateway(this.gateway)}`);
      this.emit();
    } catch (error) {
      if (socket === this.socket) socket.destroy(error as Error);
    }
  }

  private invoke(xml: string, what: string): Promise<CstaMessage> {
    const socket = this.socket;
    if (!socket || socket.destroyed) return Promise.reject(new CtiError('The CTI gateway is not connected.'));
    this.nextInvoke = (this.nextInvoke % 9998) + 1;
    const invokeId = String(this.nextInvoke).padStart(4, '0');
    return new Promise<CstaMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(invokeId);
        reject(new CtiError(`The CTI gateway did not answer ${what} within ${Math.round((this.options.requestTimeoutMs ?? 5000) / 1000)} s.`));
      }, this.options.requestTimeoutMs ?? 5000);
      this.pending.set(invokeId, {
        timer,
        reject,
        resolve: (message) => {
          if (message.type === 'error')
            reject(new CtiError(`The CTI gateway refused ${what} for line ${this.options.line}: ${cstaErrorWords(message.message)}.`));
          else resolve(message);
        },
      });
      this.send(socket, invokeId, xml, what);
    });
  }

  private send(socket: net.Socket, invokeId: string, xml: string, what: string): void {
    this.options.trace?.record({ protocol: 'cti', direction: 'out', peer: this.tracePeer, raw: xml, operation: what });
    socket.write(encodeCstaFrame(invokeId, xml));
  }

  private onFrame(invokeId: string, xml: string, socket: net.Socket): void {
    if (socket !== this.socket) return;
    let message: CstaMessage;
    try {
      message = parseCstaMessage(xml);
    } catch (error) {
      // One unreadable message costs only itself: the link and the other messages go on.
      this.options.trace?.record({ protocol: 'cti', direction: 'in', peer: this.tracePeer, raw: xml, operation: 'unreadable' });
      this.options.log?.(`cti: message ${invokeId} refused: ${error instanceof XmlError ? error.message : String(error)}`);
      const waiting = this.pending.get(invokeId);
      if (waiting && invokeId !== CSTA_EVENT_INVOKE_ID) {
        this.pending.delete(invokeId);
        clearTimeout(waiting.timer);
        waiting.reject(new CtiError(`The CTI gateway's answer could not be read (${(error as Error).message}).`));
      }
      return;
    }
    this.options.trace?.record({ protocol: 'cti', direction: 'in', peer: this.tracePeer, raw: xml, operation: message.name });
    if (message.type === 'response' || message.type === 'error') {
      const waiting = this.pending.get(invokeId);
      if (!waiting) return;
      this.pending.delete(invokeId);
      clearTimeout(waiting.timer);
      waiting.resolve(message);
      return;
    }
    if (message.type === 'request') {
      // The gateway checks we are alive with SystemStatus; anything else is not ours to serve.
      if (message.name === 'SystemStatus') this.send(socket, invokeId, systemStatusResponseXml(), 'SystemStatusResponse');
      return;
    }
    const event = message.event;
    let changed = false;
    if (event.kind === 'call') changed = this.phone.apply(event);
    else if (event.kind === 'dnd') changed = this.phoneDnd !== (this.phoneDnd = event.on);
    else if (event.kind === 'forwarding') changed = this.forwardTo !== (this.forwardTo = event.to);
    if (changed && this.link === 'monitoring') this.emit();
  }

  /** The socket ended (or stop()): fail what waits, forget the calls, and try again later. */
  private drop(socket: net.Socket | undefined, error: Error | undefined): void {
    if (!socket || socket !== this.socket) return;
    this.socket = undefined;
    this.crossRefId = undefined;
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(error ?? new CtiError('The CTI link was closed.'));
      this.pending.delete(id);
    }
    this.phone.clear();
    if (this.stopped) {
      this.link = 'connecting';
      return;
    }
    const wasMonitoring = this.link === 'monitoring';
    this.link = wasMonitoring || this.link === 'reconnecting' ? 'reconnecting' : 'connecting';
    this.error = `Phone state unknown: ${error?.message ?? 'the CTI link was closed.'}`;
    this.options.log?.(`cti: ${this.error}`);
    this.emit();
    if (!wasMonitoring) this.gatewayIndex += 1; // this gateway failed: try the next one
    const wait = Math.round(this.retryMs * (0.8 + Math.random() * 0.4));
    this.retryMs = Math.min(this.retryMs * 2, this.options.retryMaxMs ?? 60_000);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) {
        this.link = 'reconnecting';
        this.connect();
      }
    }, wait);
  }
}
