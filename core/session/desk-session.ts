/**
 * DeskSession: signs in and out, builds the connection (CUPS SOAP session, SIP account,
 * history, dialing rules) and hands it to the feature services, which own everything else:
 * ContactList (core/contacts), OwnPresence (core/presence), Messaging (core/im), Calls
 * (core/calls), plus CupsFeatures and the connection settings. The IPC handler map is the
 * union of their slices; their events all go out through `subscribe`.
 *
 * ```
 *                    signIn()                     CUPS login + get-all-config + SIP REGISTER ok
 *   ┌──────────┐ ─────────────> ┌────────────┐ ───────────────────────────────> ┌───────────┐
 *   │SignedOut │                │ SigningIn  │                                  │ SignedIn  │
 *   └──────────┘ <───────────── └────────────┘                                  └───────────┘
 *      ^   ^        any error (state.error says which)                  SIP link lost │   ^ registered again
 *      │   │                                                                          v   │ (publish once, flush IMs)
 *      │   └──────────────────────── signOut() ───────────────────────────── ┌──────────────┐
 *      └──────────────────────────── signOut() ───────────────────────────── │ Reconnecting │
 *                                                                            └──────────────┘
 * ```
 */
import { dirname, join } from 'node:path';
import type { OpenRequest, OwnStatus, SessionState, SignInRequest, Snapshot } from '../../shared/domain';
import { EVENT_CHANNELS, type DeskBackend, type EventChannel, type EventChannels, type InvokeHandlers } from '../../shared/ipc';
import { PhoneDnd } from '../calls/phone-dnd';
import { Calls } from '../calls';
import { LiveConfig } from '../config-change';
import { ContactList } from '../contacts';
import { fileOwnSessionRecord } from '../cups';
import { CupsFeatures } from '../cups/features';
import { connectionHandlers } from '../settings';
import { TraceRecorder } from '../diagnostics';
import { compileRules } from '../dialing';
import { asDeskError, describeFailure, toAppError } from '../errors';
import { Emitter } from '../events';
import { Messaging } from '../im';
import { OwnPresence } from '../presence';
import { PresenceAuthorization } from '../xcap';
import { SipAccount, describeServer, type RegistrationState, type SipServer } from '../sip';
import { SettingsCertificateTrust } from '../store/certificate-trust';
import { MessageHistory } from '../store/history';
import { appHandlers } from './app-handlers';
import { photoDir, soapOptions, type DeskSessionOptions } from './options';
import { rememberPassword } from './remember-password';
import type { Connection, SessionContext, SipLike } from './connection';
import { presencePathsOf, presenceServerLabel, sipAccountOptions } from './presence-server';
import { createServerSession, signInTarget, type DeskServerType } from './sign-in-target';

type DeskEvents = { [E in EventChannel]: EventChannels[E] };

export class DeskSession implements DeskBackend {
  private readonly events = new Emitter<DeskEvents>();
  private readonly log: (line: string) => void;
  private state: SessionState = { phase: 'signed-out' };
  /** The server type of the last sign-in; none before one (the sign-in form then opens on the saved type). */
  private serverType: DeskServerType | undefined;
  private connection: Connection | undefined;
  /** The SIP presence server in use, as shown in the session state. */
  private presenceServer: string | undefined;
  /** Serialises sign-in / sign-out so a double click cannot interleave them. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  /** Certificates the user trusted per server (CUPS and WebDialer alike). */
  private readonly trust: SettingsCertificateTrust;

  readonly handlers: InvokeHandlers;
  /** Every SIP, SOAP and WebDialer message of the session, masked, for Diagnostics. */
  readonly trace: TraceRecorder;
  readonly contacts: ContactList;
  readonly presence: OwnPresence;
  readonly messaging: Messaging;
  readonly calls: Calls;
  readonly watchers: PresenceAuthorization;
  readonly liveConfig: LiveConfig;

