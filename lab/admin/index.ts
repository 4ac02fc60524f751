/**
 * The lab as the CUPS administrator: changes a user's contacts and groups, the dialing rules,
 * system properties (IM on or off), licences and the presence server in the lab CUPS server,
 * then tells the affected users' clients as a real CUPS does, with a UCCN configuration change
 * over SIP: a PUBLISH of the payload (the lab's own encoder) to the user's own address in the
 * `ua-profile` event package, which Kamailio NOTIFYs to every client subscribed there. The
 * publication is removed at once, so a client that subscribes later is not told an old change
 * again (it read the current state at sign-in).
 */
import type { DialingRule } from '../../core/cups/types';
import type { LabCups } from '../cups/server';
import type { LabContact, LabGroup } from '../cups/operations';
import { BulkPublisher } from '../publisher';
import { uccnAcl, uccnContact, uccnGroup, uccnProperties, uccnRule, type LabUccnContact } from './uccn-codec';

export const LAB_CONFIG_EVENT = 'ua-profile';
export const LAB_CONFIG_TYPE = 'application/x-cisco-uccn+xml';

export interface LabAdminOptions {
  cups: LabCups;
  /** Kamailio's TCP listener. */
  sip: { host: string; port: number };
  domain: string;
  passwordOf: (id: string) => string;
  /** Users with a SIP account, told of changes that concern everyone (rules, system). */
  users: () => string[];
  /** Called after a user's contact list changed (the RLS lab mirrors it). */
  onContactListChange?: (id: string, groups: LabGroup[]) => Promise<void> | void;
  /** Off: change the lab state only, tell nobody (a server without UCCN). */
  notify?: boolean;
  log?: (line: string) => void;
}

export class LabAdmin {
  private publisher: BulkPublisher | undefined;
  /** Whether changes are announced over SIP (off: clients must re-read to see them). */
  notify: boolean;
  /**
   * Whether an edit a client makes over SOAP is told to all the user's clients (the editing one
   * included, as the notifier cannot tell them apart). On by default, as a real CUPS does; the
   * client checks such echoes against the server's list (core/config-change/own-edits.ts).
   * `npm run lab -- admin echo off` turns it off.
   */
  echoEdits = true;

  constructor(private readonly options: LabAdminOptions) {
    this.notify = options.notify ?? true;
    // As a real CUPS does: an edit one client makes over SOAP is told to all the user's clients.
    options.cups.admin.onListEdited = (user, before, after) => {
      if (!this.echoEdits) return;
      const told = this.listEdited(user, before, after).catch((error: Error) =>
        options.log?.(`lab admin: telling ${user} of an edit failed: ${error.message}`),
      );
      this.echoing.add(told);
      void told.finally(() => this.echoing.delete(told));
    };
  }

  private readonly echoing = new Set<Promise<void>>();

  /** Resolves once every echo of an edit made so far has been published (tests wait on it, not on time). */
  async echoesPublished(): Promise<void> {
    while (this.echoing.size) await Promise.all([...this.echoing]);
  }

  /** The UCCN payloads that turn `before` into `after` (groups by name, contacts by persona id), sent in order. */
  private async listEdited(user: string, before: LabGroup[], after: LabGroup[]): Promise<void> {
    const payloads: string[] = [];
    const removed = before.filter((g) => !after.some((x) => x.name === g.name));
    const added = after.filter((g) => !before.some((x) => x.name === g.name));
    // modify-group renames: one group gone and one come with the same contacts is a rename.
    if (removed.length === 1 && added.length === 1 && JSON.stringify(removed[0]!.contacts) === JSON.stringify(added[0]!.contacts)) {
      payloads.push(uccnGroup('update', { name: removed[0]!.name, index: removed[0]!.index }, { name: added[0]!.name, index: added[0]!.index }));
    } else {
      for (const g of removed) payloads.push(uccnGroup('delete', { name: g.name, index: g.index }));
      for (const g of added) {
        payloads.push(uccnGroup('insert', undefined, { name: g.name, index: g.index }));
        for (const c of g.contacts) payloads.push(uccnContact('insert', undefined, this.uccn(g, c)));
      }
    }
    for (const g of after) {
      const old = before.find((x) => x.name === g.name);
      if (!old) continue;
      for (const c of old.contacts) if (!g.contacts.some((x) => x.personaId === c.personaId)) payloads.push(uccnContact('delete', this.uccn(old, c)));
      for (const c of g.contacts) {
        const was = old.contacts.find((x) => x.personaId === c.personaId);
        if (!was) payloads.push(uccnContact('insert', undefined, this.uccn(g, c)));
        else if (was.nickname !== c.nickname || was.index !== c.index) payloads.push(uccnContact('update', this.uccn(old, was), this.uccn(g, c)));
      }
    }
    for (const payload of payloads) await this.tell(user, payload);
  }

