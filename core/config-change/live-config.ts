/**
 * LiveConfig: keeps what the server said at sign-in current while signed in. Changes arrive as
 * UCCN configuration-change NOTIFYs (core/cups/uccn.ts) on a subscription to the user's own
 * address in the `configEvent` package, or, while the server refuses that subscription or it
 * is down, by re-reading the contact list and configuration every `configResyncSeconds` and
 * when the window regains focus (`config:resync`). Either way only real changes reach the
 * screen: the list goes through the same delta path as an edit, features are sent when they
 * differ.
 *
 * ```
 *   attach() ──start()──> Polling ──subscription active──> Notified
 *                            ^                                 │
 *                            └── refused, failed, link lost ───┘    any ──detach()──> Off
 * ```
 *
 * What each change does (docs/CUPS-OPERATIONS.md has the table): contacts and groups → the
 * buddy list in place; dialing rules → compiled and used by the next preview or call; IM
 * switched off, licences, voicemail pilot, MeetingPlace → `features`; the presence server
 * → the account moves; the CTI gateway → `onCallControl`; the directory → `onDirectory`;
 * everything else → a sentence in `changes`.
 */
import type { DialingRule, LiveConfigCause, LiveConfigState } from '../../shared/domain';
import type { InvokeHandlers } from '../../shared/ipc';
import { systemConfigOf, type AllConfig, type Licensing, type SystemConfig } from '../cups';
import { parseUccn, type ConfigChange, type UccnDialRule } from '../cups/uccn';
import { toContactGroups } from '../contacts/rules';
import type { ContactList } from '../contacts';
import { compileRules } from '../dialing';
import { toAppError } from '../errors';
import type { Connection, SessionContext } from '../session/connection';
import { presenceBackup, presenceTarget } from '../session/presence-server';
import { describeServer, type SipServer } from '../sip';
import { applyListChange } from './contact-changes';
import { mayBeOwnEcho } from './own-edits';
import { serverFeatures } from './features';

export type LiveConfigChannel = 'config:state' | 'config:resync';

/** Content types a configuration change may come in (Kamailio relays what was published). */
export const CONFIG_ACCEPT = ['application/x-cisco-uccn+xml', 'application/xml', 'text/xml'];
const KEPT_CHANGES = 20;
/** Re-reads in a row overtaken by own edits before giving up (the edits' own echoes ask again). */
const MAX_STALE_READS = 3;

type RawRule = Partial<Record<keyof DialingRule, unknown>>;

interface Active {
  connection: Connection;
  properties: Record<string, string>;
  licensing: Licensing;
  rules: RawRule[];
  timer?: ReturnType<typeof setInterval>;
  resyncing?: Promise<void>;
  /** A re-read must start after the one under way (it may predate what the caller needs to see). */
  readAgain?: boolean;
  /** The body applied last: a server repeats its current state on every refresh. */
  lastBody?: string;
}

export interface LiveConfigOptions {
  contacts: Pick<ContactList, 'list' | 'applyServerList' | 'editMark' | 'editing' | 'lastEditAt'>;
  /** The CTI gateway moved (`CallControl.*`): the line is watched there from now on. */
  onCallControl?: (system: SystemConfig) => void;
  /** The directory's servers or attribute map changed (`Directory.*`): it reconnects and merges again. */
  onDirectory?: (system: SystemConfig) => void;
}

export class LiveConfig {
  readonly handlers: Pick<InvokeHandlers, LiveConfigChannel>;
  private active: Active | undefined;
  private current: LiveConfigState = offState();

  constructor(
    private readonly context: SessionContext,
    private readonly options: LiveConfigOptions,
  ) {
    this.handlers = {
      'config:state': () => this.state,
      'config:resync': () => this.resyncNow(),
    };
  }

  get state(): LiveConfigState {
    return structuredClone(this.current);
  }

  /** Why sending an IM is refused now, or undefined when IM is offered. */
  imRefusal(): string | undefined {
    return this.active && !this.current.features.im.available ? this.current.features.im.reason : undefined;
  }