  constructor(private readonly options: DeskSessionOptions) {
    this.log = options.log ?? (() => {});
    this.trace = options.trace ?? new TraceRecorder();
    this.trust = new SettingsCertificateTrust(options.settings, this.log);
    const context: SessionContext = {
      connection: () => this.connection,
      online: () => this.connection !== undefined && this.state.phase === 'signed-in',
      emit: (event, payload) => this.events.emit(event, payload),
      settings: options.settings,
      log: this.log,
    };
    this.contacts = new ContactList(context, { timeoutMs: options.cupsTimeoutMs, trace: this.trace, photoDir: photoDir(options) });
    this.presence = new OwnPresence(context);
    this.watchers = new PresenceAuthorization(context, join(dirname(options.historyDir), 'watchers'), (u) => this.contacts.contact(u)?.displayName);
    this.messaging = new Messaging(context, (uri) => this.contacts.contact(uri));
    this.calls = new Calls(context, {
      trace: this.trace,
      soap: () => soapOptions(this.options, this.trust),
      ...(options.ctiLink ? { ctiLink: options.ctiLink } : {}),
      onPhone: (state) => {
        this.presence.phoneChanged(state);
        phoneDnd.phoneChanged(state);
      },
    });
    this.liveConfig = new LiveConfig(context, {
      contacts: this.contacts,
      onCallControl: (system) => void this.calls.moveCtiGateway(system),
      onDirectory: (system) => this.contacts.reconnectDirectory(system),
    });
    this.messaging.imRefusal = () => this.liveConfig.imRefusal();
    const phoneDnd = new PhoneDnd({
      enabled: () => options.settings.get().phoneDndFollowsStatus,
      own: () => this.presence.status,
      setOwn: (status) => this.presence.setOwnStatus(status),
      setPhone: (on) => this.calls.phoneRequest({ service: 'setDoNotDisturb', on }),
      log: this.log,
    });
    this.events.on('presence:own', (status) => phoneDnd.ownChanged(status));
    const features = new CupsFeatures({
      cups: () => this.connection?.cups,
      entity: () => this.connection?.sip.uri,
      onLongTerm: (status) => this.events.emit('longterm:changed', status),
      log: this.log,
    });
    this.handlers = {
      'session:snapshot': () => this.snapshot(),
      'session:sign-in': (request) => this.signIn(request),
      'session:sign-out': () => this.signOut(),
      // A CUPS server's configuration is in Settings → Connection; the site facts are CME's.
      'account:site': () => null,
      ...appHandlers({
        ...options,
        trace: this.trace,
        trust: this.trust,
        state: () => this.state,
        entry: (e) => this.events.emit('diagnostics:entry', e),
        prefsChanged: (p) => this.events.emit('desktop:prefs-changed', p),
      }),
      ...this.contacts.handlers,
      ...this.presence.handlers,
      ...this.messaging.handlers,
      ...this.calls.handlers,
      ...features.handlers,
      ...this.watchers.handlers,
      ...this.liveConfig.handlers,
      ...connectionHandlers(options.settings, this.log),
    };
  }

  subscribe(listener: <E extends EventChannel>(event: E, payload: EventChannels[E]) => void): () => void {
    const offs = EVENT_CHANNELS.map((event) => this.events.on(event, (payload) => listener(event, payload as never)));
    return () => offs.forEach((off) => off());
  }

  /** Typed single-event subscription for the core's own users (lab, tests). */
  on<E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  get sessionState(): SessionState {
    return { ...this.state };
  }

  snapshot(): Snapshot {
    const settings = this.options.settings.get();
    const history = this.messaging.history;
    const historyImport = this.messaging.historyImport;
    return {
      session: { ...this.state },
      own: this.presence.status,
      groups: this.contacts.list,
      presence: this.contacts.presenceSnapshot(),
      conversations: this.connection?.history.recent() ?? {},
      signInDefaults: { server: this.state.server ?? settings.server, user: this.state.user ?? settings.user, serverType: settings.serverType },
      idleAwayMinutes: settings.idleAwayMinutes,
      phone: this.calls.phone,
      ...(history ? { history } : {}),
      ...(historyImport ? { historyImport } : {}),
    };
  }

