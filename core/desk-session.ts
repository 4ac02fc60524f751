/**
 * DeskSession: the one object that signs in, wires the CUPS SOAP session and the SIP account
 * together, and serves the renderer's IPC contract (`DeskBackend`).
 *
 * ```
 *                    signIn()                     CUPS login + get-all-config + SIP REGISTER ok
 *   ┌──────────┐ ─────────────> ┌────────────┐ ───────────────────────────────> ┌───────────┐
 *   │SignedOut │                │ SigningIn  │                                  │ SignedIn  │
 *   └──────────┘ <───────────── └────────────┘                                  └───────────┘
 *      ^   ^        any error (state.error says which)                  SIP link lost │   ^ registered again
 *      │   │                                                                          v   │ (queued IMs flushed)
 *      │   └──────────────────────── signOut() ───────────────────────────── ┌──────────────┐
 *      └──────────────────────────── signOut() ───────────────────────────── │ Reconnecting │
 *                                                                            └──────────────┘
 * ```
 *
 * Nothing the user typed is lost: every outgoing IM is written to the history file before it
 * is sent, its delivery state is recorded as it changes, and messages typed while the link is
 * down are queued and sent in order once the account is registered again.
 */
import { randomUUID } from 'node:crypto';
import type {
  ChatMessage,
  DialPlan,
  RecentEntry,
  Contact,
  ContactGroup,
  HostInfo,
  OpenRequest,
  OwnStatus,
  PhoneChoice,
  PhoneState,
  Presence,
  PresenceUpdate,
  SessionState,
  SignInRequest,
  Snapshot,
} from '../shared/domain';
import { PHONE_ACTIONS, isOnThePhone, type PhoneAction } from '../shared/domain';
import type { DeskBackend, EventChannel, EventChannels, InvokeHandlers } from '../shared/ipc';
import { CupsSession, type AllConfig, type CupsGroup, type ItemResult, type SystemConfig } from './cups';
import { SipAccount, defaultListUri, describeServer, type IncomingMessage, type PublishedStatus, type RegistrationState, type SipServer, type SipTransportKind, type TlsTrust } from './sip';
import { DeskError, asDeskError, toAppError } from './errors';
import { ClickToDial, DeskPhone, WebDialer } from './dial';
import { callControlServers } from './dial/call-control';
import { OwnPhone, PHONE_NOT_CONFIGURED, type OwnPhoneOptions } from './dial/own-phone';
import { applyDialingRules, compileRules, orderRules, type DialingRule } from './dialing';
import { ContactDirectory, directoryKey, enrichGroupsInPlace } from './directory';
import { Emitter } from './events';
import { MessageHistory } from './store/history';
import { RecoveryRedelivery, sipStatusOf } from './im-redelivery';
import type { SettingsStore } from './store/settings';
import { aorUser, normaliseAor, personaUri } from './uri';
import { TraceRecorder } from './diagnostics';
import { exportConversation } from './store/history-export';
import { secretAccount, type SecretStore } from './store/secrets';
import type { DesktopPrefs, ExportedFile } from '../shared/domain';
import { CupsFeatures, type CupsFeatureMethods } from './cups-features';
import { SettingsCertificateTrust } from './store/certificate-trust';
import { connectionHandlers } from './connection-settings';
import type { CertificateTrust } from './cups/tls-trust';

/** Contacts subscribed to per turn of the event loop at sign-in (see `watchAll`). */
const WATCH_BATCH = 50;

/** Longest IM we send or accept for display; larger ones are refused with a clear reason. */
export const MAX_IM_BYTES = 256 * 1024;

export interface DeskSessionOptions {
  info: HostInfo;
  settings: SettingsStore;
  /** Directory for IM history files (one per account). */
  historyDir: string;
  /** True when signed in to the built-in demo lab. */
  demo?: boolean;
  /** CUPS request timeout. */
  cupsTimeoutMs?: number;
  /** Extra trust for SIP over TLS (the demo lab's certificate); the setting `sipTrustedCertificate` adds to it. */
  sipTls?: TlsTrust;
  log?: (line: string) => void;
  /** The protocol trace for Diagnostics (one is made when absent). */
  trace?: TraceRecorder;
  /** Where "Remember me" keeps the password (Electron safeStorage); absent: nowhere. */
  secrets?: SecretStore;
  /** Timing of the CTI link to the phone (tests shorten the retry). */
  ctiLink?: OwnPhoneOptions['link'];
  /** Test seams: build the protocol objects (defaults are the real ones). */
  createCups?: (options: {
    server: string;
    user: string;
    password: string;
    timeoutMs?: number;
    maxResponseBytes?: number;
    trust?: CertificateTrust;
    log?: (line: string) => void;
    trace?: TraceRecorder;
  }) => CupsLike;
  createSip?: (options: ConstructorParameters<typeof SipAccount>[0]) => SipLike;
}

/** What the session needs of a CUPS session (the real `CupsSession` fits). */
export type CupsLike = Pick<
  CupsSession,
  'login' | 'logout' | 'getAllConfig' | 'addRecentComm' | 'getRecentComm' | 'addGroups' | 'modifyGroups' | 'deleteGroups' | 'addContacts' | 'modifyContacts' | 'deleteContacts'
> &
  CupsFeatureMethods;
/** What the session needs of a SIP account (the real `SipAccount` fits). */
export type SipLike = Pick<
  SipAccount,
  'uri' | 'state' | 'start' | 'stop' | 'setPresence' | 'watch' | 'unwatch' | 'sendMessage' | 'sendComposing' | 'on'
> &
  Partial<Pick<SipAccount, 'watchList'>>;

interface Connection {
  user: string;
  server: string;
  cups: CupsLike;
  sip: SipLike;
  history: MessageHistory;
  unsubscribe: Array<() => void>;
  config: AllConfig;
  dialingRules: DialingRule[];
  dialer: ClickToDial;
  recent: RecentEntry[];
  /** The corporate directory (LDAP) for contacts' numbers and name search. */
  directory: ContactDirectory;
  phone?: DeskPhone;
  /** The user's own line watched through the CTI gateway (calls → "on the phone"). */
  ownPhone: OwnPhone;
  /** The event-list URI when contacts are watched through one list subscription (RFC 4662). */
  listUri?: string;
}

type DeskEvents = { [E in EventChannel]: EventChannels[E] };