  attach(connection: Connection): void {
    const { system, licensing, dialingRules } = connection.config;
    this.active = { connection, properties: { ...system.properties }, licensing: { ...licensing }, rules: [...dialingRules] };
    this.current = {
      mode: 'polling',
      reason: 'Signing in.',
      cause: { kind: 'signing-in' },
      features: serverFeatures(licensing, system.properties),
      changes: [],
      privacyVersion: 0,
    };
  }

  /** Signed in: subscribe to changes, re-reading meanwhile. */
  start(): void {
    const active = this.active;
    if (!active) return;
    const { configEvent } = this.context.settings.get();
    const sip = active.connection.sip;
    if (!configEvent || !sip.watchConfig) {
      this.poll(active, `Change notifications are turned off in the settings. ${this.rereadWords()}`, { kind: 'turned-off', seconds: this.resyncSeconds() });
      return;
    }
    // No re-reading yet: the configuration was read a moment ago; a refusal starts it.
    this.setMode('polling', `Waiting for the server to accept change notifications (${configEvent}).`, { kind: 'waiting', event: configEvent });
    sip.watchConfig({
      event: configEvent,
      accept: CONFIG_ACCEPT,
      onNotify: (body) => this.active === active && this.onNotify(active, body),
      onState: (on, reason) => {
        if (this.active !== active) return;
        if (on) this.notified(active, configEvent);
        else
          this.poll(active, `The server does not send change notifications now: ${reason ?? 'no reason given'}. ${this.rereadWords()}`, {
            kind: 'refused',
            ...(reason ? { serverReason: reason } : {}),
            seconds: this.resyncSeconds(),
          });
      },
    });
  }

  private rereadWords(): string {
    return `The contact list and configuration are re-read every ${this.resyncSeconds()} s and when the window regains focus.`;
  }

  private resyncSeconds(): number {
    return this.context.settings.get().configResyncSeconds;
  }

  detach(): void {
    if (this.active?.timer) clearInterval(this.active.timer);
    this.active = undefined;
    this.current = offState();
  }

  private notified(active: Active, event: string): void {
    const wasPolling = this.current.mode === 'polling' && active.timer !== undefined;
    if (active.timer) clearInterval(active.timer);
    active.timer = undefined;
    this.setMode('notified', `The server sends change notifications (${event}).`, { kind: 'notified', event });
    // Changes made while no notification could arrive are read once.
    if (wasPolling) void this.resync(active);
  }

  private poll(active: Active, reason: string, cause: LiveConfigCause): void {
    this.setMode('polling', reason, cause);
    if (active.timer) return;
    const seconds = this.context.settings.get().configResyncSeconds;
    active.timer = setInterval(() => void this.resync(active), seconds * 1000);
    active.timer.unref?.();
  }

  private setMode(mode: LiveConfigState['mode'], reason: string, cause: LiveConfigCause): void {
    if (this.current.mode === mode && this.current.reason === reason) return;
    if (this.current.mode !== mode) this.context.log(`config: ${reason}`);
    this.current = { ...this.current, mode, reason, cause };
    this.context.emit('config:state', this.state);
  }

  /** The window regained focus (or the machine woke): re-read when notifications are not in force. */
  private async resyncNow(): Promise<LiveConfigState> {
    const active = this.active;
    if (active && this.current.mode === 'polling') {
      // A re-read already under way may have started before the change the user expects to see.
      await active.resyncing;
      await this.resync(active);
    }
    return this.state;
  }

  private onNotify(active: Active, body: string): void {
    if (body === active.lastBody) return;
    active.lastBody = body;
    let change: ConfigChange;
    try {
      change = parseUccn(body);
    } catch (error) {
      this.context.log(`config: a change notification was not applied: ${(error as Error).message}`);
      return;
    }
    this.apply(active, change);
  }

  /** Applies one change and says what it did. */
  private apply(active: Active, change: ConfigChange): void {
    const said = this.applyOne(active, change);
    if (!said) return;
    this.context.log(`config: ${said}`);
    this.current = { ...this.current, changes: [said, ...this.current.changes].slice(0, KEPT_CHANGES) };
    this.context.emit('config:state', this.state);
  }

