/**
 * CupsSession owns the CUPS session key: it logs in (optionally with `force`), sends the key
 * with every operation, re-logs in once when the server says the session is gone (at most
 * every 90 s), and logs out.
 *
 * ```
 *   LoggedOut ──login ok──> LoggedIn ──server: session gone──> (silent re-login, ≤ 1 per 90 s)
 *       ^                       │
 *       └──────── logout ───────┘
 * ```
 */
import { escapeXml, find, type XmlNode } from '../xml/safe-xml';
import { readAllConfig, readContactList, readDialingRules, readLicensing, readLogin, readSystemConfig, readUserConfig } from './parse';
import { cupsEndpoint, envelope, exchange, type ExchangeOptions } from './soap';
import { CupsError, type AllConfig, type CupsGroup, type DialingRule, type Licensing, type SystemConfig, type UserConfig } from './types';

export interface CupsSessionOptions {
  server: string;
  user: string;
  password: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
  log?: (line: string) => void;
}

const RELOGIN_INTERVAL_MS = 90_000;
const ALREADY = /already been established/i;
const WRONG = /wrong username|password/i;

export class CupsSession {
  readonly endpoint: URL;
  private key: string | undefined;
  private lastRelogin = 0;

  constructor(private readonly options: CupsSessionOptions) {
    this.endpoint = cupsEndpoint(options.server);
  }

  get sessionKey(): string | undefined {
    return this.key;
  }

  private get exchangeOptions(): ExchangeOptions {
    return { timeoutMs: this.options.timeoutMs, maxResponseBytes: this.options.maxResponseBytes, log: this.options.log };
  }

  async login(options: { force?: boolean } = {}): Promise<void> {
    const force = options.force ? ' force="true"' : '';
    const body = `<login${force}><username>${escapeXml(this.options.user)}</username><password>${escapeXml(this.options.password)}</password></login>`;
    const tree = await exchange(this.endpoint, 'login', envelope(body), this.exchangeOptions);
    const result = readLogin(find(tree, 'login-resp'));
    if ('key' in result) {
      this.key = result.key;
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
      const now = Date.now();
      if (error instanceof CupsError && error.code === 'session-expired' && now - this.lastRelogin >= RELOGIN_INTERVAL_MS) {
        this.lastRelogin = now;
        this.options.log?.(`cups: session expired during ${operation}; signing in again`);
        await this.login({ force: true });
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
}
