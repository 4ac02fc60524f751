/**
 * CmeSession: the app signed in to a Cisco Unified CME router. It sits beside DeskSession (the
 * CUPS session) behind the same small interface (`ServerSession`, core/session/server-session.ts)
 * and answers the channels a router can serve: the buddy list (the user's speed dials), line
 * state as presence, the own phone, directory search, click-to-dial with the dialing preview,
 * and the site's configuration for Settings → Account.
 *
 * ```
 *                 signIn()            ISgetUser … ISgetEvtCounts ok
 *   SignedOut ───────────> SigningIn ───────────────────────────> SignedIn
 *       ^                     │ any error (state.error says which)   │  ^  a poll works again
 *       └─────────────────────┘                    a poll failed     v  │
 *       └──────────────── signOut() ─────────────────────────── Reconnecting
 * ```
 * Line changes arrive through the router's event tables (line-watch.ts), so a colleague's line
 * going in use shows within a poll interval (500 ms) plus one request's time.
 */
import { randomUUID } from 'node:crypto';
import type {
  CmeSiteInfo,
  ContactGroup,
  DirectoryStatus,
  OwnStatus,
  PhoneState,
  Presence,
  RecentEntry,
  SessionState,
  SignInRequest,
} from '../../shared/domain';
import type { EventChannel, EventChannels, InvokeHandlers } from '../../shared/ipc';
import { ClickToDial } from '../dial/click-to-dial';
import { applyDialingRules } from '../dialing';
import { DeskError, asDeskError, toAppError } from '../errors';
import { Emitter } from '../events';
import type { TraceSink } from '../trace';
import type { SettingsCertificateTrust } from '../store/certificate-trust';
import type { SecretStore } from '../store/secrets';
import type { SettingsStore } from '../store/settings';
import { rememberPassword } from '../session/remember-password';
import { CmeClient } from './client';
import { cmeEndpoint, type IxiOptions } from './ixi';
import { LineWatch } from './line-watch';
import { deviceKeyOf, idsOf, keyOf, linePresence, namesByNumber, ownPhoneState, searchDirectory, siteInfo, speedDialGroup, withLineOf } from './office';
import { CmeSipPresence, cmeSipTarget, mergedPresence, type CmeSipPresenceOptions } from './sip-presence';
import type { CmeDevice, CmeDirectoryEntry, CmeExtension, CmeSiteConfig } from './types';

type Events = { [E in EventChannel]: EventChannels[E] };

/** The channels a CME router answers; every other channel is refused in words by the router of sessions. */
export type CmeChannel =
  | 'session:snapshot'
  | 'session:sign-in'
  | 'session:sign-out'
  | 'presence:set-own'
  | 'presence:idle'
  | 'presence:recent-notes'
  | 'directory:search'
  | 'directory:status'
  | 'dial:preview'
  | 'dial:preview-directory'
  | 'dial:call'
  | 'dial:rules'
  | 'dial:devices'
  | 'recent:list'
  | 'account:site'
  | 'tls:trust';

export interface CmeSessionOptions {
  settings: SettingsStore;
  /** The user's trusted certificates; a router's refused certificate is trusted through it. */
  trust: SettingsCertificateTrust;
  trace?: TraceSink;
  log?: (line: string) => void;
  demo?: boolean;
  /** Where "Remember me" keeps the password (Electron safeStorage); absent: nowhere. */
  secrets?: SecretStore;
  /** Line-event poll interval (default 500 ms). */
  pollIntervalMs?: number;
  /** Request time limit; default from the settings' SOAP limit. */
  timeoutMs?: number;
  /** The app's version for the SIP User-Agent. */
  userAgent?: string;
  /** Test seam: builds the SIP account of the router's SIP presence (default the real one). */
  createSip?: CmeSipPresenceOptions['createSip'];
}

interface Office {
  client: CmeClient;
  host: string;
  user: string;
  server: string;
  own?: string;
  ownDevice?: CmeDevice;
  site: CmeSiteInfo;
  /** The router's configuration as read (SIP presence is decided from it). */
  config: CmeSiteConfig;
  directory: CmeDirectoryEntry[];
  groups: ContactGroup[];
  /** Extension tag → its number, for the lines the app shows (speed dials and own). */
  watched: Map<string, CmeExtension>;
  devices: Map<string, CmeDevice>;
  /** What each contact shows: SIP presence where they have it, else line state. */
  presence: Record<string, Presence>;
  /** Line state as presence, by contact address. */
  line: Record<string, Presence>;
  /** SIP presence as last received, by contact address. */
  sipPresence: Record<string, Presence>;
  /** The router's SIP presence, while registered there. */
  sip?: CmeSipPresence;
  /** Why SIP presence is not in use, in words, when it failed. */
  sipError?: string;
  phone: PhoneState;
  dialer: ClickToDial;
  recent: RecentEntry[];
  watch: LineWatch;
}

