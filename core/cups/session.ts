/**
 * CupsSession owns the CUPS session key: it logs in (optionally with `force`), sends the key
 * with every operation, re-logs in once when the server says the session is gone (at most
 * every 90 s; after each failed re-login the wait doubles, up to 1 hour, and a successful one
 * resets it), and logs out.
 *
 * A login refused because a session is open takes that session over quietly when it is this
 * device's own, left open by a crash (`own-session.ts`).
 *
 * ```
 *   LoggedOut ──login ok──> LoggedIn ──server: session gone──> (silent re-login, ≤ 1 per 90 s,
 *       ^                       │                                then 180 s, 360 s … after failures)
 *       └──────── logout ───────┘
 * ```
 */
import { escapeXml, find, type XmlNode } from '../xml/safe-xml';
import { readAllConfig, readContactList, readDialingRules, readLicensing, readLogin, readSystemConfig, readUserConfig } from './parse';
import { cupsEndpoint, envelope, exchange, type ExchangeOptions, type SoapClientOptions } from './soap';
import * as op from './operations';
import type { OwnSessionRecord } from './own-session';
import {
  CupsError,
  type AclRule,
  type AllConfig,
  type ContactSpec,
  type CupsGroup,
  type DialingRule,
  type GroupChange,
  type GroupSpec,
  type ItemResult,
  type Licensing,
  type PresenceRule,
  type PresenceRules,
  type RecentComm,
  type SystemConfig,
  type UserConfig,
  type UserProperty,
} from './types';

export interface CupsSessionOptions extends SoapClientOptions {
  /** Clock for the re-login spacing (tests inject one). */
  now?: () => number;
  /** The key of this device's last session, so one left open by a crash is taken over quietly (`own-session.ts`). */
  ownSession?: OwnSessionRecord;
}

export const RELOGIN_INTERVAL_MS = 90_000;
export const RELOGIN_MAX_INTERVAL_MS = 60 * 60_000;
const ALREADY = /already been established/i;
const WRONG = /wrong username|password/i;

export class CupsSession {
  readonly endpoint: URL;
  private key: string | undefined;
  private lastRelogin = Number.NEGATIVE_INFINITY;
  /** Re-logins that failed in a row; each one doubles the wait before the next attempt. */
  private reloginFailures = 0;

  constructor(private readonly options: CupsSessionOptions) {
    this.endpoint = cupsEndpoint(options.server);
  }

  get sessionKey(): string | undefined {
    return this.key;
  }

  private get exchangeOptions(): ExchangeOptions {
    return {
      timeoutMs: this.options.timeoutMs,
      maxResponseBytes: this.options.maxResponseBytes,
      log: this.options.log,
      trace: this.options.trace,
      trust: this.options.trust,
    };
  }

  /** How long after the last re-login attempt the next one may run. */
  get reloginIntervalMs(): number {
    return Math.min(RELOGIN_INTERVAL_MS * 2 ** this.reloginFailures, RELOGIN_MAX_INTERVAL_MS);
  }

  /**
   * Logs in. When the server says a session is already open and that session is this device's
   * own (the key remembered from the last run still works: the app ended without logging out),
   * it is taken over with `force` without asking; anyone else's session is left to the user.
   */
  async login(options: { force?: boolean } = {}): Promise<void> {
    try {
      await this.loginOnce(options.force === true);
    } catch (error) {
      if (options.force || !(error instanceof CupsError) || error.code !== 'already-signed-in') throw error;
      const previous = this.options.ownSession?.load();
      if (!previous || !(await this.isOpen(previous))) throw error;
      this.options.log?.(`cups: the open session of ${this.options.user} is the one this device left open (ended without signing out); taking it over`);
      await this.loginOnce(true);
    }
  }

  /** Whether the server still accepts `key`: a harmless read with it. */
  private async isOpen(key: string): Promise<boolean> {
    try {
      await exchange(this.endpoint, 'get-user-config', envelope('<get-user-config/>', key), this.exchangeOptions);
      return true;
    } catch {
      return false;
    }
  }