export class DeskSession implements DeskBackend {
  private readonly events = new Emitter<DeskEvents>();
  private readonly log: (line: string) => void;
  private state: SessionState = { phase: 'signed-out' };
  private own: OwnStatus = { availability: 'available', note: '' };
  /** The status before an automatic Away, restored when the user is back. */
  private autoAwayFrom: OwnStatus | undefined;
  /** The user's own phone line (CTI gateway), as last reported. */
  private phoneState: PhoneState = PHONE_NOT_CONFIGURED;
  private groups: ContactGroup[] = [];
  private readonly presence = new Map<string, Presence>();
  private connection: Connection | undefined;
  /** The SIP presence server in use, as shown in the session state. */
  private presenceServer: string | undefined;
  /** Presence updates collected during one turn of the event loop, sent as one event. */
  private pendingPresence = new Map<string, Presence>();
  private presenceFlushScheduled = false;
  /** Serialises sign-in / sign-out so a double click cannot interleave them. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  /** Serialises sending so queued messages go out in the order they were typed. */
  private sendChain: Promise<unknown> = Promise.resolve();
  /** Keeps messages queued while their recipients are still coming back after an outage. */
  private readonly redelivery = new RecoveryRedelivery();

  readonly handlers: InvokeHandlers;
  /** Every SIP, SOAP and WebDialer message of the session, masked, for Diagnostics. */
  readonly trace: TraceRecorder;
  /** Certificates the user trusted per server (CUPS and WebDialer alike). */
  private readonly trust: SettingsCertificateTrust;
  private readonly features: CupsFeatures;

  constructor(private readonly options: DeskSessionOptions) {
    this.log = options.log ?? (() => {});
    this.trace = options.trace ?? new TraceRecorder();
    this.trace.onEntry((entry) => this.events.emit('diagnostics:entry', entry));
    this.trust = new SettingsCertificateTrust(options.settings, this.log);
    this.features = new CupsFeatures({
      cups: () => this.connection?.cups,
      entity: () => this.connection?.sip.uri,
      onLongTerm: (status) => this.events.emit('longterm:changed', status),
      log: this.log,
    });
    this.handlers = {
      'app:info': () => options.info,
      'session:snapshot': () => this.snapshot(),
      'session:sign-in': (request) => this.signIn(request),
      'session:sign-out': () => this.signOut(),
      'presence:set-own': (status) => this.setOwnStatus(status),
      'presence:idle': (idle) => this.setIdle(idle),
      'im:send': (to, text) => this.sendMessage(to, text),
      'im:retry': (id) => this.retryMessage(id),
      'im:composing': (to, active) => this.sendComposing(to, active),
      'im:history': (peer) => this.connection?.history.conversation(normaliseAor(peer)) ?? [],
      'dial:preview': (number) => this.requireConnection().dialer.preview(number),
      'dial:call': (number) => this.placeCall(number),
      'recent:list': () => this.recent(),
      'contacts:add-group': (name) => this.addGroup(name),
      'contacts:rename-group': (oldName, newName) => this.renameGroup(oldName, newName),
      'contacts:delete-group': (name) => this.deleteGroup(name),
      'contacts:add': (group, who, nickname) => this.addContact(group, who, nickname),
      'contacts:rename': (group, uri, nickname) => this.renameContact(group, uri, nickname),
      'contacts:move': (from, uri, to) => this.moveContact(from, uri, to),
      'contacts:remove': (group, uri) => this.removeContact(group, uri),
      'diagnostics:list': (filter) => this.trace.list(filter),
      'diagnostics:get': (id) => {
        const entry = this.trace.get(Number(id));
        if (!entry) throw new DeskError('invalid-input', 'That message is no longer kept (the trace keeps the most recent ones).');
        return entry;
      },
      'diagnostics:export': (filter) => this.exportTrace(filter),
      'im:search': (query) => (typeof query === 'string' ? (this.connection?.history.search(query) ?? []) : []),
      'im:export': (peer, format) => this.exportConversation(peer, format),
      'desktop:prefs': () => this.desktopPrefs(),
      'desktop:set-prefs': (prefs) => this.setDesktopPrefs(prefs),
      // Windows belong to the host: Electron main answers this itself.
      'window:open-conversation': () => false,
      'tls:trust': (hostPort, fingerprint) => this.trust.trust(hostPort, fingerprint),
      ...this.features.handlers,
      ...connectionHandlers(options.settings, this.log),
      'directory:search': (text) => this.requireConnection().directory.search(text),
      'directory:status': () => this.connection?.directory.status ?? { state: 'not-configured' },
      'dial:hang-up': (callId) => this.hangUp(typeof callId === 'string' ? callId : undefined),
      'phone:control': (action, callId) => this.phoneControl(action, callId),
      'dial:devices': () => this.phoneChoice(),
      'dial:set-device': (deviceName, lineNumber) => {
        this.options.settings.update({ phoneDevice: String(deviceName ?? ''), phoneLine: String(lineNumber ?? '') });
        // Calls are now placed from that line: watch it instead.
        void this.connection?.ownPhone.start();
        return this.phoneChoice();
      },
      'dial:rules': () => {
        const rules = this.requireConnection().dialingRules;
        return [...orderRules(rules.filter((r) => r.type === 1)), ...orderRules(rules.filter((r) => r.type === 2))];
      },
      'dial:preview-directory': (number) => applyDialingRules(number, this.requireConnection().dialingRules, 'directory'),
      'presence:recent-notes': () => this.options.settings.get().recentNotes,
    };
  }

  subscribe(listener: <E extends EventChannel>(event: E, payload: EventChannels[E]) => void): () => void {
    const offs = (Object.keys(EVENT_NAMES) as EventChannel[]).map((event) =>
      this.events.on(event, (payload) => listener(event, payload as never)),
    );
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
    return {
      session: { ...this.state },
      own: { ...this.own },
      groups: this.groups,
      presence: Object.fromEntries(this.presence),
      conversations: this.connection?.history.recent() ?? {},
      signInDefaults: { server: this.state.server ?? settings.server, user: this.state.user ?? settings.user },
      idleAwayMinutes: settings.idleAwayMinutes,
      phone: this.phoneState,
    };
  }

