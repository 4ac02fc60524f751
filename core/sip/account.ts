/**
 * SipAccount: one user's SIP presence and IM over sip.js, with our Node TCP transport.
 *
 * ```
 *   Unregistered ──start()──> Registering ──200──> Registered ──connection lost──> Reconnecting
 *        ^                        │                    │  ^                             │
 *        │                  401/403/error ──> Failed   │  └──── re-registered ──────────┘
 *        └────────────────────────── stop() ───────────┘
 * ```
 *
 * After a reconnection it re-registers, re-publishes the last status and re-subscribes to
 * everyone watched, so what the user sees is true again without their help.
 */
import { connect } from 'node:net';
import { Messager, Registerer, Subscriber, SubscriptionState, UserAgent, type Message, type URI } from 'sip.js';
import type { IncomingResponse } from 'sip.js/lib/core/messages/incoming-response.js';
import type { AppError, AppErrorCode, OwnStatus, Presence } from '../../shared/domain';
import { Emitter } from '../events';
import type { TraceSink } from '../trace';
import { find, parseXml, text } from '../xml/safe-xml';
import { buildPidf, composePresence, parsePidf } from './pidf';
import { Publication } from './publication';
import { EventListSubscription, type ListSubscriptionState } from './rls';
import { MULTIPART_MAX_BYTES } from './multipart';
import { normaliseAor } from '../uri';
import { TcpTransport, type TcpTransportOptions } from './tcp-transport';

export type SipTransportKind = 'tcp' | 'udp';

export interface SipAccountOptions {
  server: { host: string; port: number; transport: SipTransportKind };
  domain: string;
  user: string;
  password: string;
  displayName?: string;
  userAgent?: string;
  registerExpires?: number;
  /** How long to wait for a final answer to REGISTER/PUBLISH/MESSAGE (default 10 s). */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
  /** Receives every SIP message sent and received (Diagnostics). */
  trace?: TraceSink;
}

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'reconnecting' | 'failed';

export interface IncomingMessage {
  id: string;
  from: string;
  text: string;
  at: number;
}

export class SipError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SipError';
  }
  toAppError(): AppError {
    return { code: this.code, message: this.message, ...(this.status ? { detail: `SIP ${this.status}` } : {}) };
  }
}

type AccountEvents = {
  state: RegistrationState;
  presence: { uri: string; presence: Presence };
  message: IncomingMessage;
  composing: { from: string; active: boolean };
};

const COMPOSING_TYPE = 'application/im-iscomposing+xml';

function describe(response: IncomingResponse): string {
  return `${response.message.statusCode} ${response.message.reasonPhrase}`;
}

export class SipAccount {
  readonly uri: string;
  private readonly events = new Emitter<AccountEvents>();
  private _state: RegistrationState = 'unregistered';
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private publication: Publication | undefined;
  private readonly subscribers = new Map<string, Subscriber>();
  private readonly watched = new Set<string>();
  private lastStatus: OwnStatus | undefined;
  private localPort = 0;
  private stopping = false;
  private reconnecting = false;
  private readonly seenMessages = new Set<string>();
  private readonly tupleId = `pd${Math.random().toString(36).slice(2, 10)}`;
  private readonly log: (line: string) => void;
  /** The event-list (RLS) path: one subscription to `listUri` for all `members`. */
  private list: { listUri: string; members: Set<string>; subscription?: EventListSubscription; fallback: boolean; expires?: number } | undefined;

  constructor(private readonly options: SipAccountOptions) {
    this.uri = `sip:${options.user}@${options.domain}`;
    this.log = options.log ?? (() => {});
  }

  get state(): RegistrationState {
    return this._state;
  }

  on(event: 'state', listener: (state: RegistrationState) => void): () => void;
  on(event: 'presence', listener: (uri: string, presence: Presence) => void): () => void;
  on(event: 'message', listener: (message: IncomingMessage) => void): () => void;
  on(event: 'composing', listener: (composing: { from: string; active: boolean }) => void): () => void;
  on(event: keyof AccountEvents, listener: (...args: never[]) => void): () => void {
    if (event === 'presence') {
      return this.events.on('presence', ({ uri, presence }) => (listener as (u: string, p: Presence) => void)(uri, presence));
    }
    return this.events.on(event, listener as (payload: AccountEvents[typeof event]) => void);
  }

  private setState(state: RegistrationState): void {
    if (this._state === state) return;
    this._state = state;
    this.log(`sip: ${this.uri} ${state}`);
    this.events.emit('state', state);
  }

  private get target(): string {
    const { host, port } = this.options.server;
    return `${host}:${port}`;
  }

