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
  // Absent attributes stay absent in what was read; the app's model fills them here, once:
  // the position in the document for a missing index, no nickname, not shown on the phone.
  return groups.map((group, gi) => ({
    name: group.name,
    index: group.index ?? gi,
    contacts: group.contacts.map((c, ci): Contact => {
      const uri = personaUri(c.personaId, domain);
      const nickname = c.nickname ?? '';
      return {
        personaId: c.personaId,
        uri,
        nickname,
        displayName: contactDisplayName({ nickname, uri }),
        index: c.index ?? ci,
        displayOnPhone: c.displayOnPhone ?? false,
        numbers: [],
      };
    }),
  }));
}

/** Every contact's address once, whichever groups they are in. */
export function contactUris(groups: ContactGroup[]): Set<string> {
  return new Set(groups.flatMap((g) => g.contacts.map((c) => c.uri)));
}
