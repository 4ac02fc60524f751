/**
 * The demo lab's people: the signed-in demo user and the colleagues on their buddy list.
 * Each colleague is a bot (lab/bots.ts) with a starting status, except the one who is offline.
 */
import { randomBytes } from 'node:crypto';
import type { OwnStatus } from '../shared/domain';

export const LAB_DOMAIN = 'demo.presence-desk.test';

export interface LabPerson {
  id: string;
  displayName: string;
  group: string;
  /** Starting status; `undefined` means never signed in (shown offline). */
  status?: OwnStatus;
  numbers: string[];
}

export const DEMO_USER = { id: 'alex', displayName: 'Alex Morgan', numbers: ['+1 408 555 0100'] };

export const LAB_COLLEAGUES: LabPerson[] = [
  { id: 'maria', displayName: 'Maria Chen', group: 'Product team', status: { availability: 'available', note: 'Reviewing the roadmap' }, numbers: ['+1 408 555 0101'] },
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