  private applyOne(active: Active, change: ConfigChange): string | undefined {
    const { connection } = active;
    switch (change.kind) {
      case 'contact':
      case 'group': {
        const next = applyListChange(this.options.contacts.list, change, connection.domain);
        if (!next) return undefined;
        if (mayBeOwnEcho(this.options.contacts, Date.now())) {
          // Possibly the echo of an older own edit: the server's list decides (own-edits.ts says why).
          void this.resync(active, true);
          return undefined;
        }
        this.options.contacts.applyServerList(next.groups, next.renamed);
        return next.said;
      }
      case 'dial-rule':
        return this.applyRule(active, change);
      case 'presence-rule':
        this.current = { ...this.current, privacyVersion: this.current.privacyVersion + 1 };
        return `Your privacy policy "${(change.new ?? change.old)?.name ?? ''}" was ${verb(change.op)} on the server.`;
      case 'acl':
        this.current = { ...this.current, privacyVersion: this.current.privacyVersion + 1 };
        return `A watcher (${(change.new ?? change.old)?.watcher ?? ''}) was ${verb(change.op)} in your privacy rules on the server.`;
      case 'config':
        return this.applyProperties(active, change);
    }
  }

  private applyRule(active: Active, change: Extract<ConfigChange, { kind: 'dial-rule' }>): string | undefined {
    const name = (change.old ?? change.new)?.name;
    const at = active.rules.findIndex((r) => r.name === name);
    const next = [...active.rules];
    if (change.op === 'delete') {
      if (at < 0) return undefined;
      next.splice(at, 1);
    } else if (change.new) {
      const rule: RawRule = { ...(change.new as UccnDialRule) };
      if (at < 0) next.push(rule);
      else next[at] = rule;
    }
    active.rules = next;
    const { rules, problems } = compileRules(next);
    for (const p of problems) this.context.log(`dialing: rule '${p.rule}' skipped: ${p.problem}`);
    active.connection.dialingRules = rules;
    return `The dialing rule "${name ?? ''}" was ${verb(change.op)}; numbers are dialed by the new rules.`;
  }

  private applyProperties(active: Active, change: Extract<ConfigChange, { kind: 'config' }>): string | undefined {
    const before = { ...active.properties };
    for (const [name, p] of Object.entries(change.properties)) {
      if (change.op === 'delete') delete active.properties[name];
      else active.properties[name] = p.value;
    }
    const changed = Object.keys(change.properties).filter((n) => before[n] !== active.properties[n]);
    if (!changed.length && !change.ctiDevice) return undefined;
    this.recomputeFeatures(active);
    if (change.area === 'presence-server' && changed.some((n) => /^Presence\.(Primary|Backup)\./i.test(n))) this.movePresence(active);
    this.followServers(active, changed);
    return `${AREA_WORDS[change.area]} changed on the server (${changed.join(', ') || 'CTI device'}).`;
  }

  /**
   * The configuration names another presence server: the account registers there and lets go
   * of the old one; what is watched and the IM queue carry over (the queue is in the history).
   */
  private movePresence(active: Active): void {
    const { connection } = active;
    const system = systemConfigOf({ ...active.properties });
    const transport = this.context.settings.get().sipTransport;
    let target: SipServer;
    try {
      target = presenceTarget(system, transport);
    } catch (error) {
      this.context.log(`config: the new presence server is not usable: ${toAppError(error).message}; staying where we are`);
      return;
    }
    connection.config.system = system;
    if (!connection.sip.moveTo) return;
    this.context.log(`config: the presence server is now ${describeServer(target)}; registering there`);
    connection.sip.moveTo(target, presenceBackup(system, transport)).catch((error) => {
      if (this.active === active)
        this.context.log(`config: registering on ${describeServer(target)} failed: ${toAppError(error).message}; staying where we are`);
    });
  }

  /**
   * The CTI gateway or the directory changed: the services using them start over on the new
   * configuration now rather than at the next sign-in. WebDialer keeps its server (a
   * `CallControl.*` change re-monitors the line only), so a call it placed is not disturbed.
   */
  private followServers(active: Active, changed: string[]): void {
    const callControl = changed.some((n) => /^CallControl\./i.test(n));
    const directory = changed.some((n) => /^Directory\./i.test(n));
    if (!callControl && !directory) return;
    const system = systemConfigOf({ ...active.properties });
    active.connection.config.system = system;
    if (callControl) this.options.onCallControl?.(system);
    if (directory) this.options.onDirectory?.(system);
  }