  // ── sign-in / sign-out ────────────────────────────────────────────────────────────────

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
    const server = request.server?.trim() ?? '';
    const user = request.user?.trim() ?? '';
    if (!server) throw new DeskError('invalid-input', 'Enter the server to sign in to.');
    if (!user) throw new DeskError('invalid-input', 'Enter your user name.');
    if (!request.password) throw new DeskError('invalid-input', 'Enter your password.');
    if (this.connection) await this.doSignOut();

    this.setState({ phase: 'signing-in', user, server, demo: this.options.demo });
    const log = this.log;
    const trace = this.trace;
    // Masked verbatim too, wherever a message shape the masking rules do not know carries it.
    trace.addSecret(request.password);
    const soap = this.soapOptions();
    const cups =
      this.options.createCups?.({ server, user, password: request.password, ...soap, log, trace }) ??
      new CupsSession({ server, user, password: request.password, ...soap, log, trace });
    let sip: SipLike | undefined;
    try {
      await cups.login({ force: request.force === true });
      log(`session: signed in to CUPS ${server} as ${user}`);
      const config = await cups.getAllConfig();
      const settings = this.options.settings.get();
      const target = presenceTarget(config.system, settings.sipTransport);
      const backup = presenceBackup(config.system, settings.sipTransport);
      const domain = config.system.presence.domain || target.host;
      const tls = sipTrust(this.options.sipTls, settings.sipTrustedCertificate);
      const sipOptions = { server: target, ...(backup ? { backup } : {}), ...(tls ? { tls } : {}), domain, user, password: request.password, userAgent: `Presence Desk/${this.options.info.version}`, log, trace };
      sip = this.options.createSip?.(sipOptions) ?? new SipAccount(sipOptions);
      await sip.start();
      const inUse = (sip as Partial<Pick<SipAccount, 'server'>>).server ?? target;
      this.presenceServer = `${describeServer(inUse)}${inUse === target ? '' : ' (backup)'}`;
      log(`session: registered ${sip.uri} via ${describeServer(inUse)}${inUse === target ? '' : ` (backup; primary ${describeServer(target)} unreachable)`}`);

      const history = new MessageHistory(this.options.historyDir, `${user}@${domain}`, log);
      if (history.loadReport.badLines) log(`session: ${history.loadReport.badLines} unreadable history line(s) skipped`);
      const { rules: dialingRules, problems } = compileRules(config.dialingRules);
      for (const p of problems) log(`dialing: rule '${p.rule}' skipped: ${p.problem}`);
      const phone = this.callBackend(config.system, user, request.password);
      const dialer = new ClickToDial(() => dialingRules, phone);
      const directory = new ContactDirectory({
        system: config.system,
        rules: () => dialingRules,
        timeoutMs: this.options.cupsTimeoutMs,
        log,
        onStatus: (status) => this.connection === connection && this.events.emit('directory:status', status),
        onPeople: () => this.connection === connection && this.setGroups(this.groups),
      });
      const ownPhone = new OwnPhone({
        gateways: callControlServers(config.system).cti,
        line: () => this.phoneLine(config, phone),
        onState: (state) => this.onPhoneState(connection, state),
        log,
        trace,
        ...(this.options.ctiLink ? { link: this.options.ctiLink } : {}),
      });
      const connection: Connection = { user, server, cups, sip, history, config, dialingRules, dialer, recent: [], unsubscribe: [], directory, ownPhone, ...(phone ? { phone } : {}) };
      this.connection = connection;
      this.groups = toContactGroups(config.contacts, domain);
      this.presence.clear();
      for (const contact of this.groups.flatMap((g) => g.contacts)) this.presence.set(contact.uri, unknownPresence());
      this.wire(connection);

      await sip.setPresence(this.published());
      connection.listUri = presenceListUri(this.options.settings.get().presenceList, user, domain, sip);
      if (connection.listUri) this.syncList();
      else this.watchAll(connection, [...contactUris(this.groups)]);

      this.options.settings.update({ server, user });
      this.rememberPassword(request, user, server);
      this.setState({ phase: 'signed-in', user, server, uri: sip.uri, demo: this.options.demo, presenceServer: this.presenceServer });
      this.events.emit('contacts:changed', this.groups);
      this.flushQueue();
      // Numbers, names and titles from the directory arrive later; sign-in does not wait for them.
      void directory.lookup(this.groups.flatMap((g) => g.contacts.map((c) => c.personaId)));
      // The phone line is watched from now on; its first state arrives as an event.
      void ownPhone.start();
      return this.sessionState;
    } catch (error) {
      const appError = toAppError(error);
      log(`session: sign-in to ${server} as ${user} failed: ${appError.code}: ${appError.message}${appError.detail ? ` (${appError.detail})` : ''}`);
      this.teardownConnection();
      await sip?.stop().catch(() => undefined);
      if (appError.code !== 'auth' && appError.code !== 'already-signed-in') await cups.logout().catch(() => undefined);
      // A mistyped password is often close to the real one: keep it no longer than the attempt.
      this.trace.clearSecrets();
      this.groups = [];
      this.presence.clear();
      this.setState({ phase: 'signed-out', user, server, error: appError, demo: this.options.demo });
      this.events.emit('contacts:changed', this.groups);
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
    this.groups = [];
    this.presence.clear();
    this.setState({ phase: 'signed-out', user: this.state.user, server: this.state.server, demo: this.options.demo });
    this.events.emit('contacts:changed', this.groups);
    return this.sessionState;
  }

  private teardownConnection(): void {
    this.presenceServer = undefined;
    this.redelivery.cancel();
    if (!this.connection) return;
    void this.connection.directory.close();
    void this.connection.ownPhone.stop();
    if (this.phoneState !== PHONE_NOT_CONFIGURED) {
      this.phoneState = PHONE_NOT_CONFIGURED;
      this.events.emit('phone:state', this.phoneState);
    }
    for (const off of this.connection.unsubscribe) off();
    this.connection = undefined;
  }

  /** Signs out and releases everything (called on quit). */
  async close(): Promise<void> {
    await this.signOut().catch(() => undefined);
    this.events.clear();
  }

  // ── protocol events → state + renderer events ─────────────────────────────────────────

  private wire(connection: Connection): void {
    const { sip } = connection;
    connection.unsubscribe.push(
      sip.on('state', (state) => this.onRegistration(connection, state)),
      sip.on('presence', (uri, presence) => this.onPresence(uri, presence)),
      sip.on('message', (message) => this.onIncoming(connection, message)),
      sip.on('composing', ({ from, active }) => this.events.emit('im:composing', { peer: normaliseAor(from), active })),
      sip.on('server', (server) => this.onServer(connection, server)),
    );
  }