  private async loginOnce(forced: boolean): Promise<void> {
    const force = forced ? ' force="true"' : '';
    const body = `<login${force}><username>${escapeXml(this.options.user)}</username><password>${escapeXml(this.options.password)}</password></login>`;
    const tree = await exchange(this.endpoint, 'login', envelope(body), this.exchangeOptions);
    const result = readLogin(find(tree, 'login-resp'));
    if ('key' in result) {
      this.key = result.key;
      try {
        this.options.ownSession?.save(result.key);
      } catch (error) {
        this.options.log?.(`cups: the session could not be remembered (${(error as Error).message}); after a crash the user will be asked`);
      }
      this.options.log?.(`cups: logged in as ${this.options.user} (session key ****${result.key.slice(-4)})`);
      return;
    }
    const code = ALREADY.test(result.reason) ? 'already-signed-in' : WRONG.test(result.reason) ? 'auth' : 'auth';
    throw new CupsError(code, result.reason, this.endpoint.host, 'login');
  }

  /** Logs out, releasing the presence tuple the session published (`cupc-override`). */
  async logout(): Promise<void> {
    if (!this.key) return;
    const key = this.key;
    this.key = undefined;
    this.options.ownSession?.clear();
    try {
      await exchange(this.endpoint, 'logout', envelope('<logout tuple-id="cupc-override"/>', key), this.exchangeOptions);
    } catch (error) {
      // A session the server already dropped needs no logout.
      if (!(error instanceof CupsError && error.code === 'session-expired')) throw error;
    }
  }

  /** Runs an operation with the session key; re-logs in once if the server lost the session. */
  private async call(operation: string, body: string): Promise<XmlNode> {
    if (!this.key) throw new CupsError('session-expired', 'Not signed in to the CUPS server.', undefined, operation);
    try {
      return await exchange(this.endpoint, operation, envelope(body, this.key), this.exchangeOptions);
    } catch (error) {
      const now = (this.options.now ?? Date.now)();
      if (error instanceof CupsError && error.code === 'session-expired' && now - this.lastRelogin >= this.reloginIntervalMs) {
        this.lastRelogin = now;
        this.options.log?.(`cups: session expired during ${operation}; signing in again`);
        try {
          await this.login({ force: true });
        } catch (reloginError) {
          this.reloginFailures += 1;
          this.options.log?.(`cups: re-login failed; next attempt in ${Math.round(this.reloginIntervalMs / 1000)} s at the earliest`);
          throw reloginError;
        }
        this.reloginFailures = 0;
        return exchange(this.endpoint, operation, envelope(body, this.key), this.exchangeOptions);
      }
      throw error;
    }
  }

  async getAllConfig(): Promise<AllConfig> {
    const tree = await this.call(
      'get-all-config',
      '<get-all-config><system-config/><user-config/><licensing-features/><contact-list/><presence-rules/><dialing-rules/></get-all-config>',
    );
    return readAllConfig(find(tree, 'get-all-config-resp'));
  }

  async getSystemConfig(): Promise<SystemConfig> {
    return readSystemConfig(find(await this.call('get-system-config', '<get-system-config/>'), 'get-system-config-resp'));
  }

  async getUserConfig(): Promise<UserConfig> {
    return readUserConfig(find(await this.call('get-user-config', '<get-user-config/>'), 'get-user-config-resp'));
  }

  async getLicensing(): Promise<Licensing> {
    return readLicensing(find(await this.call('get-licensing-features', '<get-licensing-features/>'), 'get-licensing-features-resp'));
  }

  async getContactList(): Promise<CupsGroup[]> {
    return readContactList(find(await this.call('get-contact-list', '<get-contact-list/>'), 'get-contact-list-resp'));
  }

  async getDialingRules(): Promise<DialingRule[]> {
    return readDialingRules(find(await this.call('get-dialing-rules', '<get-dialing-rules/>'), 'get-dialing-rules-resp'));
  }

  async setUserConfig(properties: UserProperty[]): Promise<ItemResult<UserProperty>[]> {
    const tree = await this.call('set-user-config', op.setUserConfigBody(properties));
    return op.readSetUserConfig(find(tree, 'set-user-config-resp'), properties);
  }

  async addGroups(groups: GroupSpec[]): Promise<ItemResult<GroupSpec>[]> {
    return op.readGroupStatuses(find(await this.call('add-group', op.addGroupBody(groups)), 'add-group-resp'));
  }