export class CmeSession {
  private readonly events = new Emitter<Events>();
  private readonly log: (line: string) => void;
  private state: SessionState = { phase: 'signed-out', serverType: 'cme' };
  private office: Office | undefined;
  private own: OwnStatus = { availability: 'available', note: '' };
  readonly handlers: Pick<InvokeHandlers, CmeChannel>;

  constructor(private readonly options: CmeSessionOptions) {
    this.log = options.log ?? (() => {});
    const office = () => {
      if (!this.office) throw new DeskError('invalid-input', 'Sign in first.');
      return this.office;
    };
    this.handlers = {
      'session:snapshot': () => this.snapshot(),
      'session:sign-in': (request) => this.signIn(request),
      'session:sign-out': () => this.signOut(),
      // The router has no presence to publish to: the chosen status is kept on this computer only.
      'presence:set-own': (status) => this.setOwn(status),
      'presence:idle': () => this.own,
      'presence:recent-notes': () => [],
      'directory:search': (text) => searchDirectory(office().directory, String(text ?? '')),
      'directory:status': () => this.directoryStatus(),
      'dial:preview': (number) => office().dialer.preview(number),
      'dial:preview-directory': (number) => applyDialingRules(number, [], 'directory'),
      'dial:call': (number) => this.placeCall(number),
      'dial:rules': () => [],
      'dial:devices': () => ({ devices: [], error: 'Cisco Unified CME has no WebDialer: calls go to the system\u2019s tel: handler.' }),
      'recent:list': () => [...office().recent],
      'account:site': () => this.office?.site ?? null,
      'tls:trust': (hostPort, fingerprint) => this.options.trust.trust(hostPort, fingerprint),
    };
  }

  subscribe(listener: <E extends EventChannel>(event: E, payload: EventChannels[E]) => void): () => void {
    const names: EventChannel[] = ['session:state', 'contacts:changed', 'presence:changed', 'presence:own', 'phone:state', 'recent:added', 'directory:status'];
    const offs = names.map((event) => this.events.on(event, (payload) => listener(event, payload as never)));
    return () => offs.forEach((off) => off());
  }

  on<E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  get sessionState(): SessionState {
    return { ...this.state };
  }

  snapshot() {
    const settings = this.options.settings.get();
    const o = this.office;
    return {
      session: { ...this.state },
      own: this.own,
      groups: o?.groups ?? [],
      presence: o ? { ...o.presence } : {},
      conversations: {},
      signInDefaults: { server: this.state.server ?? settings.server, user: this.state.user ?? settings.user, serverType: 'cme' as const },
      idleAwayMinutes: settings.idleAwayMinutes,
      phone: o?.phone ?? { link: 'not-configured' as const, calls: [] },
    };
  }

  async signIn(request: SignInRequest): Promise<SessionState> {
    const server = request.server?.trim() ?? '';
    const user = request.user?.trim() ?? '';
    if (!server) throw new DeskError('invalid-input', 'Enter the router to sign in to.');
    if (!user) throw new DeskError('invalid-input', 'Enter your user name.');
    if (!request.password) throw new DeskError('invalid-input', 'Enter your password.');
    if (this.office) await this.signOut();
    this.setState({ phase: 'signing-in', user, server, serverType: 'cme', demo: this.options.demo });
    try {
      const office = await this.readOffice(server, user, request.password);
      this.office = office;
      await office.watch.start();
      await this.startSip(office, request);
      this.options.settings.update({ server, user, serverType: 'cme' });
      rememberPassword(this.options.secrets, request, user, server, this.log);
      this.setState({
        phase: 'signed-in',
        user,
        server,
        serverType: 'cme',
        demo: this.options.demo,
        uri: office.sip?.uri ?? (office.own ? `sip:${office.own}@${office.host}` : undefined),
        presenceServer: office.sip?.label,
        error: this.sipStateError(office),
      });
      this.events.emit('contacts:changed', office.groups);
      this.events.emit(
        'presence:changed',
        Object.entries(office.presence).map(([uri, presence]) => ({ uri, presence })),
      );
      this.events.emit('phone:state', office.phone);
      this.events.emit('directory:status', this.directoryStatus());
      this.log(`cme: signed in to ${server} as ${user}: ${office.groups[0]?.contacts.length ?? 0} speed dials, own number ${office.own ?? 'none'}`);
      return this.sessionState;
    } catch (error) {
      this.office?.watch.stop();
      await this.office?.sip?.stop();
      this.office = undefined;
      const app = toAppError(error);
      this.log(`cme: sign-in to ${server} as ${user} failed: ${app.code}: ${app.message}`);
      this.setState({ phase: 'signed-out', user, server, serverType: 'cme', error: app, demo: this.options.demo });
      throw asDeskError(error);
    }
  }