  /** The SIP account moved to another presence server (failover, or back to the primary). */
  private onServer(connection: Connection, server: SipServer): void {
    if (this.connection !== connection) return;
    const primary = presenceTarget(connection.config.system, this.options.settings.get().sipTransport);
    const backup = server.host !== primary.host || server.port !== primary.port;
    this.presenceServer = `${describeServer(server)}${backup ? ' (backup)' : ''}`;
    this.log(`session: presence server in use: ${this.presenceServer}`);
    if (this.state.phase === 'signed-in' || this.state.phase === 'reconnecting') this.setState({ ...this.state, presenceServer: this.presenceServer });
  }

  /**
   * Subscribes to every contact, a batch per turn of the event loop: each SUBSCRIBE, its
   * challenge and its first NOTIFY cost sip.js real parsing time, and thousands of them in one
   * go would keep the host from answering the renderer (or the server's other traffic) for
   * seconds. Small lists are subscribed at once.
   */
  private watchAll(connection: Connection, uris: string[]): void {
    let at = 0;
    const batch = () => {
      if (this.connection !== connection) return; // signed out meanwhile
      for (const end = Math.min(uris.length, at + WATCH_BATCH); at < end; at++) connection.sip.watch(uris[at]);
      if (at < uris.length) setImmediate(batch);
    };
    batch();
  }

  private onRegistration(connection: Connection, state: RegistrationState): void {
    if (this.connection !== connection) return;
    const base = { user: connection.user, server: connection.server, uri: connection.sip.uri, demo: this.options.demo, presenceServer: this.presenceServer };
    if (state === 'registered') {
      if (this.state.phase !== 'signed-in') {
        this.log('session: registered again; flushing queued messages');
        this.redelivery.recovered();
        this.setState({ phase: 'signed-in', ...base });
        // Re-assert our presence after a server restart: the server may have lost it.
        connection.sip.setPresence(this.published()).catch((e) => this.log(`session: re-publish failed: ${toAppError(e).message}`));
      }
      this.flushQueue();
    } else if (state === 'reconnecting' || state === 'failed' || state === 'registering') {
      if (this.state.phase === 'signed-in') {
        this.setState({
          phase: 'reconnecting',
          ...base,
          error: { code: 'sip', message: `Lost the connection to the presence server; reconnecting…` },
        });
      }
    }
  }

  private onPresence(rawUri: string, presence: Presence): void {
    const uri = normaliseAor(rawUri);
    this.presence.set(uri, presence);
    this.pendingPresence.set(uri, presence);
    if (this.presenceFlushScheduled) return;
    this.presenceFlushScheduled = true;
    // Many NOTIFYs arrive in bursts (sign-in, RLS lists): send them as one event per turn.
    setImmediate(() => {
      this.presenceFlushScheduled = false;
      const updates: PresenceUpdate[] = [...this.pendingPresence].map(([u, p]) => ({ uri: u, presence: p }));
      this.pendingPresence = new Map();
      if (updates.length) this.events.emit('presence:changed', updates);
    });
  }

  private onIncoming(connection: Connection, incoming: IncomingMessage): void {
    const text = incoming.text.length > MAX_IM_BYTES ? `${incoming.text.slice(0, MAX_IM_BYTES)}…` : incoming.text;
    const message: ChatMessage = {
      id: `in:${incoming.id}`,
      peer: normaliseAor(incoming.from),
      direction: 'in',
      text,
      at: incoming.at,
      state: 'received',
    };
    if (!connection.history.add(message)) return; // a retransmission: already shown
    this.events.emit('im:message', message);
    this.noteImConversation(connection, message);
  }

  // ── own status ────────────────────────────────────────────────────────────────────────

  /**
   * Automatic Away: only an Available user goes Away when idle (Busy, Do not disturb and
   * Invisible are deliberate and stay), with the same note; coming back restores Available
   * unless the user changed the status by hand meanwhile.
   */
  async setIdle(idle: boolean): Promise<OwnStatus> {
    if (idle && !this.autoAwayFrom && this.own.availability === 'available') {
      this.autoAwayFrom = { ...this.own };
      await this.publishOwn({ availability: 'away', note: this.own.note });
    } else if (!idle && this.autoAwayFrom) {
      const back = this.autoAwayFrom;
      this.autoAwayFrom = undefined;
      if (this.own.availability === 'away') await this.publishOwn(back);
    }
    return { ...this.own };
  }

  /**
   * What watchers see: the chosen status, except "On the phone" while the user's phone is in
   * a call and they are Available, Away or Busy. Do not disturb says more, and Invisible must
   * never show a call.
   */
  private published(): PublishedStatus {
    const showCall = isOnThePhone(this.phoneState) && (this.own.availability === 'available' || this.own.availability === 'away' || this.own.availability === 'busy');
    return showCall ? { availability: 'on-the-phone', note: this.own.note } : { ...this.own };
  }

  private onPhoneState(connection: Connection, state: PhoneState): void {
    if (this.connection !== connection) return;
    const wasOnThePhone = isOnThePhone(this.phoneState);
    this.phoneState = state;
    this.events.emit('phone:state', state);
    if (wasOnThePhone === isOnThePhone(state)) return;
    this.log(`session: ${isOnThePhone(state) ? 'on the phone' : 'off the phone'} (line ${state.line ?? '?'})`);
    if (this.state.phase === 'signed-in') {
      connection.sip.setPresence(this.published()).catch((e) => this.log(`session: publishing the phone state failed: ${toAppError(e).message}`));
    }
  }

  async setOwnStatus(status: OwnStatus): Promise<OwnStatus> {
    this.autoAwayFrom = undefined; // a choice by hand ends any automatic Away
    return this.publishOwn(status);
  }

  private async publishOwn(status: OwnStatus): Promise<OwnStatus> {
    const note = (status.note ?? '').slice(0, 512);
    this.own = { availability: status.availability, note };
    this.events.emit('presence:own', { ...this.own });
    if (note) {
      const recent = [note, ...this.options.settings.get().recentNotes.filter((n) => n !== note)].slice(0, 10);
      this.options.settings.update({ recentNotes: recent });
    }
    const connection = this.connection;
    if (connection && this.state.phase === 'signed-in') {
      try {
        await connection.sip.setPresence(this.published());
      } catch (error) {
        throw asDeskError(error);
      }
    }
    return { ...this.own };
  }

