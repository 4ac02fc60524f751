/**
 * Signing in to any SIMPLE server with only a SIP address and password: the SIP server is
 * found through DNS (RFC 3263) or given as an outbound proxy, the buddy list lives on the
 * domain's XCAP server (RFC 4825/4826). It answers the session's back-end questions as CUPS
 * does (`CupsLike`), so the session, the contact list and its UI are the same for both.
 *
 * Where the XCAP server is: the `xcapRoot` setting, else DNS SRV `_xcaps._tcp.<domain>` (https)
 * or `_xcap._tcp.<domain>` (http) with the root `/xcap-root`, else `https://xcap.<domain>/xcap-root`.
 *
 * Edits made by another client arrive through xcap-diff (RFC 5875, xcap-diff.ts) where the
 * server sends its content: only the changed document is read again, at once. Until such a
 * NOTIFY arrives, and whenever the subscription fails, the buddy list is read again every
 * `pollMs` (Kamailio 5.6 accepts the subscription but sends no content in it, so reading is
 * the one way that always works).
 */
import { Resolver } from 'node:dns/promises';
import type { AllConfig, CupsGroup, GroupChange, GroupSpec, ContactSpec, ItemResult } from '../cups';
import { DeskError, toAppError } from '../errors';
import { locateSipServers, type SipServer, type SipTransportKind } from '../sip';
import type { TraceSink } from '../trace';
import { normaliseAor, personaUri } from '../uri';
import { XcapBuddyList, entrySelector, listAt, listSelector } from './buddy-list';
import { RESOURCE_LISTS_AUID, entriesOf, entryElement, listElement } from './resource-lists';
import { XcapClient } from './xcap-client';
import { XcapDiffWatch } from './xcap-diff';
import type { SipAccount } from '../sip';
import { PRES_RULES_AUID, PRES_RULES_TYPE, presRulesDocument, readPresRules } from './pres-rules';
import type { WatcherRule } from '../../shared/domain';

export interface SimpleServerOptions {
  /** The user's SIP address, `alice@example.com` or `sip:alice@example.com`. */
  address: string;
  password: string;
  /** Outbound proxy (`host[:port]`) instead of the domain's DNS records. */
  proxy?: string;
  /** Only this SIP transport ('auto': the domain's order). */
  transport?: 'auto' | SipTransportKind;
  /** DNS servers (`host:port`) instead of the system's. */
  dnsServers?: string[];
  /** The XCAP root URI, when not found through DNS. */
  xcapRoot?: string;
  /** How often the buddy list is read again for other clients' edits (default 30 s; 0 never). */
  pollMs?: number;
  timeoutMs?: number;
  trace?: TraceSink;
  log?: (line: string) => void;
}

/** `alice@example.com` → user and domain; anything else is refused in words. */
export function splitSipAddress(raw: string): { user: string; domain: string; uri: string } {
  const address = raw.trim();
  const m = /^(?:sips?:)?([^@\s:;]+)@([A-Za-z0-9.-]+|\[[0-9a-fA-F:.]+\])$/.exec(address);
  if (!m) throw new DeskError('invalid-input', `"${address}" is not a SIP address: enter it as name@domain (for example alice@example.com).`);
  const user = m[1]!;
  const domain = m[2]!.toLowerCase();
  return { user, domain, uri: normaliseAor(`sip:${user}@${domain}`) };
}

export class SimpleServerSession {
  readonly user: string;
  readonly domain: string;
  readonly uri: string;
  private servers: SipServer[] = [];
  private list: XcapBuddyList | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private readonly log: (line: string) => void;
  private client: XcapClient | undefined;
  private listeners: Array<(groups: CupsGroup[], notice?: string) => void> = [];
  private rulesListeners: Array<(rules: WatcherRule[]) => void> = [];
  /** The pres-rules document's ETag as last read or written (null: none on the server). */
  private presRulesEtag: string | null | undefined;

  constructor(private readonly options: SimpleServerOptions) {
    const { user, domain, uri } = splitSipAddress(options.address);
    this.user = user;
    this.domain = domain;
    this.uri = uri;
    this.log = options.log ?? (() => {});
  }