  async modifyGroups(changes: GroupChange[]): Promise<ItemResult<GroupChange>[]> {
    return op.readModifyGroupStatuses(find(await this.call('modify-group', op.modifyGroupBody(changes)), 'modify-group-resp'));
  }

  async deleteGroups(names: string[]): Promise<ItemResult<GroupSpec>[]> {
    return op.readGroupStatuses(find(await this.call('delete-group', op.deleteGroupBody(names)), 'delete-group-resp'));
  }

  async addContacts(contacts: ContactSpec[]): Promise<ItemResult<ContactSpec>[]> {
    return op.readContactStatuses(find(await this.call('add-contact', op.addContactBody(contacts)), 'add-contact-resp'));
  }

  async modifyContacts(contacts: ContactSpec[]): Promise<ItemResult<ContactSpec>[]> {
    return op.readContactStatuses(find(await this.call('modify-contact', op.modifyContactBody(contacts)), 'modify-contact-resp'));
  }

  async deleteContacts(contacts: ContactSpec[]): Promise<ItemResult<ContactSpec>[]> {
    return op.readContactStatuses(find(await this.call('delete-contact', op.deleteContactBody(contacts)), 'delete-contact-resp'));
  }

  async getPresenceRules(): Promise<PresenceRules> {
    return op.readPresenceRules(find(await this.call('get-presence-rules', '<get-presence-rules/>'), 'get-presence-rules-resp'));
  }

  async setPresenceRules(rules: PresenceRule[]): Promise<ItemResult<{ name: string }>[]> {
    return op.readNameStatuses(find(await this.call('set-presence-rules', op.setPresenceRulesBody(rules)), 'set-presence-rules-resp'));
  }

  async deletePresenceRules(names: string[]): Promise<ItemResult<{ name: string }>[]> {
    return op.readNameStatuses(find(await this.call('delete-presence-rules', op.deletePresenceRulesBody(names)), 'delete-presence-rules-resp'));
  }

  async addRecentComm(record: RecentComm): Promise<{ ok: boolean; status: string }> {
    return op.readAddRecentComm(find(await this.call('add-recent-comm', op.addRecentCommBody(record)), 'add-recent-comm-resp'));
  }

  async getRecentComm(): Promise<RecentComm[]> {
    return op.readRecentComm(find(await this.call('get-recent-comm', '<get-recent-comm/>'), 'get-recent-comm-resp'));
  }

  /** Long-term presence: a PIDF document the server keeps until unpublished. */
  async publishPresStatus(pidf: string): Promise<{ ok: boolean; status: string }> {
    return op.readStatusCode(find(await this.call('publish-pres-status', op.publishPresStatusBody(pidf)), 'publish-pres-status-resp'));
  }

  async unpublishPresStatus(): Promise<{ ok: boolean; status: string }> {
    return op.readStatusCode(find(await this.call('unpublish-pres-status', '<unpublish-pres-status/>'), 'unpublish-pres-status-resp'));
  }

  async getAcl(ruleNames: string[]): Promise<AclRule[]> {
    return op.readAcl(find(await this.call('get-acl', op.getAclBody(ruleNames)), 'get-acl-resp'));
  }

  async addAcl(rule: string, watchers: string[]): Promise<ItemResult<{ rule: string; watcher: string }>[]> {
    return op.readAclStatuses(find(await this.call('add-acl', op.addAclBody(rule, watchers)), 'add-acl-resp'));
  }

  async deleteAcl(rule: string, watchers: string[]): Promise<ItemResult<{ rule: string; watcher: string }>[]> {
    return op.readAclStatuses(find(await this.call('delete-acl', op.deleteAclBody(rule, watchers)), 'delete-acl-resp'));
  }

  async getCalendaring(): Promise<boolean> {
    return op.readCalendaring(find(await this.call('get-calendaring', '<get-calendaring/>'), 'get-calendaring-resp'));
  }

  async setCalendaring(on: boolean): Promise<{ ok: boolean; status: string }> {
    return op.readSetCalendaring(find(await this.call('set-calendaring', op.setCalendaringBody(on)), 'set-calendaring-resp'));
  }
}