  // ── instant messages ──────────────────────────────────────────────────────────────────

  async sendMessage(to: string, text: string): Promise<ChatMessage> {
    const connection = this.requireConnection();
    if (typeof text !== 'string' || !text.trim()) throw new DeskError('invalid-input', 'The message is empty.');
    if (Buffer.byteLength(text, 'utf8') > MAX_IM_BYTES) {
      throw new DeskError('invalid-input', `The message is too long (more than ${MAX_IM_BYTES / 1024} KB).`);
    }
    const message: ChatMessage = {
      id: `out:${randomUUID()}`,
      peer: normaliseAor(to),
      direction: 'out',
      text,
      at: Date.now(),
      state: 'queued',
    };
    connection.history.add(message);
    this.events.emit('im:message', { ...message });
    this.noteImConversation(connection, message);
    this.flushQueue();
    return message;
  }

  async retryMessage(id: string): Promise<ChatMessage> {
    const connection = this.requireConnection();
    const message = connection.history.get(id);
    if (!message || message.direction !== 'out') throw new DeskError('invalid-input', 'There is no such outgoing message.');
    if (message.state !== 'failed') return { ...message };
    const queued = connection.history.setState(id, 'queued')!;
    this.events.emit('im:message', queued);
    this.flushQueue();
    return queued;
  }

  /**
   * Sends every queued message in order, one at a time, when the account is registered.
   * A message that fails stays in the history as `failed` with the server's reason; while the
   * link is down messages stay `queued` and this runs again on re-registration.
   */
  private flushQueue(): void {
    this.sendChain = this.sendChain.then(async () => {
      const connection = this.connection;
      if (!connection || this.state.phase !== 'signed-in') return;
      const held = new Set<string>();
      for (const pending of connection.history.pending()) {
        if (this.connection !== connection || this.state.phase !== 'signed-in') return;
        if (held.has(pending.peer)) continue; // keep this peer's messages in order
        this.events.emit('im:message', connection.history.setState(pending.id, 'sending')!);
        try {
          const result = await connection.sip.sendMessage(pending.peer, pending.text);
          this.events.emit('im:message', connection.history.setState(pending.id, result?.stored ? 'stored' : 'sent')!);
        } catch (error) {
          const appError = toAppError(error);
          if (this.connection !== connection || this.state.phase !== 'signed-in' || linkError(appError.code)) {
            // The link went down under us: keep it queued for the next registration.
            this.events.emit('im:message', connection.history.setState(pending.id, 'queued')!);
            return;
          }
          if (this.redelivery.holds(sipStatusOf(error))) {
            this.log(`im: ${pending.peer} is not reachable yet after the reconnection (${appError.message}); trying again shortly`);
            this.events.emit('im:message', connection.history.setState(pending.id, 'queued')!);
            held.add(pending.peer);
            continue;
          }
          this.log(`im: message to ${pending.peer} failed: ${appError.message}`);
          this.events.emit('im:message', connection.history.setState(pending.id, 'failed', appError.message)!);
        }
      }
      if (held.size) this.redelivery.schedule(() => this.flushQueue());
    });
  }

  async sendComposing(to: string, active: boolean): Promise<void> {
    const connection = this.connection;
    if (!connection || this.state.phase !== 'signed-in') return;
    // Composing indications are advisory: a failure is logged, never shown as an error.
    await connection.sip.sendComposing(normaliseAor(to), active).catch((e) => this.log(`im: composing to ${to}: ${toAppError(e).message}`));
  }

  // ── contact list editing ──────────────────────────────────────────────────────────────

  /**
   * Applies a change to the list at once (the UI shows it immediately), then asks the server.
   * If the server refuses any item, the list goes back to how it was and the error carries the
   * server's own words. Presence subscriptions follow the list.
   */
  private async changeList(what: string, apply: (groups: ContactGroup[]) => void, send: (cups: CupsLike) => Promise<ItemResult<unknown>[]>): Promise<ContactGroup[]> {
    const connection = this.requireConnection();
    const before = this.groups;
    const after = structuredClone(before);
    apply(after);
    this.setGroups(after);
    try {
      const results = await send(connection.cups);
      const refused = results.find((r) => !r.ok);
      if (refused) throw new DeskError('soap-fault', `${what} failed: ${refused.status}`);
      if (results.length === 0) throw new DeskError('parse', `${what} failed: the server did not say whether it worked.`);
      this.syncList();
    } catch (error) {
      if (this.groups === after) this.setGroups(before);
      this.syncList();
      const app = toAppError(error);
      this.log(`contacts: ${what} failed: ${app.message}`);
      throw error instanceof DeskError ? error : new DeskError(app.code, `${what} failed: ${app.message}`, app.detail);
    }
    return this.groups;
  }

  private setGroups(raw: ContactGroup[]): void {
    const directory = this.connection?.directory;
    const groups = directory ? enrichGroupsInPlace(raw, directory.people) : raw;
    const had = contactUris(this.groups);
    const has = contactUris(groups);
    this.groups = groups;
    const sip = this.connection?.sip;
    // With an event list, members follow the server's list once the server confirmed the change (syncList).
    const perContact = !this.connection?.listUri;
    for (const uri of has) {
      if (had.has(uri)) continue;
      if (!this.presence.has(uri)) this.presence.set(uri, unknownPresence());
      if (perContact) sip?.watch(uri);
    }
    const unknown = groups.flatMap((g) => g.contacts).filter((c) => !had.has(c.uri) && !directory?.people.has(directoryKey(c.personaId)));
    if (directory && unknown.length > 0) void directory.lookup(unknown.map((c) => c.personaId));
    for (const uri of had) {
      if (has.has(uri)) continue;
      this.presence.delete(uri);
      if (perContact) sip?.unwatch(uri);
    }
    this.events.emit('contacts:changed', groups);
  }

  /** Event-list mode: the list subscription follows the contact list (it re-reads the server's list). */
  private syncList(): void {
    const connection = this.connection;
    if (!connection?.listUri) return;
    connection.sip.watchList?.(connection.listUri, [...contactUris(this.groups)]);
  }