  private recomputeFeatures(active: Active): void {
    this.current = { ...this.current, features: serverFeatures(active.licensing, active.properties) };
  }

  /**
   * Re-reads the list and configuration and applies only what differs. `fresh`: the read must
   * begin now, so one under way is followed by another. A read overtaken by an own edit is
   * repeated (a few times at most, each a round trip) so the edit's answer is not missed.
   */
  private resync(active: Active, fresh = false): Promise<void> {
    if (active.resyncing) {
      if (fresh) active.readAgain = true;
      return active.resyncing;
    }
    active.resyncing = (async () => {
      for (let stale = 0; ; stale++) {
        active.readAgain = false;
        const current = await this.readAgain(active);
        if (this.active !== active || !(active.readAgain || (!current && stale < MAX_STALE_READS))) return;
      }
    })().finally(() => (active.resyncing = undefined));
    return active.resyncing;
  }

  /** Re-reads once; false when an own edit overtook the read, so its contact list was not used. */
  private async readAgain(active: Active): Promise<boolean> {
    let config: AllConfig;
    const editMark = this.options.contacts.editMark;
    try {
      config = await active.connection.cups.getAllConfig();
    } catch (error) {
      this.context.log(`config: re-reading the configuration failed: ${toAppError(error).message}`);
      return true;
    }
    if (this.active !== active) return true;
    // An edit made (or still under way) since the read began: that list is older than the screen; the next re-read has it.
    const current = editMark === this.options.contacts.editMark && !this.options.contacts.editing;
    const changes = current ? this.options.contacts.applyServerList(toContactGroups(config.contacts, active.connection.domain)) : [];
    const said: string[] = [];
    if (changes.length) said.push('The contact list changed on the server.');
    if (JSON.stringify(config.dialingRules) !== JSON.stringify(active.rules)) {
      active.rules = [...config.dialingRules];
      active.connection.dialingRules = compileRules(active.rules).rules;
      said.push('The dialing rules changed on the server.');
    }
    const properties = config.system.properties;
    const changed = [...new Set([...Object.keys(properties), ...Object.keys(active.properties)])].filter((n) => properties[n] !== active.properties[n]);
    const licensingChanged = JSON.stringify(config.licensing) !== JSON.stringify(active.licensing);
    if (changed.length || licensingChanged) {
      const movedServer = changed.some((n) => /^Presence\.(Primary|Backup)\./i.test(n));
      active.properties = { ...properties };
      active.licensing = { ...config.licensing };
      this.recomputeFeatures(active);
      said.push(`The server's configuration changed (${[...changed, ...(licensingChanged ? ['licences'] : [])].join(', ')}).`);
      if (movedServer) this.movePresence(active);
      this.followServers(active, changed);
    }
    if (!said.length) return current;
    for (const s of said) this.context.log(`config: ${s}`);
    this.current = { ...this.current, changes: [...said.reverse(), ...this.current.changes].slice(0, KEPT_CHANGES) };
    this.context.emit('config:state', this.state);
    return current;
  }
}

const verb = (op: ConfigChange['op']) => (op === 'insert' ? 'added' : op === 'delete' ? 'removed' : 'changed');

const AREA_WORDS: Record<Extract<ConfigChange, { kind: 'config' }>['area'], string> = {
  system: 'The system settings (TFTP, security)',
  'presence-server': 'The presence server',
  calendar: 'Calendar presence',
  'call-control': 'The phone (CTI) servers',
  directory: 'The directory servers',
  'directory-map': 'The directory attribute map',
  meeting: 'The MeetingPlace servers',
  voicemail: 'The voicemail settings',
  im: 'Instant messaging',
  'user-config': 'Your user settings',
  'backend-gateway': 'The calendar back end',
  other: 'The configuration',
};

/** The state before sign-in, and for a back end without live configuration (a CME router). */
export function offState(): LiveConfigState {
  const none = { available: false, reason: 'Not signed in.' };
  return {
    mode: 'off',
    reason: 'Not signed in.',
    features: { im: none, audio: none, video: none, voicemail: none, meeting: none },
    changes: [],
    privacyVersion: 0,
  };
}
