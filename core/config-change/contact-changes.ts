/**
 * A UCCN contact or group change applied to the buddy list, as a new list that shares every
 * untouched group and contact with the old one (so `diffGroups` sends only what changed and the
 * renderer redraws only those rows). Changes are idempotent: a change already in the list (the
 * server repeating itself, or an edit this client made) gives back the same list.
 */
import type { Contact, ContactGroup } from '../../shared/domain';
import type { ConfigChange, UccnContact } from '../cups/uccn';
import { contactDisplayName } from '../contacts/rules';
import { normaliseAor, personaUri } from '../uri';

export interface ListChange {
  groups: ContactGroup[];
  /** A group renamed (so the delta says "renamed", not "removed and added"). */
  renamed?: { from: string; to: string };
  /** What happened, in words, for the log and Diagnostics. */
  said: string;
}

const num = (value: string | undefined, fallback: number) =>
  value !== undefined && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : fallback;

/** The list after `change`, or undefined when the list already says so (nothing to send). */
export function applyListChange(groups: ContactGroup[], change: ConfigChange, domain: string): ListChange | undefined {
  if (change.kind === 'group') return applyGroup(groups, change);
  if (change.kind === 'contact') return applyContact(groups, change, domain);
  return undefined;
}

function applyGroup(groups: ContactGroup[], change: Extract<ConfigChange, { kind: 'group' }>): ListChange | undefined {
  const { old, new: fresh } = change;
  const has = (name: string) => groups.some((g) => g.name === name);
  if (change.op === 'insert' && fresh) {
    if (has(fresh.name)) return undefined;
    const index = num(fresh.index, Math.max(0, ...groups.map((g) => g.index)) + 1);
    return { groups: [...groups, { name: fresh.name, index, contacts: [] }], said: `The group "${fresh.name}" was added.` };
  }
  if (change.op === 'delete' && old) {
    if (!has(old.name)) return undefined;
    return { groups: groups.filter((g) => g.name !== old.name), said: `The group "${old.name}" was removed.` };
  }
  if (change.op === 'update' && fresh) {
    const from = old?.name ?? fresh.name;
    const group = groups.find((g) => g.name === from);
    if (!group || (from !== fresh.name && has(fresh.name))) return undefined;
    const index = num(fresh.index, group.index);
    if (group.name === fresh.name && group.index === index) return undefined;
    const renamed = from !== fresh.name ? { from, to: fresh.name } : undefined;
    return {
      groups: groups.map((g) => (g === group ? { ...g, name: fresh.name, index } : g)),
      ...(renamed ? { renamed } : {}),
      said: renamed ? `The group "${from}" is now "${fresh.name}".` : `The group "${from}" moved.`,
    };
  }
  return undefined;
}

function toContact(c: UccnContact, domain: string, index: number): Contact {
  const uri = personaUri(c.personaId, domain);
  const nickname = c.nickname ?? '';
  return { personaId: c.personaId, uri, nickname, displayName: contactDisplayName({ nickname, uri }), index, displayOnPhone: false, numbers: [] };
}

function applyContact(groups: ContactGroup[], change: Extract<ConfigChange, { kind: 'contact' }>, domain: string): ListChange | undefined {
  const { old, new: fresh } = change;
  const uriOf = (c: UccnContact) => normaliseAor(personaUri(c.personaId, domain));
  const without = (list: ContactGroup[], c: UccnContact) => {
    const uri = uriOf(c);
    const group = list.find((g) => g.name === c.group);
    if (!group?.contacts.some((x) => x.uri === uri)) return undefined;
    return list.map((g) => (g === group ? { ...g, contacts: g.contacts.filter((x) => x.uri !== uri) } : g));
  };
  if (change.op === 'delete' && old) {
    const after = without(groups, old);
    return after && { groups: after, said: `${old.nickname || old.personaId} was removed from "${old.group}".` };
  }
  if (!fresh) return undefined;
  const uri = uriOf(fresh);
  // An update that moved the contact: out of the old group first.
  const moved = change.op === 'update' && old && old.group !== fresh.group ? without(groups, old) : undefined;
  const base = moved ?? groups;
  let group = base.find((g) => g.name === fresh.group);
  let list = base;
  if (!group) {
    // The server names a group this list does not have yet (its insert-group may follow): make it.
    group = { name: fresh.group, index: num(fresh.groupIndex, Math.max(0, ...base.map((g) => g.index)) + 1), contacts: [] };
    list = [...base, group];
  }
  const existing = group.contacts.find((c) => c.uri === uri);
  if (existing) {
    const nickname = fresh.nickname ?? existing.nickname;
    const index = num(fresh.index, existing.index);
    if (existing.nickname === nickname && existing.index === index) return moved ? { groups: list, said: `${nickname || fresh.personaId} moved.` } : undefined;
    const updated: Contact = { ...existing, nickname, index, displayName: contactDisplayName({ ...existing, nickname }) };
    return {
      groups: list.map((g) => (g === group ? { ...g, contacts: g.contacts.map((c) => (c === existing ? updated : c)) } : g)),
      said: `${existing.displayName} is now shown as ${updated.displayName}.`,
    };
  }
  const index = num(fresh.index, Math.max(0, ...group.contacts.map((c) => c.index)) + 1);
  // A moved contact keeps what the directory added to it.
  const before = moved ? groups.find((g) => g.name === old?.group)?.contacts.find((c) => c.uri === uri) : undefined;
  const nickname = fresh.nickname ?? before?.nickname ?? '';
  const contact = before ? { ...before, nickname, index, displayName: contactDisplayName({ ...before, nickname }) } : toContact(fresh, domain, index);
  const target = group;
  return {
    groups: list.map((g) => (g === target ? { ...g, contacts: [...g.contacts, contact] } : g)),
    said: `${contact.displayName} was added to "${fresh.group}".`,
  };
}