  private group(name: string, groups = this.groups): ContactGroup {
    const group = groups.find((g) => g.name === name);
    if (!group) throw new DeskError('invalid-input', `There is no group "${name}".`);
    return group;
  }

  private contactIn(group: ContactGroup, uri: string): Contact {
    const contact = group.contacts.find((c) => c.uri === normaliseAor(uri));
    if (!contact) throw new DeskError('invalid-input', `${uri.replace(/^sip:/, '')} is not in "${group.name || 'Contacts'}".`);
    return contact;
  }

  private get domain(): string {
    return this.connection?.config.system.presence.domain || '';
  }

  /** What CUPS calls a persona id: the user part for our own domain, the address otherwise. */
  private personaIdOf(who: string): string {
    const aor = normaliseAor(who.includes('@') || /^sips?:/i.test(who) ? who : `sip:${who}@${this.domain}`);
    return aor.endsWith(`@${this.domain.toLowerCase()}`) ? aorUser(aor) : aor.slice(4);
  }

  async addGroup(rawName: string): Promise<ContactGroup[]> {
    const name = rawName.trim();
    if (!name) throw new DeskError('invalid-input', 'Enter a name for the group.');
    if (this.groups.some((g) => g.name === name)) throw new DeskError('invalid-input', `There is already a group "${name}".`);
    const index = Math.max(0, ...this.groups.map((g) => g.index)) + 1;
    return this.changeList(`Adding the group "${name}"`, (groups) => groups.push({ name, index, contacts: [] }), (cups) => cups.addGroups([{ name, index }]));
  }

  async renameGroup(oldName: string, rawNew: string): Promise<ContactGroup[]> {
    const newName = rawNew.trim();
    this.group(oldName);
    if (!newName) throw new DeskError('invalid-input', 'Enter a name for the group.');
    if (newName !== oldName && this.groups.some((g) => g.name === newName)) throw new DeskError('invalid-input', `There is already a group "${newName}".`);
    return this.changeList(`Renaming "${oldName}"`, (groups) => (this.group(oldName, groups).name = newName), (cups) => cups.modifyGroups([{ oldName, newName }]));
  }

  async deleteGroup(name: string): Promise<ContactGroup> {
    const removed = structuredClone(this.group(name));
    await this.changeList(`Deleting the group "${name}"`, (groups) => groups.splice(groups.findIndex((g) => g.name === name), 1), (cups) => cups.deleteGroups([name]));
    return removed;
  }

  async addContact(groupName: string, who: string, nickname = ''): Promise<ContactGroup[]> {
    const group = this.group(groupName);
    if (!who.trim()) throw new DeskError('invalid-input', 'Enter a user name or SIP address.');
    const personaId = this.personaIdOf(who.trim());
    const uri = personaUri(personaId, this.domain);
    if (group.contacts.some((c) => c.uri === uri)) throw new DeskError('invalid-input', `${personaId} is already in "${groupName || 'Contacts'}".`);
    const index = Math.max(0, ...group.contacts.map((c) => c.index)) + 1;
    const contact: Contact = { personaId, uri, nickname: nickname.trim(), displayName: nickname.trim() || aorUser(uri), index, displayOnPhone: false, numbers: [] };
    return this.changeList(
      `Adding ${personaId}`,
      (groups) => this.group(groupName, groups).contacts.push(contact),
      (cups) => cups.addContacts([{ group: groupName, personaId, index, ...(contact.nickname ? { nickname: contact.nickname } : {}) }]),
    );
  }

  async renameContact(groupName: string, uri: string, rawNickname: string): Promise<ContactGroup[]> {
    const contact = this.contactIn(this.group(groupName), uri);
    const nickname = rawNickname.trim();
    return this.changeList(
      `Renaming ${contact.displayName}`,
      (groups) => {
        const c = this.contactIn(this.group(groupName, groups), uri);
        c.nickname = nickname;
        c.displayName = nickname || aorUser(c.uri);
      },
      (cups) => cups.modifyContacts([{ group: groupName, personaId: contact.personaId, nickname }]),
    );
  }

  /** CUPS has no move: the contact is added to the new group, then removed from the old one. */
  async moveContact(fromGroup: string, uri: string, toGroup: string): Promise<ContactGroup[]> {
    const contact = this.contactIn(this.group(fromGroup), uri);
    const target = this.group(toGroup);
    if (fromGroup === toGroup) return this.groups;
    if (target.contacts.some((c) => c.uri === contact.uri)) throw new DeskError('invalid-input', `${contact.displayName} is already in "${toGroup}".`);
    const index = Math.max(0, ...target.contacts.map((c) => c.index)) + 1;
    const spec = { personaId: contact.personaId, ...(contact.nickname ? { nickname: contact.nickname } : {}), displayOnPhone: contact.displayOnPhone };
    return this.changeList(
      `Moving ${contact.displayName}`,
      (groups) => {
        const from = this.group(fromGroup, groups);
        from.contacts = from.contacts.filter((c) => c.uri !== contact.uri);
        this.group(toGroup, groups).contacts.push({ ...contact, index });
      },
      async (cups) => {
        const added = await cups.addContacts([{ group: toGroup, index, ...spec }]);
        if (added.some((r) => !r.ok)) return added;
        const removed = await cups.deleteContacts([{ group: fromGroup, personaId: contact.personaId }]);
        // Leave nothing half-done on the server: take the new copy away again.
        if (removed.some((r) => !r.ok)) await cups.deleteContacts([{ group: toGroup, personaId: contact.personaId }]).catch(() => undefined);
        return [...added, ...removed];
      },
    );
  }

  async removeContact(groupName: string, uri: string): Promise<Contact> {
    const contact = structuredClone(this.contactIn(this.group(groupName), uri));
    await this.changeList(
      `Removing ${contact.displayName}`,
      (groups) => {
        const g = this.group(groupName, groups);
        g.contacts = g.contacts.filter((c) => c.uri !== contact.uri);
      },
      (cups) => cups.deleteContacts([{ group: groupName, personaId: contact.personaId }]),
    );
    return contact;
  }

  // ── click-to-dial and recent communications ───────────────────────────────────────────