  private groups(user: string): LabGroup[] {
    return this.options.cups.state(user).groups;
  }

  private group(user: string, name: string): LabGroup {
    const group = this.groups(user).find((g) => g.name === name);
    if (!group) throw new Error(`${user} has no group "${name}"`);
    return group;
  }

  async addGroup(user: string, name: string): Promise<void> {
    if (this.groups(user).some((g) => g.name === name)) throw new Error(`${user} already has a group "${name}"`);
    const index = Math.max(0, ...this.groups(user).map((g) => g.index)) + 1;
    this.groups(user).push({ name, index, contacts: [] });
    await this.listChanged(user, uccnGroup('insert', undefined, { name, index }));
  }

  async renameGroup(user: string, from: string, to: string): Promise<void> {
    const group = this.group(user, from);
    group.name = to;
    await this.listChanged(user, uccnGroup('update', { name: from, index: group.index }, { name: to, index: group.index }));
  }

  async deleteGroup(user: string, name: string): Promise<void> {
    const group = this.group(user, name);
    this.groups(user).splice(this.groups(user).indexOf(group), 1);
    await this.listChanged(user, uccnGroup('delete', { name, index: group.index }));
  }

  async addContact(user: string, groupName: string, personaId: string, nickname = ''): Promise<void> {
    const group = this.group(user, groupName);
    if (group.contacts.some((c) => c.personaId === personaId)) throw new Error(`${personaId} is already in "${groupName}"`);
    const contact: LabContact = { personaId, index: Math.max(0, ...group.contacts.map((c) => c.index)) + 1, nickname, displayOnPhone: false };
    group.contacts.push(contact);
    await this.listChanged(user, uccnContact('insert', undefined, this.uccn(group, contact)));
  }

  /** A nickname changed (by the administrator, or by the user on another client). */
  async renameContact(user: string, groupName: string, personaId: string, nickname: string): Promise<void> {
    const group = this.group(user, groupName);
    const at = group.contacts.findIndex((c) => c.personaId === personaId);
    if (at < 0) throw new Error(`${personaId} is not in "${groupName}"`);
    const old = group.contacts[at]!;
    group.contacts[at] = { ...old, nickname };
    await this.listChanged(user, uccnContact('update', this.uccn(group, old), this.uccn(group, group.contacts[at]!)));
  }

  async deleteContact(user: string, groupName: string, personaId: string): Promise<void> {
    const group = this.group(user, groupName);
    const old = group.contacts.find((c) => c.personaId === personaId);
    if (!old) throw new Error(`${personaId} is not in "${groupName}"`);
    group.contacts = group.contacts.filter((c) => c !== old);
    await this.listChanged(user, uccnContact('delete', this.uccn(group, old)));
  }

  /** Adds (or replaces, by name) a dialing rule for everyone. */
  async setDialRule(rule: DialingRule): Promise<void> {
    const rules = this.options.cups.admin.dialingRules;
    const at = rules.findIndex((r) => r.name === rule.name);
    const old = at < 0 ? undefined : rules[at];
    if (at < 0) rules.push(rule);
    else rules[at] = rule;
    await this.tellAll(uccnRule(old ? 'update' : 'insert', old, rule));
  }

  async deleteDialRule(name: string): Promise<void> {
    const rules = this.options.cups.admin.dialingRules;
    const at = rules.findIndex((r) => r.name === name);
    if (at < 0) throw new Error(`no dialing rule "${name}"`);
    const [old] = rules.splice(at, 1);
    await this.tellAll(uccnRule('delete', old));
  }