  /** Connects once to learn the local address for Via (and to fail early and clearly). */
  private probe(): Promise<string> {
    const { host, port } = this.options.server;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new SipError('timeout', `The presence server ${this.target} did not answer.`));
      }, this.options.requestTimeoutMs ?? 10_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        const address = socket.localAddress ?? '127.0.0.1';
        socket.destroy();
        resolve(address.replace(/^::ffff:/, ''));
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new SipError('unreachable', `Cannot reach the presence server ${this.target} (${error.code === 'ECONNREFUSED' ? 'connection refused' : error.message}).`));
      });
    });
  }

  async start(): Promise<void> {
    if (this.options.server.transport !== 'tcp') this.log(`sip: ${this.options.server.transport.toUpperCase()} is not offered yet; using TCP`);
    this.stopping = false;
    this.setState('registering');
    try {
      const viaHost = await this.probe();
      const transportOptions: TcpTransportOptions = {
        host: this.options.server.host,
        port: this.options.server.port,
        onLocalPort: (p) => (this.localPort = p),
        log: this.log,
        trace: this.options.trace,
        // An event list's full state is about 1 KB a contact: room for 5,000+ contacts.
        maxMessageBytes: MULTIPART_MAX_BYTES,
      };
      const ua = new UserAgent({
        uri: UserAgent.makeURI(this.uri),
        authorizationUsername: this.options.user,
        authorizationPassword: this.options.password,
        displayName: this.options.displayName,
        userAgentString: this.options.userAgent ?? 'Presence Desk',
        transportConstructor: TcpTransport,
        transportOptions,
        viaHost,
        contactName: this.options.user,
        contactParams: { transport: 'tcp' },
        logBuiltinEnabled: false,
        logLevel: 'warn',
        logConfiguration: false,
        logConnector: (level, category, _label, content) => {
          if (level === 'error' || level === 'warn') this.log(`sip.js ${level} ${category}: ${content}`);
        },
        delegate: {
          onMessage: (message) => this.onIncoming(message),
          onDisconnect: (error) => {
            if (error && !this.stopping) void this.recover();
          },
        },
      });
      this.ua = ua;
      await ua.start();
      this.fixContactPort();
      this.registerer = new Registerer(ua, { expires: this.options.registerExpires ?? 600 });
      await this.register();
      this.setState('registered');
    } catch (error) {
      this.setState('failed');
      await this.ua?.stop().catch(() => undefined);
      this.ua = undefined;
      throw error instanceof SipError ? error : new SipError('sip', `Signing in to the presence server failed: ${(error as Error).message}`);
    }
  }

  private fixContactPort(): void {
    // sip.js builds the Contact without a port; the server must reach us on this connection.
    (this.ua!.contact.uri as URI & { port: number }).port = this.localPort;
  }

  /** REGISTER and wait for the final answer. */
  private register(): Promise<void> {
    const registerer = this.registerer!;
    return this.finalAnswer('REGISTER', (requestDelegate) => registerer.register({ requestDelegate }), (response) => {
      const code = response.message.statusCode;
      if (code === 401 || code === 403 || code === 407) {
        return new SipError('auth', `The presence server refused the user name or password (${describe(response)}).`, code);
      }
      return new SipError('sip', `The presence server refused the registration (${describe(response)}).`, code);
    });
  }

  /** Runs a request and resolves on 2xx, rejects with `onReject`'s error or a timeout. */
  private finalAnswer(
    what: string,
    send: (delegate: { onAccept: () => void; onReject: (response: IncomingResponse) => void }) => Promise<unknown>,
    onReject: (response: IncomingResponse) => SipError,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new SipError('timeout', `The presence server did not answer ${what} within ${Math.round((this.options.requestTimeoutMs ?? 10_000) / 1000)} s.`)),
        this.options.requestTimeoutMs ?? 10_000,
      );
      send({
        onAccept: () => {
          clearTimeout(timer);
          resolve();
        },
        onReject: (response) => {
          clearTimeout(timer);
          reject(onReject(response));
        },
      }).catch((error: Error) => {
        clearTimeout(timer);
        reject(new SipError('unreachable', `Could not send ${what}: ${error.message}`));
      });
    });
  }

  async setPresence(status: OwnStatus): Promise<void> {
    this.lastStatus = { ...status };
    const ua = this.ua;
    if (!ua || this._state !== 'registered') return; // published on (re)registration
    this.publication ??= new Publication(ua, 'presence', 'application/pidf+xml', 600, this.log);
    const result = await this.publication.publish(buildPidf(this.uri, status, this.tupleId));
    if (!result.ok) throw new SipError('sip', `Publishing your status failed (${result.status} ${result.reason}).`, result.status);
  }

  watch(uri: string): void {
    this.watched.add(uri);
    this.subscribe(uri);
  }

  unwatch(uri: string): void {
    this.watched.delete(uri);
    const subscriber = this.subscribers.get(uri);
    this.subscribers.delete(uri);
    subscriber?.unsubscribe().catch(() => undefined);
  }

  /**
   * Watches `members` through one event-list subscription (RFC 4662) to `listUri`, the user's
   * buddy list on the server's resource list server. When the server does not offer the list
   * (404/489…, or a plain presence NOTIFY), it falls back to one subscription per member.
   * Called again with other members (the contact list changed on the server), it subscribes
   * anew so the server reads the new list.
   */
  watchList(listUri: string, members: string[], options: { expires?: number } = {}): void {
    const next = new Set(members.map(normaliseAor));
    const current = this.list;
    if (current && current.listUri === listUri) {
      const same = next.size === current.members.size && [...next].every((m) => current.members.has(m));
      current.members = next;
      if (current.fallback) {
        for (const uri of this.watched) if (!next.has(uri)) this.unwatch(uri);
        for (const uri of next) if (!this.watched.has(uri)) this.watch(uri);
        return;
      }
      if (same && current.subscription && current.subscription.state !== 'stopped') return;
      current.subscription?.stop();
      current.subscription = undefined;
    } else {
      this.unwatchList();
      this.list = { listUri, members: next, fallback: false, expires: options.expires };
    }
    this.subscribeList();
  }

  /** Ends the event-list subscription (and the per-member fallback, if it was in use). */
  unwatchList(): void {
    const list = this.list;
    this.list = undefined;
    if (!list) return;
    list.subscription?.stop();
    if (list.fallback) for (const uri of list.members) this.unwatch(uri);
  }

  /** State of the event-list subscription ('none' when not watching a list). */
  get listState(): ListSubscriptionState | 'none' {
    return this.list?.subscription?.state ?? (this.list ? 'fallback' : 'none');
  }

  private subscribeList(): void {
    const list = this.list;
    const ua = this.ua;
    if (!list || list.fallback || !ua || this.stopping || this._state !== 'registered') return;
    const subscription = new EventListSubscription(ua, {
      listUri: list.listUri,
      expires: list.expires,
      log: this.log,
      onChanges: (changes) => {
        if (this.list !== list) return;
        // Only members of the list as we know it: a member just removed may still be reported.
        for (const change of changes) if (list.members.has(change.uri)) this.events.emit('presence', { uri: change.uri, presence: change.presence });
      },
      onFallback: () => {
        if (this.list !== list) return;
        list.fallback = true;
        list.subscription = undefined;
        for (const uri of list.members) this.watch(uri);
      },
    });
    list.subscription = subscription;
    subscription.start();
  }

  private subscribe(uri: string, attempt = 0): void {
    const ua = this.ua;
    if (!ua || this.stopping || this.subscribers.has(uri)) return;
    const target = UserAgent.makeURI(uri);
    if (!target) {
      this.log(`sip: cannot watch "${uri}": not a SIP address`);
      return;
    }
    const subscriber = new Subscriber(ua, target, 'presence', { expires: 600, extraHeaders: ['Accept: application/pidf+xml'] });
    this.subscribers.set(uri, subscriber);
    subscriber.delegate = {
      onNotify: (notification) => {
        notification.accept().catch(() => undefined);
        const body = notification.request.body ?? '';
        try {
          const parsed = parsePidf(body);
          this.events.emit('presence', { uri, presence: composePresence(parsed.devices) });
        } catch (error) {
          this.log(`sip: presence of ${uri} could not be read (${(error as Error).message}); kept the last known state`);
        }
      },
    };
    subscriber.stateChange.addListener((state) => {
      if (state !== SubscriptionState.Terminated || this.subscribers.get(uri) !== subscriber) return;
      this.subscribers.delete(uri);
      if (this.stopping || !this.watched.has(uri) || this._state !== 'registered') return;
      // The server ended the subscription (expiry, deactivation, 481): subscribe again with
      // a jittered back-off so many ended subscriptions do not come back at once.
      const delay = Math.min(30_000, 500 * 2 ** attempt) * (0.5 + Math.random());
      setTimeout(() => this.subscribe(uri, attempt + 1), delay).unref();
    });
    subscriber.subscribe().catch((error: Error) => this.log(`sip: subscribe to ${uri} failed: ${error.message}`));
  }

  async sendMessage(to: string, text: string): Promise<void> {
    const ua = this.requireRegistered();
    const target = UserAgent.makeURI(to);
    if (!target) throw new SipError('invalid-input', `"${to}" is not a SIP address.`);
    const messager = new Messager(ua, target, text, 'text/plain;charset=UTF-8');
    await this.finalAnswer('MESSAGE', (requestDelegate) => messager.message({ requestDelegate }), (response) => {
      const code = response.message.statusCode;
      const why = code === 480 || code === 404 ? 'is not signed in' : 'could not be reached';
      return new SipError('sip', `Not delivered: ${to.replace(/^sip:/, '')} ${why} (${describe(response)}).`, code);
    });
  }

  async sendComposing(to: string, active: boolean): Promise<void> {
    const ua = this.requireRegistered();
    const target = UserAgent.makeURI(to);
    if (!target) return;
    const body =
      `<?xml version="1.0" encoding="UTF-8"?><isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing">` +
      `<state>${active ? 'active' : 'idle'}</state><contenttype>text/plain</contenttype>${active ? '<refresh>60</refresh>' : ''}</isComposing>`;
    await new Messager(ua, target, body, COMPOSING_TYPE).message();
  }

  private requireRegistered(): UserAgent {
    if (!this.ua || this._state !== 'registered') throw new SipError('unreachable', 'Not connected to the presence server.');
    return this.ua;
  }

  private onIncoming(message: Message): void {
    const request = message.request;
    const from = request.from.uri.toString();
    const type = (request.getHeader('content-type') ?? 'text/plain').toLowerCase();
    const id = `${request.callId}:${request.cseq}`;
    if (type.startsWith(COMPOSING_TYPE)) {
      message.accept().catch(() => undefined);
      try {
        const state = text(find(parseXml(request.body ?? '', { maxBytes: 16 * 1024, what: 'typing indication' }), 'state')).trim();
        this.events.emit('composing', { from, active: state === 'active' });
      } catch (error) {
        this.log(`sip: typing indication from ${from} not readable (${(error as Error).message})`);
      }
      return;
    }
    if (!type.startsWith('text/plain')) {
      message.reject({ statusCode: 415, reasonPhrase: 'Unsupported Media Type' }).catch(() => undefined);
      this.log(`sip: message from ${from} refused: content type ${type} is not plain text`);
      return;
    }
    message.accept().catch(() => undefined);
    if (this.seenMessages.has(id)) return;
    this.seenMessages.add(id);
    if (this.seenMessages.size > 5000) this.seenMessages.delete(this.seenMessages.values().next().value!);
    this.events.emit('message', { id, from, text: request.body ?? '', at: Date.now() });
  }

  /** After the connection drops: reconnect with back-off, then re-register, re-publish, re-subscribe. */
  private async recover(): Promise<void> {
    if (this.reconnecting || this.stopping || !this.ua) return;
    this.reconnecting = true;
    this.setState('reconnecting');
    for (const subscriber of this.subscribers.values()) subscriber.dispose().catch(() => undefined);
    this.subscribers.clear();
    this.list?.subscription?.dispose();
    if (this.list) this.list.subscription = undefined;
    this.publication?.reset();
    for (let attempt = 0; !this.stopping && this.ua; attempt += 1) {
      await new Promise((r) => setTimeout(r, Math.min(4000, 250 * 2 ** attempt)));
      if (this.stopping || !this.ua) break;
      try {
        await this.ua.reconnect();
        this.fixContactPort();
        await this.register();
        this.setState('registered');
        if (this.lastStatus) await this.setPresence(this.lastStatus).catch((e: Error) => this.log(`sip: re-publish failed: ${e.message}`));
        for (const uri of this.watched) this.subscribe(uri);
        this.subscribeList();
        break;
      } catch (error) {
        this.log(`sip: reconnect to ${this.target} failed (${(error as Error).message}); trying again`);
        if (this.ua.transport.isConnected()) await this.ua.transport.disconnect().catch(() => undefined);
      }
    }
    this.reconnecting = false;
  }

  async stop(): Promise<void> {
    if (this.stopping && !this.ua) return;
    this.stopping = true;
    const ua = this.ua;
    if (!ua) {
      this.setState('unregistered');
      return;
    }
    const quick = <T>(p: Promise<T>) => Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
    this.list?.subscription?.stop();
    if (ua.transport.isConnected()) {
      await quick(Promise.all([...this.subscribers.values()].map((s) => s.unsubscribe())));
      if (this.publication) await quick(this.publication.remove());
      if (this.registerer) await quick(this.registerer.unregister());
    }
    this.subscribers.clear();
    this.publication?.dispose();
    this.publication = undefined;
    await quick(ua.stop());
    this.ua = undefined;
    this.setState('unregistered');
  }
}
