/**
 * SipAccount: one user's SIP presence and IM over sip.js, with our Node transports (UDP with
 * retransmission and keep-alive, TCP, TLS; see `transport-choice.ts`).
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
 *
 * With a backup server (`options.backup`), a primary that cannot be reached at sign-in or
 * after a connection loss is replaced by the backup; while on the backup the primary is
 * probed and the account moves back when it answers (see `failover.ts`).
 */
import { Registerer, UserAgent, type Message, type URI } from 'sip.js';
import type { IncomingResponse } from 'sip.js/lib/core/messages/incoming-response.js';
import type { OutgoingRequestDelegate } from 'sip.js/lib/core/messages/outgoing-request.js';
import type { Presence } from '../../shared/domain';
import { Emitter } from '../events';
import type { TraceSink } from '../trace';
import { buildPidf, composePresence, parsePidf, type PublishedAvailability } from './codecs/pidf';
import { parseIsComposing } from './codecs/is-composing';
import { PresenceSubscription } from './usages/presence-subscription';
import { Publication } from './usages/publication';
import { Failover } from './transport/failover';
import { ReachError, describeServer, localAddressFor, transportSetup, type SipServer, type SipTransportKind, type TlsTrust, type UdpTuning } from './transport/transport-choice';
import { REFRESH_PERCENT, registerAndWait, unregisterAndWait } from './usages/registration';
import { SipError } from './message/sip-error';
import { EventListSubscription, type ListSubscriptionState } from './usages/rls';
import { MULTIPART_MAX_BYTES } from './codecs/multipart';
import { normaliseAor } from '../uri';
import { installFastGrammar } from './message/sip-grammar';
import { installFastMessages } from './message/fast-message';
import { DigestCredentialCache } from './message/digest';

export { SipError } from './message/sip-error';

export type { SipServer, SipTransportKind, TlsTrust, UdpTuning } from './transport/transport-choice';

export interface SipAccountOptions {
  server: SipServer;
  /** The server's `Presence.Backup`: used while the primary cannot be reached. */
  backup?: SipServer;
  /** How often to check whether the primary answers again while on the backup (default 30 s). */
  primaryProbeMs?: number;
  /** Extra trust for TLS (a private CA or the server's certificate). */
  tls?: TlsTrust;
  /** UDP timers and keep-alive. */
  udp?: UdpTuning;
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

/** What we publish: the user's own status, or "on the phone" while their phone is in a call. */
export interface PublishedStatus {
  availability: PublishedAvailability;
  note: string;
}

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'reconnecting' | 'failed';

export interface IncomingMessage {
  id: string;
  from: string;
  text: string;
  at: number;
}

type AccountEvents = {
  state: RegistrationState;
  presence: { uri: string; presence: Presence };
  message: IncomingMessage;
  composing: { from: string; active: boolean };
  server: SipServer;
};

// sip.js re-decodes its whole grammar on every header it parses; see sip-grammar.ts. Should
// sip.js change shape, the app still works on sip.js's own (slow) parser and says so on stderr;
// test/unit/sip/sip-grammar.test.ts fails in CI.
try {
  installFastGrammar();
} catch (error) {
  console.error(`${(error as Error).message} Using sip.js's own parser.`);
}
try {
  installFastMessages();
} catch (error) {
  console.error(`${(error as Error).message} Using sip.js's own message methods.`);
}

const COMPOSING_TYPE = 'application/im-iscomposing+xml';

const tlsFailure = (error: unknown) => (error as { code?: unknown } | undefined)?.code === 'tls';

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
  private readonly subscribers = new Map<string, PresenceSubscription>();
  private readonly watched = new Set<string>();
  private lastStatus: PublishedStatus | undefined;
  /** Each user agent's socket port (a failover briefly has two user agents). */
  private readonly localPorts = new WeakMap<UserAgent, { port: number }>();
  /** Each user agent's digest cache: its server's last challenge, answered in advance. */
  private readonly credentials = new WeakMap<UserAgent, DigestCredentialCache>();
  private stopping = false;
  private reconnecting = false;
  private readonly seenMessages = new Set<string>();
  private readonly tupleId = `pd${Math.random().toString(36).slice(2, 10)}`;
  private readonly log: (line: string) => void;
  /** The server in use (primary or backup). */
  private current: SipServer;
  private readonly failover: Failover;
  /** The event-list (RLS) path: one subscription to `listUri` for all `members`. */
  private list: { listUri: string; members: Set<string>; subscription?: EventListSubscription; fallback: boolean; expires?: number } | undefined;