  /** Finds the SIP and XCAP servers and reads the buddy list (the SIP registration then proves the password). */
  async login(): Promise<void> {
    const transport = this.options.transport && this.options.transport !== 'auto' ? this.options.transport : undefined;
    const where = this.options.proxy?.trim() || this.domain;
    this.servers = await locateSipServers(where, { dnsServers: this.options.dnsServers, ...(transport ? { transport } : {}), log: this.log });
    const root = this.options.xcapRoot?.trim() || (await this.findXcapRoot());
    this.log(`simple: ${this.uri}: SIP ${this.servers.map((s) => `${s.host}:${s.port}/${s.transport}`).join(', ')}; XCAP ${root}`);
    const client = new XcapClient({
      root,
      xui: this.uri,
      username: this.user,
      password: this.options.password,
      ...(this.options.timeoutMs ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(this.options.trace ? { trace: this.options.trace } : {}),
      log: this.log,
    });
    this.client = client;
    const list = new XcapBuddyList(client, this.domain, `sip:${this.user}-list@${this.domain}`, this.log);
    list.on('list', ({ groups, notice }) => this.listeners.forEach((l) => l(groups, notice)));
    await list.load();
    // So the list's one event-list subscription covers it from the first sign-in on.
    await list.writeRlsServices();
    this.list = list;
    this.startPolling();
  }

  async logout(): Promise<void> {
    this.stopPolling();
    this.listeners = [];
    this.rulesListeners = [];
  }

  /**
   * Subscribes to xcap-diff on the account for the buddy list and pres-rules; a NOTIFY with
   * content stops the periodic re-read, a failed subscription starts it again. Returns the way to stop.
   */
  watchChanges(sip: Pick<SipAccount, 'watchEvent'>): () => void {
    const list = this.requireList();
    const watch = new XcapDiffWatch({
      xui: this.uri,
      log: this.log,
      documents: [
        { auid: RESOURCE_LISTS_AUID, etag: () => list.documentEtag, reread: () => list.refresh() },
        { auid: PRES_RULES_AUID, etag: () => this.presRulesEtag ?? undefined, reread: () => this.rereadPresRules() },
      ],
      onLive: (live) => (live ? this.stopPolling() : this.startPolling()),
    });
    return watch.start((...args) => sip.watchEvent(...args));
  }

  /** Rules changed on the server (another client's edit, told by xcap-diff). */
  onWatcherRules(listener: (rules: WatcherRule[]) => void): () => void {
    this.rulesListeners.push(listener);
    return () => (this.rulesListeners = this.rulesListeners.filter((l) => l !== listener));
  }

  private async rereadPresRules(): Promise<void> {
    const { rules } = await this.readPresRules();
    this.rulesListeners.forEach((l) => l(rules));
  }

  private startPolling(): void {
    const list = this.list;
    const pollMs = this.options.pollMs ?? 30_000;
    if (!list || this.poll || pollMs <= 0) return;
    this.poll = setInterval(() => {
      list.refresh().catch((error) => this.log(`simple: reading the buddy list again failed: ${toAppError(error).message}`));
    }, pollMs);
    this.poll.unref?.();
  }

  private stopPolling(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
  }

  /** Changes of the list made elsewhere (or merged after a conflict), with words for the user when there is something to say. */
  onContactList(listener: (groups: CupsGroup[], notice?: string) => void): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  /** What the session reads from CUPS's get-all-config, from DNS and the XCAP document instead. */
  async getAllConfig(): Promise<AllConfig> {
    const [primary, ...rest] = this.servers;
    if (!primary) throw new DeskError('config', 'Sign-in has not found a SIP server yet.');
    const backup = rest.find((s) => s.host !== primary.host || s.port !== primary.port);
    const address = (s: SipServer) => ({ host: s.host, port: s.port, protocol: s.transport });
    return {
      system: {
        properties: {},
        presence: { primary: address(primary), ...(backup ? { backup: address(backup) } : {}), domain: this.domain },
        callControl: [],
        voiceMail: [],
        meetingPlace: [],
        directory: [],
        tftp: [],
        directoryMap: {},
      },
      user: { properties: {} },
      licensing: { base: true, im: true, audio: false, video: false },
      contacts: this.requireList().list,
      dialingRules: [],
    };
  }

  // A SIMPLE server keeps no call history: Recent lives on this device only.
  async addRecentComm(): Promise<{ ok: boolean; status: string }> {
    return { ok: true, status: 'kept on this device' };
  }

  async getRecentComm(): Promise<never[]> {
    return [];
  }

  // ── the buddy list: each item one conditional write of one part ───────────────────────

  async addGroups(groups: GroupSpec[]): Promise<ItemResult<GroupSpec>[]> {
    return this.each(groups, (g) =>
      this.requireList().edit(
        g,
        `adding the group "${g.name}"`,
        (now) =>
          now.some((x) => x.name === g.name) ? `there is already a group "${g.name}"` : { selector: listSelector(g.name), element: listElement(g.name) },
        (now) => [...now, { name: g.name, index: now.length + 1, contacts: [] }],
      ),
    );
  }

  /** A list's name is its key: the renamed list replaces the old one at its position, with its entries. */
  async modifyGroups(changes: GroupChange[]): Promise<ItemResult<GroupChange>[]> {
    return this.each(changes, (c) =>
      this.requireList().edit(
        c,
        `renaming "${c.oldName}"`,
        (now) => {
          const at = now.findIndex((x) => x.name === c.oldName);
          if (at < 0) return `the group "${c.oldName}" was deleted`;
          if (!c.newName || c.newName === c.oldName) return 'the group keeps its name';
          if (now.some((x) => x.name === c.newName)) return `there is already a group "${c.newName}"`;
          return { selector: listAt(at + 1), element: listElement(c.newName, entriesOf(now[at]!, this.domain)) };
        },
        (now) => now.map((x) => (x.name === c.oldName ? { ...x, name: c.newName! } : x)),
      ),
    );
  }

  async deleteGroups(names: string[]): Promise<ItemResult<GroupSpec>[]> {
    return this.each(
      names.map((name) => ({ name })),
      (g) =>
        this.requireList().edit(
          g,
          `deleting the group "${g.name}"`,
          (now) => (now.some((x) => x.name === g.name) ? { selector: listSelector(g.name) } : `the group "${g.name}" was already deleted`),
          (now) => now.filter((x) => x.name !== g.name),
        ),
    );
  }

  async addContacts(contacts: ContactSpec[]): Promise<ItemResult<ContactSpec>[]> {
    return this.each(contacts, (c) => this.putEntry(c, `adding ${c.personaId}`, false));
  }

  async modifyContacts(contacts: ContactSpec[]): Promise<ItemResult<ContactSpec>[]> {
    return this.each(contacts, (c) => this.putEntry(c, `renaming ${c.personaId}`, true));
  }

  async deleteContacts(contacts: ContactSpec[]): Promise<ItemResult<ContactSpec>[]> {
    return this.each(contacts, (c) => {
      const uri = personaUri(c.personaId, this.domain);
      return this.requireList().edit(
        c,
        `removing ${c.personaId}`,
        (now) => {
          const group = now.find((x) => x.name === c.group);
          if (!group) return `the group "${c.group}" was deleted`;
          if (!group.contacts.some((x) => personaUri(x.personaId, this.domain) === uri)) return `${c.personaId} was already removed from "${c.group}"`;
          return { selector: entrySelector(c.group, uri) };
        },
        (now) => now.map((g) => (g.name === c.group ? { ...g, contacts: g.contacts.filter((x) => personaUri(x.personaId, this.domain) !== uri) } : g)),
      );
    });
  }

  /** Adds an entry, or (`existing`) replaces the entry's display name; the entry is the smallest part that holds both. */
  private putEntry(c: ContactSpec, what: string, existing: boolean): Promise<ItemResult<ContactSpec>> {
    const uri = personaUri(c.personaId, this.domain);
    const nickname = c.nickname?.trim() || undefined;
    return this.requireList().edit(
      c,
      what,
      (now) => {
        const group = now.find((x) => x.name === c.group);
        if (!group) return `the group "${c.group}" was deleted`;
        const there = group.contacts.some((x) => personaUri(x.personaId, this.domain) === uri);
        if (existing && !there) return `${c.personaId} was removed from "${c.group}"`;
        if (!existing && there) return `${c.personaId} is already in "${c.group}"`;
        return { selector: entrySelector(c.group, uri), element: entryElement(uri, nickname) };
      },
      (now) =>
        now.map((g) => {
          if (g.name !== c.group) return g;
          const entry = { personaId: c.personaId, index: g.contacts.length + 1, ...(nickname ? { nickname } : {}) };
          return {
            ...g,
            contacts: existing
              ? g.contacts.map((x) => (personaUri(x.personaId, this.domain) === uri ? { ...x, ...entry, index: x.index } : x))
              : [...g.contacts, entry],
          };
        }),
    );
  }

  // ── pres-rules: who may see the user's presence ───────────────────────────────────────

  async getWatcherRules(): Promise<WatcherRule[]> {
    return (await this.readPresRules()).rules;
  }

  /**
   * The whole document, conditional on its ETag (the rules are one small document and servers
   * re-read it whole): on 412 another client changed it, so it is read again and `change` applied
   * to theirs, at most three times.
   */
  async changeWatcherRules(change: (rules: WatcherRule[]) => WatcherRule[]): Promise<WatcherRule[]> {
    const client = this.requireClient();
    const url = client.documentUrl(PRES_RULES_AUID);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { rules, etag } = await this.readPresRules();
      const next = change(rules);
      const res = await client.put(url, presRulesDocument(next), PRES_RULES_TYPE, etag);
      if (res.status >= 200 && res.status < 300) {
        this.presRulesEtag = res.etag ?? undefined;
        return next;
      }
      if (res.status !== 412) throw new DeskError('http', `the XCAP server answered ${res.status} when saving your presence rules`);
      this.log(`simple: presence rules changed elsewhere meanwhile (412); reading them again`);
    }
    throw new DeskError('http', 'your presence rules kept changing on another device; try again');
  }

