import type { Contact, PhoneNumber } from '../../shared/domain';
import { addressOwner } from './address-owner';

const digits = (s: string) => s.replace(/[^0-9]/g, '');

/**
 * Whose number is this? Compares the digits of what was typed with the directory's numbers,
 * and what was dialed with their directory-lookup form (e.g. the extension "0101"), so a call
 * to "0101" is recognised as Maria's work number.
 */
export function numberOwner(contacts: Iterable<Contact>, target: string, dialed?: string): { contact: Contact; phone: PhoneNumber } | undefined {
  const t = digits(target);
  const d = dialed ? digits(dialed) : '';
  if (!t && !d) return undefined;
  for (const contact of contacts) {
    for (const phone of contact.phones ?? []) {
      if (phone.error) continue;
      const n = digits(phone.number);
      const l = phone.lookup ? digits(phone.lookup) : '';
      if ((t && (t === n || t === l)) || (d && l && d === l && l.length >= 4)) return { contact, phone };
    }
  }
  return undefined;
}

/**
 * Who is on the other end of a phone call, by name, when they are a contact: a SIP address
 * (`maria@lab.test`) by the contact's address, a number by the directory's numbers.
 */
export function callerName(contacts: ReadonlyMap<string, Contact>, peer: string): string | undefined {
  if (!peer) return undefined;
  if (peer.includes('@')) return addressOwner(contacts, peer)?.displayName;
  return numberOwner(contacts.values(), peer, peer)?.contact.displayName;
}
