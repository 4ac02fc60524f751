/**
 * The buddy list's model, without React: search keys, filtering, sorting, group counts and the
 * flat row list the virtualized view draws. Everything here is sized for 5,000 contacts:
 *
 * - `indexGroups` runs once per contact-list change and precomputes each contact's lowercase
 *   search key, the digits of its numbers and its place in name order, so a keystroke is one
 *   `includes` per contact and never a rebuild of those strings.
 * - `filterGroups` narrows the previous result when the query only grew (typing forward).
 * - `flattenRows` turns groups into header and contact rows; presence only feeds the counts
 *   and the status order, so a presence change costs one pass, not a re-index.
 */
import type { Availability, Contact, ContactGroup, Presence } from '../../shared/domain';
import { locale } from './i18n';
import { ONLINE } from './presence-look';

/**
 * How contacts are ordered within a group: by name, by status, or as the server listed them
 * ("Server order": the contact list's document order, which the core keeps as received).
 */
export type SortMode = 'name' | 'status' | 'server';
export const SORT_MODES: readonly SortMode[] = ['name', 'status', 'server'];

export interface IndexedContact {
  contact: Contact;
  /** Lowercase display name, nickname, SIP URI, persona id and numbers, one per line. */
  key: string;
  /** The digits of every number, one number per line ("+1 (650) 555-0101" → "16505550101"). */
  digits: string;
  /** Position of the contact in name order within its group (ties broken by URI). */
  nameRank: number;
  /** Position of the contact in its group as the server listed it. */
  serverRank: number;
}

export interface IndexedGroup {
  name: string;
  contacts: IndexedContact[];
}

export type Row =
  | { kind: 'group'; key: string; group: string; online: number; total: number; collapsed: boolean }
  | { kind: 'contact'; key: string; group: string; contact: Contact };

export interface Filtered {
  query: string;
  groups: IndexedGroup[];
}

/**
 * Name order is the UI language's collation (German, Swedish and English place "Ö" differently),
 * not the system's: the list reads in the language the user chose. One collator per language,
 * since building one costs far more than a comparison.
 */
const collators = new Map<string, Intl.Collator>();
function collatorFor(language: string): Intl.Collator {
  let collator = collators.get(language);
  if (!collator) {
    collator = new Intl.Collator(language, { sensitivity: 'base', numeric: true });
    collators.set(language, collator);
  }
  return collator;
}
const digitsOf = (s: string) => s.replace(/\D+/g, '');

/** The order of "sort by status": reachable people first, then busy, away, offline, unknown. */
export const STATUS_ORDER: Record<Availability, number> = { available: 0, 'on-the-phone': 1, busy: 2, dnd: 3, away: 4, offline: 5, unknown: 6 };

export function searchKey(c: Contact): string {
  return [c.displayName, c.nickname, c.uri, c.personaId, ...c.numbers].join('\n').toLowerCase();
}

/**
 * Precomputes what search and sort need; call again only when the contact list or the UI's
 * language (`language`, for the name order) changes.
 */
export function indexGroups(groups: ContactGroup[], language: string = locale()): IndexedGroup[] {
  const collator = collatorFor(language);
  // The core keeps the server's document order; groups are shown by the server's `index` (ties: document order).
  return [...groups]
    .sort((a, b) => a.index - b.index)
    .map((g) => {
      const contacts = g.contacts.map((contact, serverRank): IndexedContact => ({
        contact,
        key: searchKey(contact),
        digits: contact.numbers.map(digitsOf).join('\n'),
        nameRank: 0,
        serverRank,
      }));
      const byName = [...contacts].sort((a, b) => collator.compare(a.contact.displayName, b.contact.displayName) || (a.contact.uri < b.contact.uri ? -1 : 1));
      byName.forEach((c, i) => (c.nameRank = i));
      return { name: g.name, contacts: byName };
    });
}

/**
 * A query that looks like a phone number ("650 555-01", "+1 650") also matches by digits, so
 * the spacing and punctuation the user types need not be the directory's.
 */
function phoneDigits(query: string): string | undefined {
  if (!/^[+\d\s().\-/]+$/.test(query)) return undefined;
  const d = digitsOf(query);
  return d.length >= 3 ? d : undefined;
}