  private async readPresRules(): Promise<{ rules: WatcherRule[]; etag: string | null }> {
    const client = this.requireClient();
    const res = await client.get(client.documentUrl(PRES_RULES_AUID));
    if (res.status === 404) {
      this.presRulesEtag = null;
      return { rules: [], etag: null };
    }
    if (res.status !== 200) throw new DeskError('http', `Reading your presence rules failed: the XCAP server answered ${res.status}.`);
    const rules = readPresRules(res.body);
    this.presRulesEtag = res.etag ?? null;
    return { rules, etag: res.etag ?? null };
  }

  private requireClient(): XcapClient {
    if (!this.client) throw new DeskError('invalid-input', 'Sign in first.');
    return this.client;
  }

  /** One item at a time: each write is conditional on the ETag the one before returned. */
  private async each<T>(items: T[], run: (item: T) => Promise<ItemResult<T>>): Promise<ItemResult<T>[]> {
    const results: ItemResult<T>[] = [];
    for (const item of items) results.push(await run(item));
    return results;
  }

  private requireList(): XcapBuddyList {
    if (!this.list) throw new DeskError('invalid-input', 'Sign in first.');
    return this.list;
  }

  private async findXcapRoot(): Promise<string> {
    const resolver = new Resolver({ timeout: 3000, tries: 2 });
    if (this.options.dnsServers?.length) resolver.setServers(this.options.dnsServers);
    for (const [prefix, scheme] of [
      ['_xcaps._tcp', 'https'],
      ['_xcap._tcp', 'http'],
    ] as const) {
      const records = await resolver.resolveSrv(`${prefix}.${this.domain}`).catch(() => []);
      const best = records.sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
      if (!best) continue;
      // Plain HTTP goes to the address these DNS servers give; HTTPS keeps the name its certificate must carry.
      const host = scheme === 'http' ? ((await resolver.resolve4(best.name).catch(() => []))[0] ?? best.name) : best.name;
      return `${scheme}://${host}:${best.port}/xcap-root`;
    }
    return `https://xcap.${this.domain}/xcap-root`;
  }
}