  signIn(request: SignInRequest): Promise<SessionState> {
    const run = this.lifecycle.then(() => this.doSignIn(request));
    this.lifecycle = run.catch(() => undefined);
    return run;
  }

  signOut(): Promise<SessionState> {
    const run = this.lifecycle.then(() => this.doSignOut());
    this.lifecycle = run.catch(() => undefined);
    return run;
  }

  private async doSignIn(request: SignInRequest): Promise<SessionState> {
    const who = signInTarget(request);
    const { server, user, account } = who;
    if (this.connection) await this.doSignOut();
    this.serverType = who.serverType;

    this.setState({ phase: 'signing-in', user, server, demo: this.options.demo });
    const { log, trace } = this;
    // Masked verbatim too, wherever a message shape the masking rules do not know carries it.
    trace.addSecret(request.password);
    // This device's own session key, so a session left open by a crash is taken over quietly.
    const ownSession = fileOwnSessionRecord(join(dirname(this.options.historyDir), 'sessions'), server, user);
    const cupsOptions = { server, user, password: request.password, ...soapOptions(this.options, this.trust), log, trace, ownSession };
    const cups = createServerSession(who, request, cupsOptions, this.options);
    let sip: SipLike | undefined;
    try {
      await cups.login({ force: request.force === true });
      log(`session: signed in to ${who.serverType === 'cups' ? 'CUPS ' : ''}${server} as ${user}`);
      const config = await cups.getAllConfig();
      const { target, domain, sipOptions } = sipAccountOptions(
        config.system,
        this.options.settings.get(),
        this.options,
        { user: account, password: request.password, log, trace },
        presencePathsOf(this.options.settings),
      );
      sip = this.options.createSip?.(sipOptions) ?? new SipAccount(sipOptions);
      await sip.start();
      const inUse = (sip as Partial<Pick<SipAccount, 'server'>>).server ?? target;
      this.presenceServer = `${describeServer(inUse)}${inUse === target ? '' : ' (backup)'}`;
      log(`session: registered ${sip.uri} via ${describeServer(inUse)}${inUse === target ? '' : ` (backup; primary ${describeServer(target)} unreachable)`}`);

      // An earlier version's history file is imported after sign-in, a slice at a time: 200 MB took two minutes.
      let connection: Connection | undefined;
      const history = new MessageHistory(this.options.historyDir, `${account}@${domain}`, log, {
        importInBackground: true,
        onImport: (progress) => connection && this.messaging.importProgress(connection, progress),
      });
      if (history.loadReport.badLines) log(`session: ${history.loadReport.badLines} unreadable history line(s) skipped`);
      const { rules: dialingRules, problems } = compileRules(config.dialingRules);
      for (const p of problems) log(`dialing: rule '${p.rule}' skipped: ${p.problem}`);
      connection = { user: account, server, domain, cups, sip, history, config, dialingRules, unsubscribe: [] };
      this.connection = connection;
      connection.unsubscribe.push(
        connection.sip.on('state', (state) => this.onRegistration(connection, state)),
        connection.sip.on('server', (inUseNow) => this.onServer(connection, inUseNow)),
        // Registered on the other server without a reconnection (moved back to the primary): nothing is published there yet.
        connection.sip.on('registered', ({ cause }) => cause === 'moved' && this.connection === connection && this.presence.registeredAgain()),
      );
      this.contacts.attach(connection);
      this.watchers.attach(connection);
      this.liveConfig.attach(connection);
      this.messaging.attach(connection);
      this.calls.attach(connection, request.password);
      await this.presence.attach(connection);

      this.options.settings.update({ server, user, serverType: who.serverType });
      rememberPassword(this.options.secrets, request, user, server, this.log);
      this.setState({ phase: 'signed-in', user, server, uri: sip.uri, demo: this.options.demo, presenceServer: this.presenceServer });
      this.contacts.start();
      this.messaging.flush();
      this.calls.start();
      this.liveConfig.start();
      return this.sessionState;
    } catch (error) {
      const appError = toAppError(error);
      log(`session: sign-in to ${server} as ${user} failed: ${describeFailure(error)}`);
      this.teardownConnection();
      await sip?.stop().catch(() => undefined);
      if (appError.code !== 'auth' && appError.code !== 'already-signed-in') await cups.logout().catch(() => undefined);
      // A mistyped password is often close to the real one: keep it no longer than the attempt.
      this.trace.clearSecrets();
      this.setState({ phase: 'signed-out', user, server, error: appError, demo: this.options.demo });
      this.events.emit('contacts:changed', this.contacts.list);
      throw asDeskError(error);
    }
  }

