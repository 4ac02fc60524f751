/**
 * The changes between two versions of the contact list, as `contacts:delta` sends them:
 * removals, then group renames, then additions at their final positions, then each group's
 * contact removals, changes and additions. `applyContactChanges` (shared/contact-changes.ts)
 * turns the old list into the new one with them. A list whose kept items changed their
 * relative order (the server reordered it) is sent whole, as one `reset`.
 *
 * Cost: one pass over both lists; contacts that are the same object are skipped without a
 * field comparison, so a rename among 5,000 contacts compares one contact.
 */
import type { Contact, ContactChange, ContactGroup } from '../../shared/domain';

export function diffGroups(before: readonly ContactGroup[], after: readonly ContactGroup[], renamed?: { from: string; to: string }): ContactChange[] {
  if (before === after) return [];
  const newName = (name: string) => (renamed && name === renamed.from ? renamed.to : name);
  const afterByName = new Map(after.map((g) => [g.name, g]));
  const beforeByNew = new Map(before.map((g) => [newName(g.name), g]));
  const keptBefore = before.filter((g) => afterByName.has(newName(g.name))).map((g) => newName(g.name));
  const keptAfter = after.filter((g) => beforeByNew.has(g.name)).map((g) => g.name);
  if (!sameOrder(keptBefore, keptAfter)) return [{ kind: 'reset', groups: [...after] }];

  const changes: ContactChange[] = [];
  for (const g of before) if (!afterByName.has(newName(g.name))) changes.push({ kind: 'group-removed', name: g.name });
  for (const g of before) {
    const now = afterByName.get(newName(g.name));
    if (now && (now.name !== g.name || now.index !== g.index))
      changes.push({ kind: 'group-changed', name: g.name, group: { name: now.name, index: now.index } });
  }
  after.forEach((g, position) => {
    if (!beforeByNew.has(g.name)) changes.push({ kind: 'group-added', group: g, position });
  });
  for (const g of after) {
    const old = beforeByNew.get(g.name);
    if (!old || old.contacts === g.contacts) continue;
    const contactChanges = diffContacts(g.name, old.contacts, g.contacts);
    if (!contactChanges) return [{ kind: 'reset', groups: [...after] }];
    changes.push(...contactChanges);
  }
  return changes;
}

function diffContacts(group: string, before: readonly Contact[], after: readonly Contact[]): ContactChange[] | undefined {
  const afterByUri = new Map(after.map((c) => [c.uri, c]));
  const beforeByUri = new Map(before.map((c) => [c.uri, c]));
  const keptBefore = before.filter((c) => afterByUri.has(c.uri)).map((c) => c.uri);
  const keptAfter = after.filter((c) => beforeByUri.has(c.uri)).map((c) => c.uri);
  if (!sameOrder(keptBefore, keptAfter)) return undefined;
  const changes: ContactChange[] = [];
  for (const c of before) if (!afterByUri.has(c.uri)) changes.push({ kind: 'contact-removed', group, uri: c.uri });
  for (const c of after) {
    const old = beforeByUri.get(c.uri);
    if (old && old !== c && !sameContact(old, c)) changes.push({ kind: 'contact-changed', group, contact: c });
  }
  after.forEach((c, position) => {
    if (!beforeByUri.has(c.uri)) changes.push({ kind: 'contact-added', group, contact: c, position });
  });
  return changes;
}

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const FIELDS = ['personaId', 'uri', 'nickname', 'displayName', 'index', 'displayOnPhone', 'directoryName', 'email', 'title'] as const;

function sameContact(a: Contact, b: Contact): boolean {
  return (
    FIELDS.every((f) => a[f] === b[f]) && a.numbers.join('\n') === b.numbers.join('\n') && JSON.stringify(a.phones ?? []) === JSON.stringify(b.phones ?? [])
  );
}
