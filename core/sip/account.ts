// Over 400 lines: the façade names every usage the app calls, each in a few lines; the work is in the usages.
/**
 * SipAccount: one user's SIP presence and IM, the façade that wires the layers (see the "SIP
 * engine" section of docs/ARCHITECTURE.md): a user agent on our Node transports
 * (`user-agent.ts`, `transport/`), the message layer (grammar, digest), and the usages —
 * registration, publication, watching (per-contact and event-list subscriptions on one
 * machine), messaging.
 *
 * Its state machine is `AccountState` (account-state.ts, drawn there).
 *
 * The account never publishes by itself: each time a registration is (again) in place (sign-in,
 * reconnection, a move between primary and backup server, see failover.ts) it emits
 * `registered`, and the owner of the user's own presence publishes once. What is watched is the
 * account's own state: it subscribes again by itself.
 */
import type { Message } from 'sip.js';
import type { Presence } from '../../shared/domain';
import { AccountState, REGISTRATION, type Registered, type RegistrationState } from './account-state';
import { Emitter } from '../events';
import { realTimers, type Timers } from '../timers';
import type { AccountEvents, IncomingMessage, PublishedStatus, SipAccountOptions } from './account-types';
import { buildPidf } from './codecs/pidf';
import { parseIsComposing } from './codecs/is-composing';
import { decodeTextBody } from './codecs/text-body';
import { SipError } from './message/sip-error';
import { Failover } from './transport/failover';
import { describeServer, type SipServer } from './transport/transport-choice';
import { fixContactPort, releaseAgent, startAgent, type Agent } from './user-agent';
import { messageIdentity } from './usages/message-identity';
import { COMPOSING_TYPE, sendComposing, sendText } from './usages/messaging';
import { Publication } from './usages/publication';
import { registerAndWait, unregisterAndWait } from './usages/registration';
import type { SubscriptionNotify } from './usages/presence-subscription';
import type { ListSubscriptionState } from './usages/rls';
import { reconnectDelayMs } from './usages/subscription-policy';
import { Watching, type ConfigWatchOptions, type EventWatch, type PathAdvisor } from './usages/watching';
import type { PresencePaths } from './usages/presence-path';

export { SipError } from './message/sip-error';
export { AccountState, type Registered, type RegistrationState } from './account-state';
export { presenceUnavailable, type ConfigWatchOptions, type EventWatch } from './usages/watching';

export type { SipServer, SipTransportKind, TlsTrust, UdpTuning } from './transport/transport-choice';
export type { IncomingMessage, PublishedStatus, SipAccountOptions } from './account-types';
const tlsFailure = (error: unknown) => (error as { code?: unknown } | undefined)?.code === 'tls';