  private async doSignOut(): Promise<SessionState> {
    const connection = this.connection;
    if (connection) {
      this.teardownConnection();
      await connection.sip.stop().catch((e) => this.log(`session: SIP stop: ${toAppError(e).message}`));
      await connection.cups.logout().catch((e) => this.log(`session: CUPS logout: ${toAppError(e).message}`));
      connection.history.close();
    }
    this.trace.clearSecrets();
    this.setState({ phase: 'signed-out', user: this.state.user, server: this.state.server, demo: this.options.demo });
    this.events.emit('contacts:changed', this.contacts.list);
    return this.sessionState;
  }

  private teardownConnection(): void {
    this.presenceServer = undefined;
    this.liveConfig.detach();
    this.messaging.detach();
    this.calls.detach();
    this.presence.detach();
    this.contacts.detach();
    this.watchers.detach();
    for (const off of this.connection?.unsubscribe ?? []) off();
    this.connection = undefined;
  }

  /** Signs out and releases everything (called on quit). */
  async close(): Promise<void> {
    await this.signOut().catch(() => undefined);
    this.events.clear();
  }

  /** The SIP account moved to another presence server (failover, or back to the primary). */
  private onServer(connection: Connection, server: SipServer): void {
    if (this.connection !== connection) return;
    this.presenceServer = presenceServerLabel(connection.config.system, server, this.options.settings.get().sipTransport);
    this.log(`session: presence server in use: ${this.presenceServer}`);
    if (this.state.phase === 'signed-in' || this.state.phase === 'reconnecting') this.setState({ ...this.state, presenceServer: this.presenceServer });
  }

  /** The registration's truth is the session's phase; registered again: publish once, send the queue. */
  private onRegistration(connection: Connection, state: RegistrationState): void {
    if (this.connection !== connection) return;
    const base = { user: connection.user, server: connection.server, uri: connection.sip.uri, demo: this.options.demo, presenceServer: this.presenceServer };
    if (state === 'registered') {
      if (this.state.phase !== 'signed-in') {
        this.log('session: registered again; publishing and flushing queued messages');
        this.messaging.recovered();
        this.setState({ phase: 'signed-in', ...base });
        this.presence.registeredAgain();
      }
      this.messaging.flush();
    } else if ((state === 'reconnecting' || state === 'failed' || state === 'registering') && this.state.phase === 'signed-in') {
      this.setState({ phase: 'reconnecting', ...base, error: { code: 'sip', message: `Lost the connection to the presence server; reconnecting…` } });
    }
  }

  /** The tray menu and the system's idle detector (Electron main) set the own status directly. */
  setOwnStatus(status: OwnStatus): Promise<OwnStatus> {
    return this.presence.setOwnStatus(status);
  }

  setIdle(idle: boolean): Promise<OwnStatus> {
    return this.presence.setIdle(idle);
  }

  /** The host passes on what the OS asked to open (a tel: link, a sip:/im: address). */
  requestOpen(request: OpenRequest): void {
    this.events.emit('app:open', request);
  }

  private setState(state: SessionState): void {
    // Every state names the server type it is about (the renderer words things by it).
    const typed = { ...state, serverType: this.serverType };
    this.state = Object.fromEntries(Object.entries(typed).filter(([, v]) => v !== undefined)) as unknown as SessionState;
    this.events.emit('session:state', { ...this.state });
  }
}
