// Over 400 lines: one owner of the list, its presence and its edits; splitting the edits out is the next step when it grows again.
/**
 * ContactList: the user's groups and contacts (in the server's document order), their
 * presence, the directory merge, and editing through CUPS. Every change after sign-in reaches
 * the renderer as `contacts:delta` (what changed), never as the whole list again.
 *
 * An edit is shown at once, then sent to the server; if the server refuses any item, the list
 * goes back to how it was (sent as a delta too) and the error carries the server's own words.
 * Presence subscriptions follow the list.
 */
import type { Contact, ContactChange, ContactGroup, Presence, PresenceUpdate } from '../../shared/domain';
import type { InvokeHandlers } from '../../shared/ipc';
import type { CupsGroup, ItemResult, SystemConfig } from '../cups';
import { ContactDirectory, directoryKey, enrichGroupsInPlace, type ContactDirectoryOptions } from '../directory';
import { DeskError, toAppError } from '../errors';
import { defaultListUri } from '../sip';
import { aorUser, normaliseAor, personaUri } from '../uri';
import { requireConnection, type Connection, type CupsLike, type SessionContext, type SipLike } from '../session/connection';
import { applyContactChanges } from '../../shared/contact-changes';
import { PresenceIcons } from './presence-icon';
import { diffGroups } from './delta';
import { contactDisplayName, contactUris, toContactGroups } from './rules';

/** Contacts subscribed to per turn of the event loop at sign-in (see `watchAll`). */
const WATCH_BATCH = 50;

export type ContactChannel =
  | 'contacts:add-group'
  | 'contacts:rename-group'
  | 'contacts:delete-group'
  | 'contacts:add'
  | 'contacts:rename'
  | 'contacts:move'
  | 'contacts:remove'
  | 'directory:search'
  | 'directory:status';

/** The directory's time limit, Diagnostics trace and photo cache folder. */
export type ContactListOptions = Pick<ContactDirectoryOptions, 'timeoutMs' | 'trace' | 'photoDir'>;

/** How the contact list is watched once signed in. */
interface Watching {
  connection: Connection;
  directory: ContactDirectory;
  /** Pictures named by presence documents (CIPID), and those fetched, by directory key. */
  icons: PresenceIcons;
  iconPhotos: Map<string, string>;
  /** The event-list URI when contacts are watched through one list subscription (RFC 4662). */
  listUri?: string;
}

export class ContactList {
  readonly handlers: Pick<InvokeHandlers, ContactChannel>;
  private groups: ContactGroup[] = [];
  private readonly presence = new Map<string, Presence>();
  /** Presence updates collected during one turn of the event loop, sent as one event. */
  private pendingPresence = new Map<string, Presence>();
  private presenceFlushScheduled = false;
  private watching: Watching | undefined;
  /** Goes up as an edit is sent and as it is answered; `editing` counts those unanswered (a list read meanwhile is stale). */
  editMark = 0;
  editing = 0;
  /** When the last edit was answered (its server echo may still be on the way: config-change/own-edits.ts). */
  lastEditAt = 0;

  constructor(
    private readonly context: SessionContext,
    private readonly options: ContactListOptions = {},
  ) {
    this.handlers = {
      'contacts:add-group': (name) => this.addGroup(name),
      'contacts:rename-group': (oldName, newName) => this.renameGroup(oldName, newName),
      'contacts:delete-group': (name) => this.deleteGroup(name),
      'contacts:add': (group, who, nickname) => this.addContact(group, who, nickname),
      'contacts:rename': (group, uri, nickname) => this.renameContact(group, uri, nickname),
      'contacts:move': (from, uri, to) => this.moveContact(from, uri, to),
      'contacts:remove': (group, uri) => this.removeContact(group, uri),
      'directory:search': (text) => this.requireWatching().directory.search(text),
      'directory:status': () => this.watching?.directory.status ?? { state: 'not-configured' },
    };
  }

  /** The current list (for the snapshot and exports). */
  get list(): ContactGroup[] {
    return this.groups;
  }

  presenceSnapshot(): Record<string, Presence> {
    return Object.fromEntries(this.presence);
  }

  contact(uri: string): Contact | undefined {
    return this.groups.flatMap((g) => g.contacts).find((c) => c.uri === uri);
  }