  async signOut(): Promise<SessionState> {
    const office = this.office;
    office?.watch.stop();
    this.office = undefined;
    await office?.sip?.stop();
    this.setState({ phase: 'signed-out', user: this.state.user, server: this.state.server, serverType: 'cme', demo: this.options.demo });
    this.events.emit('contacts:changed', []);
    this.events.emit('phone:state', { link: 'not-configured', calls: [] });
    return this.sessionState;
  }

  async close(): Promise<void> {
    await this.signOut();
    this.events.clear();
  }

  private ixiOptions(server: string, user: string, password: string): IxiOptions {
    const s = this.options.settings.get();
    return {
      server,
      user,
      password,
      timeoutMs: this.options.timeoutMs ?? s.soapTimeoutSeconds * 1000,
      maxResponseBytes: s.soapMaxResponseMB * 1024 * 1024,
      trust: this.options.trust,
      log: this.log,
      ...(this.options.trace ? { trace: this.options.trace } : {}),
    };
  }

  /** Everything shown at sign-in; the first request proves the router, the credentials and the XML API. */
  private async readOffice(server: string, user: string, password: string): Promise<Office> {
    const host = cmeEndpoint(server).hostname;
    const client = new CmeClient(this.ixiOptions(server, user, password));
    const me = await client.user(user);
    const site = await this.readSite(client);
    if (me.type === 0) site.problems.push(`The router knows no phone user "${user}" (ISgetUser): no speed dials and no own phone are shown.`);
    const profile = me.type === 3 ? (await client.userProfiles({ userIds: [user] }))[0] : undefined;
    const directory = await client.utilityDirectory().catch((e) => {
      site.problems.push(`Directory: ${toAppError(e).message}`);
      return [] as CmeDirectoryEntry[];
    });
    const speedDials = profile?.speedDials ?? [];
    const numbers = [...new Set([...(profile?.numbers.slice(0, 1) ?? []), ...speedDials.map((s) => s.number)])];
    const sccp = numbers.length ? await client.extensions({ numbers }) : [];
    // Numbers that are no ephone-dn may be SIP lines (voice register dn); a router without SIP answers none.
    const missing = numbers.filter((n) => !sccp.some((x) => x.number === n));
    const sip = missing.length ? await client.sipExtensions({ numbers: missing }).catch(() => [] as CmeExtension[]) : [];
    const extensions = [...sccp, ...sip];
    let own = profile?.numbers[0];
    // An ephone user (type 1) has no profile: their phone is the one configured with their user name.
    let ownDevice: CmeDevice | undefined;
    if (me.type === 1) {
      ownDevice = (await client.devices({ keyword: 'all' })).find((d) => d.userName === user);
      own ??= ownDevice?.lines[0]?.number;
    }
    const firstDevices = (list: CmeExtension[]) => [...new Set(list.flatMap((x) => x.devices.slice(0, 1)))];
    const sccpIds = firstDevices(sccp);
    const poolIds = firstDevices(sip);
    const phones = [
      ...(sccpIds.length ? await client.devices({ ids: sccpIds }) : []),
      ...(poolIds.length ? await client.sipDevices({ ids: poolIds }).catch(() => [] as CmeDevice[]) : []),
    ];
    const devices = new Map(phones.map((d) => [keyOf(d), d]));
    const ownExt = extensions.find((x) => x.number === own);
    ownDevice ??= ownExt ? devices.get(deviceKeyOf(ownExt)) : undefined;
    const names = namesByNumber(directory, extensions);
    const groups = speedDials.length ? [speedDialGroup(speedDials, host, names)] : [];
    const presence: Record<string, Presence> = {};
    const watched = new Map(extensions.map((x) => [keyOf(x), x]));
    for (const contact of groups.flatMap((g) => g.contacts)) {
      const x = extensions.find((e) => e.number === contact.personaId);
      if (x) presence[contact.uri] = linePresence(x, devices.get(deviceKeyOf(x)));
    }
    const office: Office = {
      client,
      host,
      user,
      server,
      ...(own ? { own } : {}),
      ...(ownDevice ? { ownDevice } : {}),
      site: siteInfo(site, host),
      config: site,
      directory,
      groups,
      watched,
      devices,
      presence: { ...presence },
      line: presence,
      sipPresence: {},
      phone: ownPhoneState(own, ownExt, ownDevice, `${host} (XML API)`, Date.now()),
      dialer: new ClickToDial(() => [], undefined),
      recent: [],
      watch: undefined as unknown as LineWatch,
    };
    office.watch = new LineWatch({
      client,
      ...(this.options.pollIntervalMs ? { intervalMs: this.options.pollIntervalMs } : {}),
      watched: () => ({
        extensionIds: idsOf(office.watched.values(), 'sccp'),
        deviceIds: idsOf(office.devices.values(), 'sccp'),
        sipPoolIds: idsOf(office.devices.values(), 'sip'),
      }),
      sipPoolOf: (number) => [...office.watched.values()].find((x) => x.kind === 'sip' && x.number === number)?.devices[0],
      onExtension: (x) => this.lineChanged(office, x),
      onDevice: (d) => this.deviceChanged(office, d),
      onProblem: (error) => this.pollProblem(office, error),
      log: this.log,
    });
    return office;
  }

