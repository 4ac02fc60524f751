/**
 * Applying contact-list changes (`contacts:delta`) to a list, in order. Untouched groups and
 * contacts keep their identity, so the renderer re-indexes and redraws only what changed.
 * The core's `diffGroups` (core/contacts/delta.ts) produces changes this function turns the
 * old list into the new one with; a test holds the two together.
 */
import type { ContactChange, ContactGroup } from './domain';

export function applyContactChanges(groups: readonly ContactGroup[], changes: readonly ContactChange[]): ContactGroup[] {
  let next = [...groups];
  const at = (name: string) => next.findIndex((g) => g.name === name);
  // Each group is copied once, the first time one of its contacts changes.
  const copied = new Set<ContactGroup>();
  const own = (name: string): ContactGroup | undefined => {
    const i = at(name);
    if (i < 0) return undefined;
    if (!copied.has(next[i])) {
      next[i] = { ...next[i], contacts: [...next[i].contacts] };
      copied.add(next[i]);
    }
    return next[i];
  };
  for (const change of changes) {
    switch (change.kind) {
      case 'reset':
        next = [...change.groups];
        copied.clear();
        break;
      case 'group-added':
        next.splice(Math.min(change.position, next.length), 0, change.group);
        break;
      case 'group-removed': {
        const i = at(change.name);
        if (i >= 0) next.splice(i, 1);
        break;
      }
      case 'group-changed': {
        const i = at(change.name);
        if (i >= 0) next[i] = { ...next[i], name: change.group.name, index: change.group.index };
        break;
      }
      case 'contact-added': {
        const g = own(change.group);
        g?.contacts.splice(Math.min(change.position, g.contacts.length), 0, change.contact);
        break;
      }
      case 'contact-changed': {
        const g = own(change.group);
        const i = g ? g.contacts.findIndex((c) => c.uri === change.contact.uri) : -1;
        if (g && i >= 0) g.contacts[i] = change.contact;
        break;
      }
      case 'contact-removed': {
        const g = own(change.group);
        const i = g ? g.contacts.findIndex((c) => c.uri === change.uri) : -1;
        if (g && i >= 0) g.contacts.splice(i, 1);
        break;
      }
    }
  }
  return next;
}
