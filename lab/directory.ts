/**
 * The demo lab's people: the signed-in demo user and the colleagues on their buddy list.
 * Each colleague is a bot (lab/bots.ts) with a starting status, except the one who is offline.
 */
import { randomBytes } from 'node:crypto';
import type { OwnStatus } from '../shared/domain';
import type { DialingRule } from '../core/dialing';

export const LAB_DOMAIN = 'demo.presence-desk.test';

export interface LabPerson {
  id: string;
  displayName: string;
  group: string;
  /** Starting status; `undefined` means never signed in (shown offline). */
  status?: OwnStatus;
  numbers: string[];
}

/**
 * The corporate directory's view of the lab's people (served by the lab's slapd): titles,
 * mobiles, email, and a few colleagues who are not on the buddy list, for the name search.
 */
export interface LabDirectoryEntry {
  id: string;
  givenName: string;
  surname: string;
  displayName?: string;
  title?: string;
  work?: string[];
  mobile?: string[];
}

export const LAB_DIRECTORY_EXTRA: LabDirectoryEntry[] = [
  { id: 'mgonzalez', givenName: 'Maria', surname: 'Gonzalez', title: 'Sales engineer', work: ['+1 408 555 0120'], mobile: ['+1 650 555 0121'] },
  { id: 'tkowalski', givenName: 'Tomasz', surname: 'Kowalski', title: 'Network administrator', work: ['+48 22 555 0122'] },
  { id: 'reception', givenName: 'Front', surname: 'Desk', displayName: 'Reception', title: 'Reception', work: ['4000', 'ask the operator'] },
  { id: 'zangstrom', givenName: 'Zoë', surname: 'Ångström', title: 'Research, R&D <Labs>', work: ['+46 8 555 0123'] },
];

/** Titles and mobiles of the buddy-list people (their work numbers are `LabPerson.numbers`). */
export const LAB_DIRECTORY_DETAILS: Record<string, { title: string; mobile?: string[] }> = {
  alex: { title: 'Engineering manager' },
  maria: { title: 'Product lead', mobile: ['+1 650 555 0111'] },
  sam: { title: 'Designer', mobile: ['+1 650 555 0112'] },
  priya: { title: 'Product marketing' },
  omar: { title: 'Support engineer', mobile: ['+1 650 555 0114'] },
  jonas: { title: 'Support engineer' },
  lena: { title: 'Support lead' },
};

export const DEMO_USER = { id: 'alex', displayName: 'Alex Morgan', numbers: ['+1 408 555 0100'] };

export const LAB_COLLEAGUES: LabPerson[] = [
  {
    id: 'maria',
    displayName: 'Maria Chen',
    group: 'Product team',
    status: { availability: 'available', note: 'Reviewing the roadmap' },
    numbers: ['+1 408 555 0101'],
  },
  { id: 'sam', displayName: 'Sam Okafor', group: 'Product team', status: { availability: 'away', note: 'Back at 2 pm' }, numbers: ['+1 408 555 0102'] },
  { id: 'priya', displayName: 'Priya Natarajan', group: 'Product team', status: { availability: 'busy', note: 'In a meeting' }, numbers: ['+44 20 7946 0103'] },
  { id: 'omar', displayName: 'Omar Haddad', group: 'Support desk', status: { availability: 'available', note: '' }, numbers: ['+1 408 555 0104'] },
  { id: 'jonas', displayName: 'Jonas Berg', group: 'Support desk', status: { availability: 'dnd', note: 'Focus time' }, numbers: ['+49 30 555 0105'] },
  { id: 'lena', displayName: 'Lena Fischer', group: 'Support desk', numbers: ['+1 408 555 0106'] },
];

/** Fresh random passwords per lab run: the lab never ships a known credential. */
export function labPasswords(ids: string[]): Map<string, string> {
  return new Map(ids.map((id) => [id, randomBytes(9).toString('base64url')]));
}

/** The demo site's dialing rules: internal 4-digit extensions, local and long-distance, E.164. */
export const LAB_DIALING_RULES: DialingRule[] = [
  { type: 1, name: 'Internal', description: 'Four-digit extensions', priority: 1, numberBeginsWith: '', numberOfDigits: 4, digitsToBeRemoved: 0, prefix: '' },
  {
    type: 1,
    name: 'Own site',
    description: 'Our own numbers dial as extensions',
    priority: 1,
    numberBeginsWith: '+1408555',
    numberOfDigits: 11,
    digitsToBeRemoved: 8,
    prefix: '',
  },
  { type: 1, name: 'Local', description: 'Seven-digit local numbers', priority: 2, numberBeginsWith: '', numberOfDigits: 7, digitsToBeRemoved: 0, prefix: '9' },
  {
    type: 1,
    name: 'North America',
    description: 'E.164 numbers in +1',
    priority: 2,
    numberBeginsWith: '+1',
    numberOfDigits: 11,
    digitsToBeRemoved: 2,
    prefix: '91',
  },
  {
    type: 1,
    name: 'International',
    description: 'Other E.164 numbers',
    priority: 3,
    numberBeginsWith: '+',
    numberOfDigits: null,
    digitsToBeRemoved: 1,
    prefix: '9011',
  },
  {
    type: 2,
    name: 'Directory: own site',
    description: 'Directory numbers of this site',
    priority: 1,
    numberBeginsWith: '+1408555',
    numberOfDigits: 11,
    digitsToBeRemoved: 8,
    prefix: '',
  },
];

const FIRST = [
  'Ada',
  'Ben',
  'Carla',
  'Dmitri',
  'Elif',
  'Farah',
  'Goran',
  'Hana',
  'Ivan',
  'Julia',
  'Kenji',
  'Lucia',
  'Mateo',
  'Nadia',
  'Oskar',
  'Paula',
  'Quinn',
  'Rosa',
  'Stefan',
  'Tariq',
  'Uma',
  'Victor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
];
const LAST = [
  'Abbott',
  'Bauer',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fontaine',
  'Garcia',
  'Horvat',
  'Iyer',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Novak',
  'Ortiz',
  'Petrov',
  'Quist',
  'Rossi',
  'Sato',
  'Tanaka',
  'Ueda',
  'Varga',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zimmer',
];
export const LAB_EXTRA_GROUPS = ['Engineering', 'Sales', 'Operations', 'Finance', 'Marketing', 'Field service', 'Partners'];

/**
 * A large directory for the buddy list at scale: `count` people in several groups (after the
 * colleagues' groups), with plausible names and numbers. They are CUPS users but not SIP bots,
 * so they show as offline. Deterministic: the same count always gives the same people.
 */
export function labExtraPeople(count: number): LabPerson[] {
  const perGroup = Math.ceil(count / LAB_EXTRA_GROUPS.length);
  return Array.from({ length: count }, (_, i) => {
    const first = FIRST[i % FIRST.length];
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
    const n = String(i + 1).padStart(4, '0');
    return {
      id: `${first}.${last}.${n}`.toLowerCase(),
      displayName: `${first} ${last} ${n}`,
      group: LAB_EXTRA_GROUPS[Math.floor(i / perGroup)],
      numbers: [`+1 650 55${n.slice(0, 1)} ${n}`],
    };
  });
}