  /** Sign-in: takes the server's list, follows presence, starts watching everyone. */
  attach(connection: Connection): void {
    const directory = this.directoryFor(connection, connection.config.system);
    const listUri = presenceListUri(this.context.settings.get().presenceList, connection.user, connection.domain, connection.sip);
    this.watching = { connection, directory, icons: new PresenceIcons(this.context.log), iconPhotos: new Map(), ...(listUri ? { listUri } : {}) };
    this.groups = toContactGroups(connection.config.contacts, connection.domain);
    this.presence.clear();
    for (const uri of contactUris(this.groups)) this.presence.set(uri, unknownPresence());
    connection.unsubscribe.push(connection.sip.on('presence', (uri, presence) => this.onPresence(uri, presence)));
    const offServer = connection.cups.onContactList?.((groups, notice) => this.serverChanged(connection, groups, notice));
    if (offServer) connection.unsubscribe.push(offServer);
  }

  private directoryFor(connection: Connection, system: SystemConfig): ContactDirectory {
    const directory: ContactDirectory = new ContactDirectory({
      system,
      rules: () => connection.dialingRules,
      timeoutMs: this.options.timeoutMs,
      trace: this.options.trace,
      photoDir: this.options.photoDir,
      log: this.context.log,
      onStatus: (status) => this.watching?.directory === directory && this.context.emit('directory:status', status),
      onPeople: () => this.watching?.directory === directory && this.setGroups(this.groups.map((g) => ({ ...g }))),
    });
    return directory;
  }

  /**
   * The directory's servers or attribute map changed while signed in: the old connection is
   * closed, a new one made from the new configuration, and everyone on the list looked up and
   * merged again (until it answers, the list keeps what the old directory found).
   */
  reconnectDirectory(system: SystemConfig): void {
    const watching = this.watching;
    if (!watching) return;
    const old = watching.directory;
    watching.directory = this.directoryFor(watching.connection, system);
    void old.close();
    const status = watching.directory.status;
    this.context.log(
      `directory: the configuration changed; ${status.state === 'not-configured' ? 'no directory is configured now' : `reconnecting to ${status.server}`}`,
    );
    this.context.emit('directory:status', status);
    void watching.directory.lookup(this.groups.flatMap((g) => g.contacts.map((c) => c.personaId)));
  }

  /** The server's list changed (another device's edit, or merged after a conflict): shown as a delta, with words when there are any. */
  private serverChanged(connection: Connection, groups: CupsGroup[], notice?: string): void {
    if (this.watching?.connection !== connection) return;
    this.setGroups(toContactGroups(groups, connection.domain));
    this.syncList();
    if (notice) {
      this.context.log(`contacts: ${notice}`);
      this.context.emit('contacts:notice', notice);
    }
  }

  /** Once registered: SUBSCRIBE, send the whole list once, look people up in the directory. */
  start(): void {
    const watching = this.requireWatching();
    if (watching.listUri) this.syncList();
    else this.watchAll(watching, [...contactUris(this.groups)]);
    this.context.emit('contacts:changed', this.groups);
    // Numbers, names and titles from the directory arrive later; sign-in does not wait for them.
    void watching.directory.lookup(this.groups.flatMap((g) => g.contacts.map((c) => c.personaId)));
  }

  /** Sign-out or a failed sign-in: the list is emptied (sent whole: it is the end of the list). */
  detach(): void {
    if (this.watching) void this.watching.directory.close();
    this.watching = undefined;
    this.groups = [];
    this.presence.clear();
    this.pendingPresence.clear();
    this.context.emit('contacts:changed', this.groups);
  }

  private requireWatching(): Watching {
    requireConnection(this.context);
    if (!this.watching) throw new DeskError('invalid-input', 'Sign in first.');
    return this.watching;
  }

  /**
   * Subscribes to every contact, a batch per turn of the event loop: each SUBSCRIBE, its
   * challenge and its first NOTIFY cost sip.js real parsing time, and thousands of them in one
   * go would keep the host from answering the renderer (or the server's other traffic) for
   * seconds. Small lists are subscribed at once.
   */
  private watchAll(watching: Watching, uris: string[]): void {
    let at = 0;
    const batch = () => {
      if (this.watching !== watching) return; // signed out meanwhile
      for (const end = Math.min(uris.length, at + WATCH_BATCH); at < end; at++) watching.connection.sip.watch(uris[at]);
      if (at < uris.length) setImmediate(batch);
    };
    batch();
  }

