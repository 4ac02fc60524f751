/**
 * The contact list's two rules, written once.
 * - Order: the server's document order, groups and contacts alike. The core never sorts the
 *   list; how it is sorted on screen (by name, by status, by the server's `index`) is the
 *   renderer's choice (renderer/src/buddy-model.ts).
 * - Display name: the user's nickname, else the directory's name, else the user part of the
 *   address.
 */
import type { Contact, ContactGroup } from '../../shared/domain';
import type { CupsGroup } from '../cups';
import { aorUser, personaUri } from '../uri';

/** The name shown for a contact. */
export function contactDisplayName(contact: Pick<Contact, 'nickname' | 'uri'> & { directoryName?: string }): string {
  return contact.nickname || contact.directoryName || aorUser(contact.uri);
}

/** CUPS contact list → the renderer's groups, in the server's document order. */
export function toContactGroups(groups: CupsGroup[], domain: string): ContactGroup[] {
  return groups.map((group) => ({
    name: group.name,
    index: group.index,
    contacts: group.contacts.map((c): Contact => {
      const uri = personaUri(c.personaId, domain);
      return { personaId: c.personaId, uri, nickname: c.nickname, displayName: contactDisplayName({ nickname: c.nickname, uri }), index: c.index, displayOnPhone: c.displayOnPhone, numbers: [] };
    }),
  }));
}

/** Every contact's address once, whichever groups they are in. */
export function contactUris(groups: ContactGroup[]): Set<string> {
  return new Set(groups.flatMap((g) => g.contacts.map((c) => c.uri)));
}