  /** ISgetGlobal must answer (it proves a CME XML API); the SIP and presence parts may be absent. */
  private async readSite(client: CmeClient): Promise<CmeSiteConfig> {
    const global = await client.global();
    const problems: string[] = [];
    const soft = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await read();
      } catch (e) {
        problems.push(`${what}: ${toAppError(e).message}`);
        return undefined;
      }
    };
    const presence = await soft('Presence', () => client.presenceGlobal());
    const sip = await soft('SIP registrar', () => client.sipGlobal());
    const sessionServers = (await soft('Session servers', () => client.sessionServers())) ?? [];
    return { global, ...(presence ? { presence } : {}), ...(sip ? { sip } : {}), sessionServers, problems };
  }

  private lineChanged(office: Office, extension: CmeExtension): void {
    if (this.office !== office) return;
    office.watched.set(keyOf(extension), extension);
    const updates = [];
    for (const contact of office.groups.flatMap((g) => g.contacts)) {
      if (contact.personaId !== extension.number) continue;
      office.line[contact.uri] = linePresence(extension, office.devices.get(deviceKeyOf(extension)));
      const presence = mergedPresence(office.line[contact.uri], office.sipPresence[contact.uri])!;
      office.presence[contact.uri] = presence;
      updates.push({ uri: contact.uri, presence });
    }
    if (updates.length) this.events.emit('presence:changed', updates);
    if (extension.number === office.own) this.ownPhoneChanged(office, extension);
  }

  private deviceChanged(office: Office, device: CmeDevice): void {
    if (this.office !== office) return;
    office.devices.set(keyOf(device), device);
    if (office.ownDevice && keyOf(office.ownDevice) === keyOf(device)) office.ownDevice = device;
    for (const x of office.watched.values()) if (deviceKeyOf(x) === keyOf(device)) this.lineChanged(office, withLineOf(x, device));
  }

  private ownPhoneChanged(office: Office, extension: CmeExtension): void {
    const since = office.phone.calls[0]?.since ?? Date.now();
    office.phone = ownPhoneState(office.own, extension, office.ownDevice, `${office.host} (XML API)`, extension.activity === 'idle' ? Date.now() : since);
    this.events.emit('phone:state', office.phone);
  }

  private pollProblem(office: Office, error: DeskError | undefined): void {
    if (this.office !== office) return;
    const base = {
      user: office.user,
      server: office.server,
      serverType: 'cme' as const,
      demo: this.options.demo,
      uri: this.state.uri,
      presenceServer: office.sip?.label,
    };
    if (error) this.setState({ phase: 'reconnecting', ...base, error: { code: error.code, message: `Line states may be out of date: ${error.message}` } });
    else this.setState({ phase: 'signed-in', ...base, error: this.sipStateError(office) });
  }

  private directoryStatus(): DirectoryStatus {
    const o = this.office;
    if (!o) return { state: 'not-configured' };
    return { state: 'ready', server: `${o.host} (CME local directory)`, found: o.directory.length };
  }

  private async setOwn(status: OwnStatus): Promise<OwnStatus> {
    this.own = { availability: status.availability, note: String(status.note ?? '') };
    this.events.emit('presence:own', this.own);
    await this.office?.sip?.publish(this.own);
    return this.own;
  }

  /**
   * Starts the router's SIP presence when its configuration offers it. Never throws: a refused
   * login or an unreachable registrar is said in words (session state, Settings → Account) and
   * every contact keeps their line state.
   */
  private async startSip(office: Office, request: SignInRequest): Promise<void> {
    const settings = this.options.settings.get();
    const target = cmeSipTarget(office.config, settings.sipTransport);
    if (typeof target === 'string') {
      office.site = { ...office.site, sipPresence: `not used: ${target}` };
      return;
    }
    // CME's voice register pool credentials usually equal the phone user's; else the SIP login in settings.
    const user = request.sipUser?.trim() || settings.cmeSipUser.trim() || office.user;
    if (request.sipUser?.trim()) this.options.settings.update({ cmeSipUser: request.sipUser.trim() });
    const password = request.sipPassword || request.password;
    const contacts = new Map(office.groups.flatMap((g) => g.contacts).map((c) => [c.uri, c.personaId]));
    const sip = new CmeSipPresence({
      target,
      user,
      password,
      contacts,
      onPresence: (uri, presence) => this.sipPresenceChanged(office, uri, presence),
      onState: (state) => this.sipStateChanged(office, state),
      log: this.log,
      ...(this.options.trace ? { trace: this.options.trace } : {}),
      ...(this.options.userAgent ? { userAgent: this.options.userAgent } : {}),
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(this.options.createSip ? { createSip: this.options.createSip } : {}),
    });
    try {
      await sip.start(this.own);
      office.sip = sip;
      office.site = { ...office.site, sipPresence: `in use: ${sip.label} as ${sip.uri}` };
      this.log(`cme: SIP presence registered ${sip.uri} via ${sip.label}`);
    } catch (error) {
      await sip.stop();
      const app = toAppError(error);
      office.sipError = `SIP presence is not available (${app.message}); colleagues are shown by the state of their line.`;
      office.site = { ...office.site, sipPresence: `failed: ${app.message}`, problems: [...office.site.problems, `SIP presence: ${app.message}`] };
      this.log(`cme: SIP presence at ${target.server.host}:${target.server.port} as ${user} failed: ${app.code}: ${app.message}`);
    }
  }

  private sipStateError(office: Office): SessionState['error'] {
    return office.sipError ? { code: 'sip', message: office.sipError } : undefined;
  }

  private sipPresenceChanged(office: Office, uri: string, presence: Presence): void {
    if (this.office !== office) return;
    office.sipPresence[uri] = presence;
    const merged = mergedPresence(office.line[uri], presence);
    if (!merged) return;
    office.presence[uri] = merged;
    this.events.emit('presence:changed', [{ uri, presence: merged }]);
  }

  /** A lost registration is said in words; the line states keep coming meanwhile. */
  private sipStateChanged(office: Office, state: string): void {
    if (this.office !== office || this.state.phase === 'signing-in') return;
    if (state === 'registered') office.sipError = undefined;
    else if (state === 'reconnecting' || state === 'failed')
      office.sipError = 'Lost the connection to the router’s SIP presence; reconnecting. Colleagues are shown by the state of their line meanwhile.';
    else return;
    if (this.state.phase === 'signed-in') this.setState({ ...this.state, error: this.sipStateError(office) });
  }

  private async placeCall(number: string): Promise<RecentEntry> {
    const office = this.office;
    if (!office) throw new DeskError('invalid-input', 'Sign in first.');
    const placed = await office.dialer.dial(number);
    const entry: RecentEntry = { id: `call:${randomUUID()}`, kind: 'call', at: placed.at, target: number, dialed: placed.plan.dial, source: 'local' };
    office.recent.unshift(entry);
    this.events.emit('recent:added', entry);
    this.log(`cme: call to ${placed.plan.dial} handed to the system (${placed.uri})`);
    return entry;
  }

  private setState(state: SessionState): void {
    this.state = Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined)) as unknown as SessionState;
    this.events.emit('session:state', { ...this.state });
  }
}