  constructor(private readonly options: SipAccountOptions) {
    this.uri = `sip:${options.user}@${options.domain}`;
    this.log = options.log ?? (() => {});
    this.current = options.server;
    this.failover = new Failover(options.server, options.backup, {
      probeEveryMs: options.primaryProbeMs ?? 30_000,
      probeTimeoutMs: Math.min(options.requestTimeoutMs ?? 10_000, 5000),
      log: this.log,
      onPrimaryBack: () => this.moveBackToPrimary(),
    });
  }

  /** The presence server in use. */
  get server(): SipServer {
    return this.current;
  }

  get state(): RegistrationState {
    return this._state;
  }

  on(event: 'state', listener: (state: RegistrationState) => void): () => void;
  on(event: 'presence', listener: (uri: string, presence: Presence) => void): () => void;
  on(event: 'message', listener: (message: IncomingMessage) => void): () => void;
  on(event: 'composing', listener: (composing: { from: string; active: boolean }) => void): () => void;
  on(event: 'server', listener: (server: SipServer) => void): () => void;
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
    const { host, port } = this.current;
    return `${host}:${port}`;
  }

  /** Connects once to learn the local address for Via (and to fail early and clearly). */
  private async probe(server: SipServer): Promise<string> {
    try {
      return await localAddressFor(server, this.options.requestTimeoutMs ?? 10_000);
    } catch (error) {
      throw error instanceof ReachError ? new SipError(error.code, error.message) : error;
    }
  }

  async start(): Promise<void> {
    this.stopping = false;
    this.setState('registering');
    let lastError: unknown;
    for (const server of this.failover.order()) {
      try {
        const { ua, registerer } = await this.startOn(server);
        this.ua = ua;
        this.registerer = registerer;
        this.useServer(server);
        this.watchRegistration();
        this.setState('registered');
        return;
      } catch (error) {
        lastError = error;
        if (this.stopping || !Failover.isLinkError(error)) break;
        this.log(`sip: presence server ${describeServer(server)} unreachable (${(error as Error).message})`);
      }
    }
    this.setState('failed');
    const error = lastError;
    throw error instanceof SipError ? error : new SipError(tlsFailure(error) ? 'tls' : 'sip', `Signing in to the presence server failed: ${(error as Error).message}`);
  }

  /** Records the server in use and starts or stops probing the primary. */
  private useServer(server: SipServer): void {
    const changed = server !== this.current;
    this.current = server;
    if (server === this.options.server) this.failover.onPrimary();
    else this.failover.onBackup();
    if (changed) this.log(`sip: now using the ${server === this.options.server ? 'primary' : 'backup'} presence server ${describeServer(server)}`);
    this.events.emit('server', server);
  }

  /** Builds a user agent for `server`, connects and registers; on failure nothing is left running. */
  private async startOn(server: SipServer): Promise<{ ua: UserAgent; registerer: Registerer }> {
    let ua: UserAgent | undefined;
    try {
      const viaHost = await this.probe(server);
      const local = { port: 0 };
      const setup = transportSetup(server, { onLocalPort: (p) => (local.port = p), log: this.log, trace: this.options.trace }, {
        tls: this.options.tls,
        udp: this.options.udp,
        connectTimeoutMs: this.options.requestTimeoutMs,
        // An event list's full state is about 1 KB a contact: room for 5,000+ contacts.
        maxMessageBytes: MULTIPART_MAX_BYTES,
      });
      ua = new UserAgent({
        uri: UserAgent.makeURI(this.uri),
        authorizationUsername: this.options.user,
        authorizationPassword: this.options.password,
        displayName: this.options.displayName,
        userAgentString: this.options.userAgent ?? 'Presence Desk',
        transportConstructor: setup.transportConstructor,
        transportOptions: setup.transportOptions,
        viaHost,
        forceRport: setup.forceRport,
        contactName: this.options.user,
        contactParams: setup.contactParams,
        logBuiltinEnabled: false,
        logLevel: 'warn',
        logConfiguration: false,
        logConnector: (level, category, _label, content) => {
          if (level === 'error' || level === 'warn') this.log(`sip.js ${level} ${category}: ${content}`);
        },
        delegate: {
          onMessage: (message) => this.onIncoming(message),
          onDisconnect: (error) => {
            // Only the user agent in use recovers (not one being replaced after a failover).
            if (error && !this.stopping && this.ua === ua) void this.recover();
          },
        },
      });
      this.localPorts.set(ua, local);
      // Every challenge on this server is answered through one cache, so new SUBSCRIBE,
      // PUBLISH and MESSAGE requests carry the answer from the start (see digest.ts).
      const credentials = new DigestCredentialCache({ username: this.options.user, password: this.options.password, log: this.log });
      credentials.install(ua.userAgentCore);
      this.credentials.set(ua, credentials);
      await ua.start().catch((error: Error & { code?: string }) => {
        throw new SipError(error.code === 'tls' ? 'tls' : error.code === 'timeout' ? 'timeout' : 'unreachable', `${error.message}.`);
      });
      this.fixContactPort(ua);
      const registerer = new Registerer(ua, { expires: this.options.registerExpires ?? 600, refreshFrequency: REFRESH_PERCENT });
      await this.register(registerer);
      return { ua, registerer };
    } catch (error) {
      await ua?.stop().catch(() => undefined);
      throw error;
    }
  }

  private fixContactPort(ua = this.ua!): void {
    // sip.js builds the Contact without a port; the server must reach us on this connection.
    (ua.contact.uri as URI & { port: number }).port = this.localPorts.get(ua)?.port ?? 0;
  }

  /** REGISTER and wait for the final answer (a 423 is retried with the server's Min-Expires). */
  private register(registerer = this.registerer!): Promise<void> {
    return registerAndWait(registerer, this.options.requestTimeoutMs ?? 10_000, this.log);
  }

  /**
   * A refresh REGISTER that failed (no answer, or refused) leaves sip.js unregistered without
   * telling anyone: treat it as a lost link and recover.
   */
  private watchRegistration(): void {
    const registerer = this.registerer!;
    registerer.stateChange.addListener((state) => {
      if (state !== 'Unregistered' || this.registerer !== registerer || this.stopping || this._state !== 'registered') return;
      this.log(`sip: registration at ${this.target} was not renewed; registering again`);
      void this.recover();
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

  async setPresence(status: PublishedStatus): Promise<void> {
    this.lastStatus = { ...status };
    const ua = this.ua;
    if (!ua || this._state !== 'registered') return; // published on (re)registration
    this.publication ??= new Publication(ua, 'presence', 'application/pidf+xml', 600, this.log, undefined, this.credentials.get(ua));
    const result = await this.publication.publish(buildPidf(this.uri, status, this.tupleId));
    if (!result.ok) throw new SipError('sip', `Publishing your status failed (${result.status} ${result.reason}).`, result.status);
  }

  watch(uri: string): void {
    this.watched.add(uri);
    this.subscribe(uri);
  }

  unwatch(uri: string): void {
    this.watched.delete(uri);
    const subscription = this.subscribers.get(uri);
    this.subscribers.delete(uri);
    void subscription?.stop();
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
      credentials: this.credentials.get(ua),
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

  /**
   * Watches one contact through our own subscription state machine (refreshes, back-off,
   * Retry-After and final refusals live there, see presence-subscription.ts).
   */
  private subscribe(uri: string): void {
    const ua = this.ua;
    if (!ua || this.stopping || this.subscribers.has(uri)) return;
    if (!UserAgent.makeURI(uri)) {
      this.log(`sip: cannot watch "${uri}": not a SIP address`);
      return;
    }
    const subscription = new PresenceSubscription({ ua, target: uri, expires: 600, log: this.log, credentials: this.credentials.get(ua) });
    this.subscribers.set(uri, subscription);
    subscription.on('notify', ({ body }) => {
      try {
        const parsed = parsePidf(body);
        this.events.emit('presence', { uri, presence: composePresence(parsed.devices) });
      } catch (error) {
        this.log(`sip: presence of ${uri} could not be read (${(error as Error).message}); kept the last known state`);
      }
    });
    subscription.on('failure', (failure) => {
      if (!failure.final) return;
      // The server will not tell us this contact's presence (refused, or no such user):
      // show that instead of a stale or empty state.
      this.events.emit('presence', { uri, presence: presenceUnavailable(failure.reason) });
    });
    subscription.start();
  }

  /**
   * Sends an IM and resolves on the final 2xx. `stored` is true for 202 Accepted: a
   * store-and-forward server (e.g. Kamailio msilo) keeps it for a recipient not signed in
   * (RFC 3428 §7: 202 says accepted, not delivered).
   */
  async sendMessage(to: string, text: string): Promise<{ stored: boolean }> {
    const ua = this.requireRegistered();
    const target = UserAgent.makeURI(to);
    if (!target) throw new SipError('invalid-input', `"${to}" is not a SIP address.`);
    let status = 0;
    const send = async (delegate: { onAccept: () => void; onReject: (response: IncomingResponse) => void }) =>
      this.sendMessageRequest(ua, target, text, 'text/plain;charset=UTF-8', {
        onReject: delegate.onReject,
        onAccept: (response) => ((status = response.message.statusCode ?? 0), delegate.onAccept()),
      });
    await this.finalAnswer('MESSAGE', send, (response) => {
      const code = response.message.statusCode;
      const why = code === 480 || code === 404 ? 'is not signed in' : 'could not be reached';
      return new SipError('sip', `Not delivered: ${to.replace(/^sip:/, '')} ${why} (${describe(response)}).`, code);
    });
    return { stored: status === 202 };
  }

  async sendComposing(to: string, active: boolean): Promise<void> {
    const ua = this.requireRegistered();
    const target = UserAgent.makeURI(to);
    if (!target) return;
    const body =
      `<?xml version="1.0" encoding="UTF-8"?><isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing">` +
      `<state>${active ? 'active' : 'idle'}</state><contenttype>text/plain</contenttype>${active ? '<refresh>60</refresh>' : ''}</isComposing>`;
    this.sendMessageRequest(ua, target, body, COMPOSING_TYPE);
  }

  /**
   * A MESSAGE as sip.js's Messager builds it, plus the answer to the server's last challenge
   * (so it is not answered 407 first).
   */
  private sendMessageRequest(ua: UserAgent, target: URI, content: string, contentType: string, delegate?: OutgoingRequestDelegate): void {
    const core = ua.userAgentCore;
    const message = core.makeOutgoingRequestMessage('MESSAGE', target, core.configuration.aor, target, {}, [], { contentDisposition: 'render', contentType, content });
    this.credentials.get(ua)?.authorize(message);
    core.request(message, delegate);
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
        this.events.emit('composing', { from, active: parseIsComposing(request.body ?? '').active });
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
    for (const subscription of this.subscribers.values()) subscription.dispose();
    this.subscribers.clear();
    this.list?.subscription?.dispose();
    if (this.list) this.list.subscription = undefined;
    this.publication?.reset();
    for (let attempt = 0; !this.stopping && this.ua; attempt += 1) {
      await new Promise((r) => setTimeout(r, Math.min(4000, 250 * 2 ** attempt)));
      if (this.stopping || !this.ua) break;
      try {
        await this.ua.reconnect();
        this.credentials.get(this.ua)?.reset();
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
        // Twice in a row unreachable: try the other server (backup, or the primary again).
        const other = attempt >= 1 && !this.stopping ? this.failover.other(this.current) : undefined;
        if (other) {
          const fresh = await this.startOn(other).catch((e: Error) => this.log(`sip: ${describeServer(other)} unreachable too (${e.message})`));
          if (fresh && !this.stopping) {
            this.adopt(fresh, other);
            break;
          }
          if (fresh) await fresh.ua.stop().catch(() => undefined);
        }
      }
    }
    this.reconnecting = false;
  }

  /**
   * Makes a freshly registered user agent (on `server`) the one in use, re-publishes and
   * re-subscribes on it, and lets go of the previous one in the background.
   */
  private adopt(fresh: { ua: UserAgent; registerer: Registerer }, server: SipServer): void {
    const old = { ua: this.ua, registerer: this.registerer, publication: this.publication, subscribers: [...this.subscribers.values()] };
    this.ua = fresh.ua;
    this.registerer = fresh.registerer;
    this.publication = undefined;
    this.subscribers.clear();
    // The list subscription lives on the old user agent: end it there, subscribe anew here.
    this.list?.subscription?.dispose();
    if (this.list) this.list.subscription = undefined;
    this.useServer(server);
    this.watchRegistration();
    this.setState('registered');
    if (this.lastStatus) this.setPresence(this.lastStatus).catch((e: Error) => this.log(`sip: re-publish failed: ${e.message}`));
    for (const uri of this.watched) this.subscribe(uri);
    this.subscribeList();
    void this.release(old);
  }

  /** Ends subscriptions, publication and registration of a user agent no longer in use. */
  private async release(old: { ua?: UserAgent; registerer?: Registerer; publication?: Publication; subscribers: PresenceSubscription[] }): Promise<void> {
    const quick = <T>(p: Promise<T>) => Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
    if (old.ua?.transport.isConnected()) {
      await quick(Promise.all(old.subscribers.map((s) => s.stop())));
      if (old.publication) await quick(old.publication.remove());
      if (old.registerer) await unregisterAndWait(old.registerer, 2000);
    }
    old.publication?.dispose();
    await quick(old.ua?.stop() ?? Promise.resolve());
  }

  /** The failover probe found the primary answering while we are on the backup. */
  private async moveBackToPrimary(): Promise<void> {
    const primary = this.options.server;
    if (this.stopping || this.reconnecting || this.current === primary || !this.ua) return;
    this.reconnecting = true;
    try {
      this.log(`sip: primary presence server ${describeServer(primary)} answers again; moving back to it`);
      const fresh = await this.startOn(primary).catch((e: Error) => this.log(`sip: moving back to ${describeServer(primary)} failed (${e.message}); staying on the backup`));
      if (!fresh) return;
      if (this.stopping) {
        await fresh.ua.stop().catch(() => undefined);
        return;
      }
      this.adopt(fresh, primary);
    } finally {
      this.reconnecting = false;
    }
    // The backup may have dropped while we were busy with the primary.
    if (this.ua && !this.ua.transport.isConnected() && !this.stopping) void this.recover();
  }

  async stop(): Promise<void> {
    if (this.stopping && !this.ua) return;
    this.stopping = true;
    this.failover.stop();
    const ua = this.ua;
    if (!ua) {
      this.setState('unregistered');
      return;
    }
    const quick = <T>(p: Promise<T>) => Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
    this.list?.subscription?.stop();
    if (ua.transport.isConnected()) {
      await quick(Promise.all([...this.subscribers.values()].map((s) => s.stop())));
      if (this.publication) await quick(this.publication.remove());
      // Wait for the registrar's answer: until then it would still route to this contact.
      if (this.registerer) await unregisterAndWait(this.registerer, Math.min(this.options.requestTimeoutMs ?? 10_000, 5000));
    }
    for (const subscription of this.subscribers.values()) subscription.dispose();
    this.subscribers.clear();
    this.publication?.dispose();
    this.publication = undefined;
    await quick(ua.stop());
    this.ua = undefined;
    this.setState('unregistered');
  }
}

/** What a contact shows when the server will not give their presence. */
export function presenceUnavailable(reason: string, at = Date.now()): Presence {
  return { availability: 'unknown', note: `Presence not available (${reason})`, updatedAt: at, devices: [] };
}