  /**
   * WebDialer runs on the call-control server the configuration names (`CallControl.Primary`);
   * it is reached over HTTPS unless the configuration says HTTP. No address: calls are handed
   * to the system's `tel:` handler.
   */
  private callBackend(system: SystemConfig, user: string, password: string): DeskPhone | undefined {
    const server = callControlServers(system).webDialer;
    if (!server) return undefined;
    const webDialer = new WebDialer({
      server,
      user,
      password,
      ...this.soapOptions(),
      log: this.log,
      trace: this.trace,
    });
    // The device and line chosen in Settings → Phone, else the first WebDialer reports.
    return new DeskPhone(webDialer, user, () => {
      const { phoneDevice, phoneLine } = this.options.settings.get();
      return phoneDevice ? { deviceName: phoneDevice, lineNumber: phoneLine } : undefined;
    });
  }

  /**
   * The line the CTI gateway watches: the one calls are placed from (Settings → Phone), else
   * the configuration's `CallControl.Lineid`, else WebDialer's first line, else the user's
   * primary number.
   */
  private async phoneLine(config: AllConfig, phone: DeskPhone | undefined): Promise<string | undefined> {
    const chosen = this.options.settings.get().phoneLine;
    if (chosen) return chosen;
    const configured = config.user.properties['CallControl.Lineid']?.value.trim();
    if (configured) return configured;
    const fromWebDialer = phone ? (await phone.profile().catch(() => undefined))?.lineNumber : undefined;
    return fromWebDialer || config.user.properties['PhoneNumber.Primary']?.value.trim() || undefined;
  }

  /**
   * Hang up: through the CTI gateway when it shows a call in progress (it names the exact
   * call, whoever placed it), else through WebDialer (which ends the call it placed).
   */
  private async hangUp(callId?: string): Promise<void> {
    const connection = this.requireConnection();
    const inProgress = this.phoneState.link === 'monitoring' && this.phoneState.calls.some((c) => (callId ? c.id === callId : c.state !== 'ringing'));
    if (inProgress || !connection.phone) {
      try {
        return await connection.ownPhone.control('clear', callId);
      } catch (error) {
        if (!connection.phone) throw new DeskError('config', (error as Error).message);
        this.log(`dial: hang-up through the CTI gateway failed (${(error as Error).message}); asking WebDialer`);
      }
    }
    return connection.dialer.hangUp();
  }

  private async phoneControl(action: unknown, callId: unknown): Promise<void> {
    if (!PHONE_ACTIONS.includes(action as PhoneAction)) throw new DeskError('invalid-input', `Unknown phone action "${String(action)}".`);
    if (typeof callId !== 'string' || !callId) throw new DeskError('invalid-input', 'Which call? No call was named.');
    const connection = this.requireConnection();
    if (this.phoneState.link !== 'monitoring') throw new DeskError('config', this.phoneState.error ?? 'Your phone is not watched through a CTI gateway, so its calls cannot be controlled from here.');
    try {
      await connection.ownPhone.control(action as PhoneAction, callId);
    } catch (error) {
      throw new DeskError('cti', (error as Error).message);
    }
  }

  private async phoneChoice(): Promise<PhoneChoice> {
    const phone = this.requireConnection().phone;
    if (!phone) return { devices: [], error: "The server's configuration names no WebDialer (CallControl.Primary); calls go to the system's tel: handler." };
    return phone.choice();
  }

  private async placeCall(number: string): Promise<RecentEntry> {
    const connection = this.requireConnection();
    let placed;
    try {
      placed = await connection.dialer.dial(number);
    } catch (error) {
      const app = toAppError(error);
      this.log(`dial: call to ${number} not placed: ${app.message}`);
      throw new DeskError(app.code, `The call was not placed: ${app.message}`, app.detail, app.certificate);
    }
    const entry: RecentEntry = {
      id: `call:${randomUUID()}`,
      kind: 'call',
      at: placed.at,
      target: number,
      dialed: placed.plan.dial,
      ...(placed.plan.rule ? { rule: placed.plan.rule.name } : {}),
      source: 'local',
    };
    connection.recent.unshift(entry);
    this.events.emit('recent:added', entry);
    // The server's list too, so other clients see it; a failure there does not undo the call.
    connection.cups
      .addRecentComm({ timestamp: new Date(entry.at).toISOString(), type: 2, data: { what: placed.plan.dial, number } })
      .catch((e) => this.log(`recent: add-recent-comm failed: ${toAppError(e).message}`));
    return entry;
  }

  /** Local entries of this session, then the server's list (older sessions, other clients). */
  private async recent(): Promise<RecentEntry[]> {
    const connection = this.requireConnection();
    let server: RecentEntry[] = [];
    try {
      server = (await connection.cups.getRecentComm()).map((r, i) => ({
        id: `server:${i}:${r.timestamp}`,
        kind: r.type === 1 ? 'im' : 'call',
        at: Date.parse(r.timestamp) || 0,
        target: r.data.number ?? r.data.what ?? '',
        ...(r.data.what ? { dialed: r.data.what } : {}),
        source: 'server',
      }));
    } catch (e) {
      this.log(`recent: get-recent-comm failed: ${toAppError(e).message}`);
    }
    // A call of this session is on the server's list too: show it once (timestamps round to seconds).
    const known = (r: RecentEntry) => connection.recent.some((l) => l.dialed === r.dialed && Math.abs(l.at - r.at) < 2000);
    const merged = [...connection.recent, ...server.filter((r) => !known(r))];
    return merged.sort((a, b) => b.at - a.at);
  }

  /** SOAP limits from settings (an explicit `cupsTimeoutMs` wins) and the user's certificate trust. */
  private soapOptions(): { timeoutMs: number; maxResponseBytes: number; trust: CertificateTrust } {
    const settings = this.options.settings.get();
    return { timeoutMs: this.options.cupsTimeoutMs ?? settings.soapTimeoutSeconds * 1000, maxResponseBytes: settings.soapMaxResponseMB * 1024 * 1024, trust: this.trust };
  }

  private requireConnection(): Connection {
    if (!this.connection) throw new DeskError('invalid-input', 'Sign in first.');
    return this.connection;
  }

  /**
   * Each IM conversation goes on the server's recent-communications list once per local day
   * (its first message of the day, either direction), so other clients show it too; the
   * history decides, so a restart the same day does not add it again.
   */
  private noteImConversation(connection: Connection, message: ChatMessage): void {
    if (connection.history.hasOtherOnDay(message.peer, message.at, message.id)) return;
    connection.cups
      .addRecentComm({ timestamp: new Date(message.at).toISOString(), type: 1, data: { what: message.peer } })
      .catch((e) => this.log(`recent: add-recent-comm for the conversation with ${message.peer} failed: ${toAppError(e).message}`));
  }