export class SipAccount {
  readonly uri: string;
  private readonly events = new Emitter<AccountEvents>();
  private _state = AccountState.Idle;
  /** The registered user agent in use (a move between servers briefly has a second one). */
  private agent: Agent | undefined;
  private publication: Publication | undefined;
  private readonly watching: Watching;
  private readonly tupleId = `pd${Math.random().toString(36).slice(2, 10)}`;
  private readonly log: (line: string) => void;
  private readonly timers: Timers;
  private readonly timeoutMs: number;
  /** The server in use (primary or backup). */
  private current: SipServer;
  private failover: Failover;
  /** The sign-out under way or done (a second stop() waits for the same one). */
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: SipAccountOptions) {
    this.uri = `sip:${options.user}@${options.domain}`;
    this.log = options.log ?? (() => {});
    this.timers = options.timers ?? realTimers;
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.current = options.server;
    this.failover = this.newFailover();
    this.watching = new Watching({
      agent: () => (this.registered ? this.agent : undefined),
      log: this.log,
      presence: (uri, presence) => this.events.emit('presence', { uri, presence }),
      ...(options.presencePaths ? { paths: this.pathAdvisor(options.presencePaths) } : {}),
    });
  }

  /** The figures of this server's lists (a list on another server is another figure). */
  private pathAdvisor(paths: PresencePaths): PathAdvisor {
    const key = (listUri: string) => `${describeServer(this.current)} ${listUri}`;
    return {
      choose: (listUri, product) => paths.choose(key(listUri), product),
      measured: (listUri, path, members, ms) => paths.measured(key(listUri), path, members, ms),
      listFailed: (listUri) => paths.listFailed(key(listUri)),
    };
  }

  private newFailover(): Failover {
    const { server, backup, primaryProbeMs } = this.options;
    const probe = { probeEveryMs: primaryProbeMs ?? 30_000, probeTimeoutMs: Math.min(this.timeoutMs, 5000), log: this.log, timers: this.timers };
    return new Failover(server, backup, { ...probe, onPrimaryBack: () => this.moveBackToPrimary() });
  }

  /** The configuration names other presence servers: registers on the new primary, then lets go of this one (what is watched carries over). */
  async moveTo(server: SipServer, backup?: SipServer): Promise<void> {
    if (this.now() !== AccountState.Registered || !this.agent) throw new SipError('unreachable', 'Not connected to the presence server.');
    const fresh = await this.startOn(server);
    if (this.now() !== AccountState.Registered) return void (await fresh.ua.stop().catch(() => undefined));
    this.failover.stop();
    Object.assign(this.options, { server, backup });
    this.failover = this.newFailover();
    this.adopt(fresh, server);
  }

  /** The presence server in use. */
  get server(): SipServer {
    return this.current;
  }

  get state(): RegistrationState {
    return REGISTRATION[this._state];
  }

  /** The full state machine's state (diagnostics and tests). */
  get accountState(): AccountState {
    return this._state;
  }

  on(event: 'state', listener: (state: RegistrationState) => void): () => void;
  on(event: 'registered', listener: (registered: Registered) => void): () => void;
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

  /** The current state, read afresh (after an await it may have changed under us). */
  private now(): AccountState {
    return this._state;
  }

  private setState(state: AccountState): void {
    if (this._state === state) return;
    const before = REGISTRATION[this._state];
    this._state = state;
    this.log(`sip: ${this.uri} ${state}`);
    if (REGISTRATION[state] !== before) this.events.emit('state', REGISTRATION[state]);
  }

  private get registered(): boolean {
    return this.now() === AccountState.Registered || this.now() === AccountState.MovingBack;
  }

  private get target(): string {
    return `${this.current.host}:${this.current.port}`;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.set(resolve, ms));
  }

  /** Settles when `p` does or after 2 s, whichever comes first; never throws. */
  private quick(p: Promise<unknown>): Promise<unknown> {
    return Promise.race([p.catch(() => undefined), this.wait(2000)]);
  }

  async start(): Promise<void> {
    if (this.now() !== AccountState.Idle && this.now() !== AccountState.Stopped && this.now() !== AccountState.Failed) return;
    this.setState(AccountState.Registering);
    let lastError: unknown;
    for (const server of this.failover.order()) {
      try {
        const agent = await this.startOn(server);
        if (this.now() !== AccountState.Registering) {
          // Stopped while signing in: nothing is kept.
          await agent.ua.stop().catch(() => undefined);
          throw new SipError('sip', 'Signing in to the presence server was cancelled.');
        }
        this.agent = agent;
        this.useServer(server);
        this.watchRegistration(agent);
        this.becomeRegistered('signed-in');
        return;
      } catch (error) {
        lastError = error;
        if (this.now() !== AccountState.Registering || !Failover.isLinkError(error)) break;
        this.log(`sip: presence server ${describeServer(server)} unreachable (${(error as Error).message})`);
      }
    }
    if (this.now() === AccountState.Registering) this.setState(AccountState.Failed);
    const error = lastError;
    throw error instanceof SipError
      ? error
      : new SipError(tlsFailure(error) ? 'tls' : 'sip', `Signing in to the presence server failed: ${(error as Error).message}`);
  }

  /** Registered (again) on the agent in use: tells the owner of own presence, subscribes again. */
  private becomeRegistered(cause: Registered['cause']): void {
    this.setState(AccountState.Registered);
    this.events.emit('registered', { server: this.current, cause });
    this.watching.resubscribe();
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

  /** Builds a registered user agent on `server`; on failure nothing is left running. */
  private startOn(server: SipServer): Promise<Agent> {
    return startAgent(server, {
      ...this.options,
      uri: this.uri,
      requestTimeoutMs: this.timeoutMs,
      log: this.log,
      onMessage: (message) => this.onIncoming(message),
      // Only the user agent in use recovers (not one being replaced after a failover).
      onDisconnect: (ua, error) => error && this.agent?.ua === ua && void this.recover(),
    });
  }

  /** A failed refresh REGISTER leaves sip.js unregistered without telling anyone: a lost link, recovered. */
  private watchRegistration(agent: Agent): void {
    agent.registerer.stateChange.addListener((state) => {
      if (state !== 'Unregistered' || this.agent !== agent || this.now() !== AccountState.Registered) return;
      this.log(`sip: registration at ${this.target} was not renewed; registering again`);
      void this.recover();
    });
  }

  /** Publishes the user's status; while not registered nothing is sent (the owner publishes on `registered`). */
  async setPresence(status: PublishedStatus): Promise<void> {
    const agent = this.agent;
    if (!agent || !this.registered) return;
    this.publication ??= new Publication(agent.ua, 'presence', 'application/pidf+xml', 600, this.log, this.timers, agent.credentials);
    const result = await this.publication.publish(buildPidf(this.uri, status, this.tupleId));
    if (!result.ok) throw new SipError('sip', `Publishing your status failed (${result.status} ${result.reason}).`, result.status);
  }

  watch(uri: string): void {
    this.watching.watch(uri);
  }

  unwatch(uri: string): void {
    this.watching.unwatch(uri);
  }

  /** Watches `members` through one event-list subscription (RFC 4662) to `listUri`, else per member (usages/watching.ts). */
  watchList(listUri: string, members: string[], options: { expires?: number } = {}): void {
    this.watching.watchList(listUri, members, options);
  }

  /** Watches another event package (presence.winfo, xcap-diff) of `target`; returns the way to stop. */
  watchEvent(
    target: string,
    event: string,
    accept: string[],
    onNotify: (notify: SubscriptionNotify) => void,
    more: Pick<EventWatch, 'body' | 'onFailure'> = {},
  ): () => void {
    return this.watching.watchEvent({ target, event, accept, onNotify, ...more });
  }

  /** Ends the event-list subscription (and the per-member fallback, if it was in use). */
  unwatchList(): void {
    this.watching.unwatchList();
  }

  /** State of the event-list subscription ('none' when not watching a list). */
  get listState(): ListSubscriptionState | 'none' {
    return this.watching.listState;
  }

  /** Subscribes to the user's own configuration changes (UCCN), kept across reconnections (usages/watching.ts). */
  watchConfig(options: ConfigWatchOptions): void {
    this.watching.watchConfig(this.uri, options);
  }

  /** Sends an IM and resolves on the final 2xx; `stored` for 202 Accepted (see usages/messaging.ts). */
  async sendMessage(to: string, text: string, options: { retryKey?: string } = {}): Promise<{ stored: boolean }> {
    return sendText(
      this.requireRegistered(),
      to,
      text,
      this.timeoutMs,
      this.timers,
      options.retryKey === undefined ? undefined : messageIdentity(this.uri, options.retryKey),
    );
  }

  async sendComposing(to: string, active: boolean): Promise<void> {
    sendComposing(this.requireRegistered(), to, active);
  }

  private requireRegistered(): Agent {
    if (!this.agent || !this.registered) throw new SipError('unreachable', 'Not connected to the presence server.');
    return this.agent;
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
    // Answered only once the app has kept it (it also drops what it already kept).
    this.events
      .emitAndWait('message', { id, from, callId: request.callId, cseq: request.cseq, text: decodeTextBody(request.body ?? '', type), at: Date.now() })
      .then(
        () => message.accept(),
        (error: unknown) => {
          const reason = (error instanceof Error ? error.message : String(error)).replace(/[\x00-\x1f\x7f]+/g, ' ').slice(0, 200) || 'Server Internal Error';
          this.log(`sip: message from ${from} refused (500 ${reason})`);
          return message.reject({ statusCode: 500, reasonPhrase: reason });
        },
      )
      .catch(() => undefined);
  }

  /** After the connection drops: reconnect with back-off, then re-register and re-subscribe. */
  private async recover(): Promise<void> {
    if (this.now() !== AccountState.Registered || !this.agent) return;
    this.setState(AccountState.Reconnecting);
    this.watching.dispose();
    this.publication?.reset();
    for (let attempt = 0; this.now() === AccountState.Reconnecting && this.agent; attempt += 1) {
      await this.wait(reconnectDelayMs(attempt));
      const agent = this.agent;
      if (this.now() !== AccountState.Reconnecting || !agent) break;
      try {
        await agent.ua.reconnect();
        agent.credentials.reset();
        fixContactPort(agent);
        await registerAndWait(agent.registerer, this.timeoutMs, this.log, this.timers, (product) => (agent.product = product));
        if (this.now() !== AccountState.Reconnecting) break;
        this.becomeRegistered('reconnected');
        break;
      } catch (error) {
        this.log(`sip: reconnect to ${this.target} failed (${(error as Error).message}); trying again`);
        if (agent.ua.transport.isConnected()) await agent.ua.transport.disconnect().catch(() => undefined);
        // Twice in a row unreachable: try the other server (backup, or the primary again).
        const other = attempt >= 1 && this.now() === AccountState.Reconnecting ? this.failover.other(this.current) : undefined;
        if (other) {
          const fresh = await this.startOn(other).catch((e: Error) => this.log(`sip: ${describeServer(other)} unreachable too (${e.message})`));
          if (fresh && this.now() === AccountState.Reconnecting) {
            this.adopt(fresh, other);
            break;
          }
          if (fresh) await fresh.ua.stop().catch(() => undefined);
        }
      }
    }
  }

  /** Makes a freshly registered user agent (on `server`) the one in use, subscribes on it, lets go of the old one. */
  private adopt(fresh: Agent, server: SipServer): void {
    const old = { agent: this.agent, publication: this.publication, subscriptions: this.watching.detach() };
    this.agent = fresh;
    this.publication = undefined;
    this.useServer(server);
    this.watchRegistration(fresh);
    this.becomeRegistered(this.now() === AccountState.Reconnecting ? 'reconnected' : 'moved');
    void releaseAgent(old, this.timers);
  }

  /** The failover probe found the primary answering while we are on the backup. */
  private async moveBackToPrimary(): Promise<void> {
    const primary = this.options.server;
    if (this.now() !== AccountState.Registered || this.current === primary || !this.agent) return;
    this.setState(AccountState.MovingBack);
    this.log(`sip: primary presence server ${describeServer(primary)} answers again; moving back to it`);
    const fresh = await this.startOn(primary).catch((e: Error) =>
      this.log(`sip: moving back to ${describeServer(primary)} failed (${e.message}); staying on the backup`),
    );
    if (this.now() !== AccountState.MovingBack) {
      // Stopped meanwhile.
      if (fresh) await fresh.ua.stop().catch(() => undefined);
      return;
    }
    if (fresh) this.adopt(fresh, primary);
    else this.setState(AccountState.Registered);
    // The backup may have dropped while we were busy with the primary.
    if (this.agent && !this.agent.ua.transport.isConnected()) void this.recover();
  }

  /** Signs out: ends subscriptions and publication, un-REGISTERs (waiting a short while for the answers). */
  stop(): Promise<void> {
    if (this.now() === AccountState.Stopping || this.now() === AccountState.Stopped) return this.stopped ?? Promise.resolve();
    this.stopped = this.signOut();
    return this.stopped;
  }

  private async signOut(): Promise<void> {
    this.setState(AccountState.Stopping);
    this.failover.stop();
    const agent = this.agent;
    if (agent?.ua.transport.isConnected()) {
      await this.quick(this.watching.stop());
      if (this.publication) await this.quick(this.publication.remove());
      // Wait for the registrar's answer: until then it would still route to this contact.
      await unregisterAndWait(agent.registerer, Math.min(this.timeoutMs, 5000), this.timers);
    }
    this.watching.dispose();
    this.publication?.dispose();
    this.publication = undefined;
    if (agent) await this.quick(agent.ua.stop());
    this.agent = undefined;
    this.setState(AccountState.Stopped);
  }
}