  private onPresence(rawUri: string, presence: Presence): void {
    const uri = normaliseAor(rawUri);
    if (presence.icon && presence.icon !== this.presence.get(uri)?.icon) this.showIcon(uri, presence.icon);
    this.presence.set(uri, presence);
    this.pendingPresence.set(uri, presence);
    if (this.presenceFlushScheduled) return;
    this.presenceFlushScheduled = true;
    // Many NOTIFYs arrive in bursts (sign-in, RLS lists): send them as one event per turn.
    setImmediate(() => {
      this.presenceFlushScheduled = false;
      const updates: PresenceUpdate[] = [...this.pendingPresence].map(([u, p]) => ({ uri: u, presence: p }));
      this.pendingPresence = new Map();
      if (updates.length) this.context.emit('presence:changed', updates);
    });
  }

  /** A CIPID icon named by a contact's presence: fetched safely, shown when the directory has no photo. */
  private showIcon(uri: string, address: string): void {
    const watching = this.watching;
    if (!watching) return;
    void watching.icons.get(address).then((photo) => {
      const personaId = this.contact(uri)?.personaId;
      if (!photo || this.watching !== watching || personaId === undefined || this.presence.get(uri)?.icon !== address) return;
      watching.iconPhotos.set(directoryKey(personaId), photo);
      this.setGroups(this.groups.map((g) => ({ ...g })));
    });
  }

  // ── the list and its deltas ───────────────────────────────────────────────────────────

  /** A change made on the server (UCCN, or the list re-read): one delta, subscriptions following. */
  applyServerList(groups: ContactGroup[], renamed?: { from: string; to: string }): ContactChange[] {
    if (!this.watching) return [];
    const changes = this.setGroups(groups, renamed);
    if (changes.length) this.syncList();
    return changes;
  }

  /** Makes `raw` the list: directory data merged, subscriptions following, one delta sent. */
  private setGroups(raw: ContactGroup[], renamed?: { from: string; to: string }): ContactChange[] {
    const watching = this.watching;
    const directory = watching?.directory;
    // The directory's photos win over presence icons.
    const photos = watching && watching.iconPhotos.size > 0 ? new Map([...watching.iconPhotos, ...directory!.photos]) : directory?.photos;
    const groups = directory ? enrichGroupsInPlace(raw, directory.people, photos) : raw;
    const had = contactUris(this.groups);
    const has = contactUris(groups);
    const changes = diffGroups(this.groups, groups, renamed);
    this.groups = groups;
    const sip = watching?.connection.sip;
    // With an event list, members follow the server's list once the server confirmed the change (syncList).
    const perContact = !watching?.listUri;
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
    if (changes.length) this.context.emit('contacts:delta', changes);
    return changes;
  }

  /** Event-list mode: the list subscription follows the contact list (it re-reads the server's list). */
  private syncList(): void {
    const watching = this.watching;
    if (!watching?.listUri) return;
    watching.connection.sip.watchList?.(watching.listUri, [...contactUris(this.groups)]);
  }

  /**
   * Applies a change to the list at once (the UI shows it immediately), then asks the server.
   * `apply` gets a copy of the groups (their contact arrays copied too) and replaces, never
   * mutates, the contacts it changes, so the delta compares only those.
   */
  private async changeList(
    what: string,
    apply: (groups: ContactGroup[]) => void,
    send: (cups: CupsLike) => Promise<ItemResult<unknown>[]>,
    renamed?: { from: string; to: string },
  ): Promise<ContactChange[]> {
    const connection = requireConnection(this.context);
    const before = this.groups;
    const after = before.map((g) => ({ ...g, contacts: [...g.contacts] }));
    apply(after);
    const changes = this.setGroups(after, renamed);
    this.editMark++;
    this.editing++;
    try {
      const results = await send(connection.cups);
      const refused = results.find((r) => !r.ok);
      if (refused) throw new DeskError('soap-fault', `${what} failed: ${refused.status}`);
      if (results.length === 0) throw new DeskError('parse', `${what} failed: the server did not say whether it worked.`);
      this.syncList();
    } catch (error) {
      // Undo only this edit: a directory merge may have changed the list meanwhile.
      const back = renamed && { from: renamed.to, to: renamed.from };
      const undo = diffGroups(after, before, back);
      if (undo.length) this.setGroups(applyContactChanges(this.groups, undo), back);
      this.syncList();
      const app = toAppError(error);
      this.context.log(`contacts: ${what} failed: ${app.message}`);
      throw error instanceof DeskError ? error : new DeskError(app.code, `${what} failed: ${app.message}`, app.detail);
    } finally {
      this.editing--;
      this.editMark++;
      this.lastEditAt = Date.now();
    }
    return changes;
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
    return this.watching?.connection.domain ?? '';
  }