export function matches(c: IndexedContact, q: string, digits: string | undefined): boolean {
  return c.key.includes(q) || (digits !== undefined && c.digits.includes(digits));
}

/**
 * Groups with only the contacts that match `rawQuery` (all groups, even empty ones, when the
 * query is empty; only groups with a match otherwise). When the query extends `previous`'s,
 * only `previous`'s matches are checked again.
 */
export function filterGroups(index: IndexedGroup[], rawQuery: string, previous?: Filtered): Filtered {
  const query = rawQuery.trim().toLowerCase();
  if (!query) return { query, groups: index };
  const digits = phoneDigits(query);
  // A longer query matches a subset of what the shorter one did, except when it starts
  // looking like a number ("65" → "650"): then digit matches appear that "65" did not have.
  const narrow = previous && previous.query && query.startsWith(previous.query) && !(digits !== undefined && phoneDigits(previous.query) === undefined);
  const source = narrow ? previous.groups : index;
  const groups: IndexedGroup[] = [];
  for (const g of source) {
    const contacts = g.contacts.filter((c) => matches(c, query, digits));
    if (contacts.length) groups.push({ name: g.name, contacts });
  }
  return { query, groups };
}

export function presenceOf(presence: Record<string, Presence>, uri: string): Availability {
  return presence[uri]?.availability ?? 'unknown';
}

/**
 * The rows to draw: a header per group (server order) with online/total of the contacts shown,
 * then, unless the group is collapsed, its contacts in name, status or server order. While searching
 * every group with a match is open, so a match is never hidden by a collapsed group.
 */
export function flattenRows(filtered: Filtered, options: { sort: SortMode; collapsed: ReadonlySet<string>; presence: Record<string, Presence> }): Row[] {
  const { sort, collapsed, presence } = options;
  const rows: Row[] = [];
  for (const g of filtered.groups) {
    let online = 0;
    for (const c of g.contacts) if (ONLINE.has(presenceOf(presence, c.contact.uri))) online++;
    const isCollapsed = !filtered.query && collapsed.has(g.name);
    rows.push({ kind: 'group', key: `g\u0000${g.name}`, group: g.name, online, total: g.contacts.length, collapsed: isCollapsed });
    if (isCollapsed) continue;
    let contacts = g.contacts;
    if (sort === 'status') {
      // Decorate once so the comparator does no lookups (5,000 contacts ≈ 60,000 comparisons).
      const rank = new Map(contacts.map((c) => [c, STATUS_ORDER[presenceOf(presence, c.contact.uri)]]));
      contacts = [...contacts].sort((a, b) => rank.get(a)! - rank.get(b)! || a.nameRank - b.nameRank);
    } else if (sort === 'server') {
      contacts = [...contacts].sort((a, b) => a.serverRank - b.serverRank);
    }
    for (const c of contacts) rows.push({ kind: 'contact', key: `c\u0000${g.name}\u0000${c.contact.uri}`, group: g.name, contact: c.contact });
  }
  return rows;
}

/** How many of the list's people have had their first presence answer (each URI once). */
export function presenceProgress(groups: ContactGroup[], presence: Record<string, Presence>): { known: number; total: number } {
  const seen = new Set<string>();
  let known = 0;
  for (const g of groups) {
    for (const c of g.contacts) {
      if (seen.has(c.uri)) continue;
      seen.add(c.uri);
      if ((presence[c.uri]?.updatedAt ?? 0) > 0) known++;
    }
  }
  return { known, total: seen.size };
}

/** The naive filter the list used to run per keystroke (lowercasing every field each time), kept for the benchmark's comparison. */
export function naiveFilter(groups: ContactGroup[], query: string): ContactGroup[] {
  const q = query.toLowerCase();
  return groups
    .map((g) => ({
      ...g,
      contacts: g.contacts.filter((c) => [c.displayName, c.nickname, c.uri, c.personaId, ...c.numbers].some((f) => f.toLowerCase().includes(q))),
    }))
    .filter((g) => !q || g.contacts.length > 0);
}