  /** IM on or off for the whole system (CUPSystemCfg `IM.enable`). */
  async setImEnabled(enabled: boolean): Promise<void> {
    this.options.cups.admin.systemProperties.set('IM.enable', enabled ? 'TRUE' : 'FALSE');
    await this.tellAll(uccnProperties('update-cupssystemcfg', [['IM.enable', enabled ? 'TRUE' : 'FALSE']]));
  }

  /** Moves everyone to another presence server (UcProxyProfile). */
  async movePresenceServer(server: { host: string; port: number; protocol: 'udp' | 'tcp' | 'tls' }): Promise<void> {
    const { presence } = this.options.cups.admin;
    // Told through the server everyone is on now, before they leave it.
    const payload = uccnProperties('update-host', [
      ['Presence.Primary.Address', server.host],
      ['Presence.Primary.Port', String(server.port)],
      ['Presence.Primary.Protocol', server.protocol.toUpperCase()],
      ['Presence.Backup.Address', presence.backup?.host ?? ''],
      ['Presence.Backup.Port', presence.backup ? String(presence.backup.port) : ''],
      ['Presence.Backup.Protocol', presence.backup?.protocol.toUpperCase() ?? ''],
      ['Presence.Domain', this.options.domain],
    ]);
    Object.assign(presence, { host: server.host, port: server.port, protocol: server.protocol });
    await this.tellAll(payload);
  }

  /**
   * Changes system properties (UcCtiGatewayHost `update-host` for `CallControl.*`, UcLdapHost
   * `update-ldap`, UcAttributeMap `update-ldapmapping` …) and tells everyone.
   */
  async setSystemProperties(action: string, properties: [string, string][]): Promise<void> {
    for (const [name, value] of properties) this.options.cups.admin.systemProperties.set(name, value);
    await this.tellAll(uccnProperties(action, properties));
  }

  /** Adds a watcher to one of a user's privacy rules (PeUriAcl), as another of their clients would. */
  async addWatcher(user: string, rule: string, watcher: string): Promise<void> {
    const acl = this.options.cups.state(user).acl;
    acl.set(rule, new Set([...(acl.get(rule) ?? []), watcher]));
    await this.tell(user, uccnAcl('add', rule, watcher));
  }

  /** A licence on or off (no UCCN payload carries licences: clients see it when they re-read). */
  setLicence(feature: 'im' | 'audio' | 'video', on: boolean): void {
    this.options.cups.admin.licensing[feature] = on;
  }

  /** The voicemail pilot number (VoiceMessagingPilot). */
  async setVoicemailPilot(number: string): Promise<void> {
    this.options.cups.admin.systemProperties.set('VoiceMail.PilotNumber', number);
    await this.tellAll(uccnProperties('update-host', [['VoiceMail.PilotNumber', number]]));
  }

  private uccn(group: LabGroup, contact: LabContact): LabUccnContact {
    return { group: group.name, groupIndex: group.index, personaId: contact.personaId, index: contact.index, nickname: contact.nickname };
  }

  private async listChanged(user: string, payload: string): Promise<void> {
    await this.options.onContactListChange?.(user, this.options.cups.contactList(user));
    await this.tell(user, payload);
  }

  private async tellAll(payload: string): Promise<void> {
    for (const user of this.options.users()) await this.tell(user, payload);
  }

  /** PUBLISHes the change to the user's own address (Kamailio NOTIFYs their clients), then withdraws it. */
  private async tell(user: string, payload: string): Promise<void> {
    if (!this.notify) return;
    const publisher = await this.connected();
    const who = { id: user, password: this.options.passwordOf(user) };
    await publisher.publishDocument(who, { event: LAB_CONFIG_EVENT, contentType: LAB_CONFIG_TYPE, body: payload, expires: 60 });
    await publisher.publishDocument(who, { event: LAB_CONFIG_EVENT, contentType: LAB_CONFIG_TYPE, body: '', expires: 0 });
    this.options.log?.(`lab admin: told ${user}: ${/<epas:action>([^<]*)/.exec(payload)?.[1] ?? 'change'}`);
  }

  private async connected(): Promise<BulkPublisher> {
    if (this.publisher) return this.publisher;
    const publisher = new BulkPublisher(this.options.sip, this.options.domain);
    await publisher.connect();
    this.publisher = publisher;
    return publisher;
  }

  async close(): Promise<void> {
    await this.publisher?.close();
    this.publisher = undefined;
  }
}
