/**
 * Directory entries → people: attributes picked through the server's `Directory.Map.*`, phone
 * numbers labelled by the field they came from and run through the server's directory-lookup
 * rules (type 2), so each number also carries the form the phone system knows it by.
 */
import type { Contact, ContactGroup, DirectoryPerson, PhoneNumber } from '../../shared/domain';
import { applyDialingRules, type DialingRule } from '../dialing';
import type { AttributeMap } from './config';
import { contactDisplayName } from '../contacts/rules';
import { photoFromBytes } from './photo';

/** An entry as the LDAP client returns it: attribute → value or values. */
export type RawEntry = Record<string, unknown>;

/** Attribute names differ in case between map and server; values may be one or many. */
function values(entry: RawEntry, attribute: string | undefined): string[] {
  if (!attribute) return [];
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  if (!key) return [];
  const raw = entry[key];
  const list = Array.isArray(raw) ? raw : [raw];
  return list
    .map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'string' ? v : ''))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Longest text kept from any directory field: a directory is not trusted to be tidy. */
const MAX_FIELD = 256;
const clip = (v: string) => (v.length > MAX_FIELD ? `${v.slice(0, MAX_FIELD - 1)}…` : v);

export function phoneFrom(label: PhoneNumber['label'], number: string, rules: DialingRule[]): PhoneNumber {
  const plan = applyDialingRules(number, rules, 'directory');
  if (plan.error) return { label, number, error: plan.error, ...(plan.problem ? { problem: plan.problem } : {}) };
  return { label, number, lookup: plan.dial, ...(plan.rule ? { lookupRule: plan.rule.name } : {}) };
}

/** The first binary value of the photo attribute as a `data:` URL; a refused one is logged. */
function photoOf(entry: RawEntry, attribute: string | undefined, who: string, log?: (line: string) => void): string | undefined {
  if (!attribute) return undefined;
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const bytes = key ? [entry[key]].flat().find((v): v is Buffer => Buffer.isBuffer(v)) : undefined;
  if (!bytes) return undefined;
  const photo = photoFromBytes(bytes);
  if (photo.ok) return photo.dataUrl;
  log?.(`directory: the photo of ${who} is not shown: ${photo.problem}.`);
  return undefined;
}

/** One entry → a person; `undefined` when the entry has no user id. */
export function mapEntry(entry: RawEntry, map: AttributeMap, rules: DialingRule[], log?: (line: string) => void): DirectoryPerson | undefined {
  const userId = values(entry, map.userId)[0];
  if (!userId) return undefined;
  const displayName = map.displayName.map((a) => values(entry, a)[0]).find(Boolean) ?? userId;
  const email = values(entry, map.email)[0];
  const title = values(entry, map.title)[0];
  const seen = new Set<string>();
  const phones: PhoneNumber[] = [];
  for (const { label, attribute } of map.phones) {
    for (const number of values(entry, attribute)) {
      const key = number.replace(/[^0-9+]/g, '') || number;
      if (seen.has(key)) continue; // the same number under two fields is shown once
      seen.add(key);
      phones.push(phoneFrom(label, clip(number), rules));
    }
  }
  const photo = photoOf(entry, map.photo, userId, log);
  return {
    userId: clip(userId),
    displayName: clip(displayName),
    ...(email ? { email: clip(email) } : {}),
    ...(title ? { title: clip(title) } : {}),
    ...(photo ? { photo } : {}),
    phones,
  };
}

/** The key a contact is found by in the directory: its persona id (the user id). */
export const directoryKey = (personaId: string) => personaId.trim().toLowerCase();

/**
 * Adds what the directory knows to the contacts. The shown name stays the nickname when there
 * is one, else the directory's name, else the persona id (as `Contact.displayName` says).
 */
export function enrichGroups(groups: ContactGroup[], people: ReadonlyMap<string, DirectoryPerson>, photos?: ReadonlyMap<string, string>): ContactGroup[] {
  if (people.size === 0 && !photos?.size) return groups;
  return groups.map((g) => ({
    ...g,
    contacts: g.contacts.map((c) => enrichContact(c, people.get(directoryKey(c.personaId)), photos?.get(directoryKey(c.personaId)))),
  }));
}

/**
 * The same, changing the given groups' contact lists rather than building new groups: the
 * session compares its list by identity to know whether a failed edit may be rolled back.
 */
export function enrichGroupsInPlace(
  groups: ContactGroup[],
  people: ReadonlyMap<string, DirectoryPerson>,
  photos?: ReadonlyMap<string, string>,
): ContactGroup[] {
  if (people.size === 0 && !photos?.size) return groups;
  for (const g of groups) g.contacts = g.contacts.map((c) => enrichContact(c, people.get(directoryKey(c.personaId)), photos?.get(directoryKey(c.personaId))));
  return groups;
}

/** `cachedPhoto`: the photo kept on disk from an earlier lookup, shown until the directory answers. */
export function enrichContact(contact: Contact, person: DirectoryPerson | undefined, cachedPhoto?: string): Contact {
  if (!person) return cachedPhoto && contact.photo !== cachedPhoto ? { ...contact, photo: cachedPhoto } : contact;
  return {
    ...contact,
    displayName: contactDisplayName({ nickname: contact.nickname, directoryName: person.displayName, uri: contact.uri }),
    directoryName: person.displayName,
    numbers: person.phones.map((p) => p.number),
    phones: person.phones,
    ...(person.email ? { email: person.email } : {}),
    ...(person.title ? { title: person.title } : {}),
    ...(person.photo || cachedPhoto ? { photo: person.photo ?? cachedPhoto } : {}),
  };
}