  private exportTrace(filter?: Parameters<TraceRecorder['list']>[0]): ExportedFile {
    const text = this.trace.exportText(filter ?? {}, { version: this.options.info.version, account: this.state.user && this.state.server ? `${this.state.user} on ${this.state.server}` : undefined });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    return { fileName: `presence-desk-trace-${stamp}.txt`, mimeType: 'text/plain', text };
  }

  private exportConversation(peer: string, format: 'text' | 'json'): ExportedFile {
    const connection = this.requireConnection();
    const uri = normaliseAor(String(peer));
    const contact = this.groups.flatMap((g) => g.contacts).find((c) => c.uri === uri);
    return exportConversation(uri, connection.history.conversation(uri), format === 'json' ? 'json' : 'text', {
      self: connection.user,
      peer: contact?.displayName ?? aorUser(uri),
    });
  }

  private desktopPrefs(): DesktopPrefs {
    const { autoStart, imSound } = this.options.settings.get();
    return { autoStart, imSound };
  }

  private setDesktopPrefs(prefs: Partial<DesktopPrefs>): DesktopPrefs {
    const patch: Partial<DesktopPrefs> = {};
    if (typeof prefs?.autoStart === 'boolean') patch.autoStart = prefs.autoStart;
    if (typeof prefs?.imSound === 'boolean') patch.imSound = prefs.imSound;
    this.options.settings.update(patch);
    return this.desktopPrefs();
  }

  /** "Remember me": kept only where the host has an OS keychain; unticked forgets it. */
  private rememberPassword(request: SignInRequest, user: string, server: string): void {
    const secrets = this.options.secrets;
    if (!secrets || request.remember === undefined) return;
    const account = secretAccount(user, server);
    try {
      if (request.remember && secrets.available) secrets.set(account, request.password);
      else secrets.delete(account);
    } catch (e) {
      this.log(`session: the password could not be kept: ${toAppError(e).message}`);
    }
  }

  /** The host passes on what the OS asked to open (a tel: link, a sip:/im: address). */
  requestOpen(request: OpenRequest): void {
    this.events.emit('app:open', request);
  }

  private setState(state: SessionState): void {
    this.state = Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined)) as unknown as SessionState;
    this.events.emit('session:state', { ...this.state });
  }
}

const EVENT_NAMES: Record<EventChannel, true> = {
  'session:state': true,
  'contacts:changed': true,
  'presence:changed': true,
  'presence:own': true,
  'im:message': true,
  'im:composing': true,
  'recent:added': true,
  'app:open': true,
  'diagnostics:entry': true,
  'longterm:changed': true,
  'directory:status': true,
  'phone:state': true,
};

function linkError(code: string): boolean {
  return code === 'unreachable' || code === 'timeout';
}

function unknownPresence(): Presence {
  return { availability: 'unknown', note: '', updatedAt: 0, devices: [] };
}

/** Where to REGISTER: the server's Presence.Primary address, with the user's transport override. */
/** Every contact's address once, whichever groups they are in. */
function contactUris(groups: ContactGroup[]): Set<string> {
  return new Set(groups.flatMap((g) => g.contacts.map((c) => c.uri)));
}

export function presenceTarget(system: SystemConfig, override: 'auto' | SipTransportKind = 'auto'): SipServer {
  const primary = system.presence.primary;
  if (!primary?.host) {
    throw new DeskError('config', "The server's configuration names no presence server (Presence.Primary.Address).");
  }
  return sipServer(primary, override);
}

/** The server's Presence.Backup address (used while the primary is unreachable), if it names one. */
export function presenceBackup(system: SystemConfig, override: 'auto' | SipTransportKind = 'auto'): SipServer | undefined {
  const backup = system.presence.backup;
  return backup?.host ? sipServer(backup, override) : undefined;
}

function sipServer(address: { host: string; port?: number; protocol?: SipTransportKind }, override: 'auto' | SipTransportKind): SipServer {
  // No protocol in the configuration: TCP (reliable, and large NOTIFYs do not fragment).
  const configured = address.protocol ?? 'tcp';
  const transport = override === 'auto' ? configured : override;
  // RFC 3261 §19.1.2 default ports: 5060 for UDP and TCP, 5061 for TLS. A port that is the
  // configured protocol's default does not carry over to an overridden TLS-or-not choice.
  const standard = (t: SipTransportKind) => (t === 'tls' ? 5061 : 5060);
  const port = address.port === undefined || (address.port === standard(configured) && standard(transport) !== standard(configured)) ? standard(transport) : address.port;
  return { host: address.host, port, transport };
}

/** The extra TLS trust: the host's (demo lab certificate) plus the user's setting. */
function sipTrust(fromHost: TlsTrust | undefined, fromSettings: string): TlsTrust | undefined {
  const ca = [fromHost?.ca, fromSettings.trim()].filter(Boolean).join('\n');
  if (!ca && !fromHost?.pinnedSha256) return fromHost;
  return { ...fromHost, ...(ca ? { ca } : {}) };
}

/**
 * The event-list URI to watch contacts through, from the `presenceList` setting ('' = one
 * subscription per contact, 'auto' = `sip:<user>-list@<domain>`, or a SIP URI); undefined when
 * per contact, or when the SIP account cannot watch lists.
 */
export function presenceListUri(setting: string | undefined, user: string, domain: string, sip: SipLike): string | undefined {
  if (!setting || !sip.watchList) return undefined;
  return setting === 'auto' ? defaultListUri(user, domain) : setting;
}

/**
 * CUPS contact list → the renderer's groups, in the server's document order (the renderer's
 * "Server order"); a group or contact the server gave no index sorts by its position.
 */
export function toContactGroups(groups: CupsGroup[], domain: string): ContactGroup[] {
  return groups
    .map((group, gi) => ({
      name: group.name,
      index: group.index ?? gi,
      contacts: group.contacts
        .map((c, ci): Contact => {
          const uri = personaUri(c.personaId, domain);
          return {
            personaId: c.personaId,
            uri,
            nickname: c.nickname ?? '',
            displayName: c.nickname || aorUser(uri),
            index: c.index ?? ci,
            displayOnPhone: c.displayOnPhone ?? false,
            numbers: [],
          };
        }),
    }));
}