  /** What CUPS calls a persona id: the user part for our own domain, the address otherwise. */
  private personaIdOf(who: string): string {
    const aor = normaliseAor(who.includes('@') || /^sips?:/i.test(who) ? who : `sip:${who}@${this.domain}`);
    return aor.endsWith(`@${this.domain.toLowerCase()}`) ? aorUser(aor) : aor.slice(4);
  }

  // ── editing ───────────────────────────────────────────────────────────────────────────

  async addGroup(rawName: string): Promise<ContactChange[]> {
    const name = String(rawName ?? '').trim();
    if (!name) throw new DeskError('invalid-input', 'Enter a name for the group.');
    if (this.groups.some((g) => g.name === name)) throw new DeskError('invalid-input', `There is already a group "${name}".`);
    const index = Math.max(0, ...this.groups.map((g) => g.index)) + 1;
    return this.changeList(
      `Adding the group "${name}"`,
      (groups) => groups.push({ name, index, contacts: [] }),
      (cups) => cups.addGroups([{ name, index }]),
    );
  }

  async renameGroup(oldName: string, rawNew: string): Promise<ContactChange[]> {
    const newName = String(rawNew ?? '').trim();
    this.group(oldName);
    if (!newName) throw new DeskError('invalid-input', 'Enter a name for the group.');
    if (newName !== oldName && this.groups.some((g) => g.name === newName)) throw new DeskError('invalid-input', `There is already a group "${newName}".`);
    return this.changeList(
      `Renaming "${oldName}"`,
      (groups) => (this.group(oldName, groups).name = newName),
      (cups) => cups.modifyGroups([{ oldName, newName }]),
      { from: oldName, to: newName },
    );
  }

  async deleteGroup(name: string): Promise<ContactGroup> {
    const removed = structuredClone(this.group(name));
    await this.changeList(
      `Deleting the group "${name}"`,
      (groups) =>
        groups.splice(
          groups.findIndex((g) => g.name === name),
          1,
        ),
      (cups) => cups.deleteGroups([name]),
    );
    return removed;
  }

  async addContact(groupName: string, rawWho: string, rawNickname = ''): Promise<ContactChange[]> {
    const group = this.group(groupName);
    const who = String(rawWho ?? '').trim();
    if (!who) throw new DeskError('invalid-input', 'Enter a user name or SIP address.');
    const personaId = this.personaIdOf(who);
    const uri = personaUri(personaId, this.domain);
    if (group.contacts.some((c) => c.uri === uri)) throw new DeskError('invalid-input', `${personaId} is already in "${groupName || 'Contacts'}".`);
    const index = Math.max(0, ...group.contacts.map((c) => c.index)) + 1;
    const nickname = String(rawNickname ?? '').trim();
    const contact: Contact = { personaId, uri, nickname, displayName: contactDisplayName({ nickname, uri }), index, displayOnPhone: false, numbers: [] };
    return this.changeList(
      `Adding ${personaId}`,
      (groups) => this.group(groupName, groups).contacts.push(contact),
      (cups) => cups.addContacts([{ group: groupName, personaId, index, ...(nickname ? { nickname } : {}) }]),
    );
  }

  async renameContact(groupName: string, uri: string, rawNickname: string): Promise<ContactChange[]> {
    const contact = this.contactIn(this.group(groupName), uri);
    const nickname = String(rawNickname ?? '').trim();
    return this.changeList(
      `Renaming ${contact.displayName}`,
      (groups) => {
        const g = this.group(groupName, groups);
        g.contacts = g.contacts.map((c) => (c.uri === contact.uri ? { ...c, nickname, displayName: contactDisplayName({ ...c, nickname }) } : c));
      },
      (cups) => cups.modifyContacts([{ group: groupName, personaId: contact.personaId, nickname }]),
    );
  }

  /** CUPS has no move: the contact is added to the new group, then removed from the old one. */
  async moveContact(fromGroup: string, uri: string, toGroup: string): Promise<ContactChange[]> {
    const contact = this.contactIn(this.group(fromGroup), uri);
    const target = this.group(toGroup);
    if (fromGroup === toGroup) return [];
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
}

function unknownPresence(): Presence {
  return { availability: 'unknown', note: '', updatedAt: 0, devices: [] };
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
