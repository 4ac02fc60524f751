import type { Contact } from '../../shared/domain';

/**
 * An address reduced to the form the contact list is keyed by (`sip:user@host`): other clients
 * write the server's recent list too, with or without the scheme, a display name, parameters or
 * an upper-case host. The user part keeps its case, as SIP compares it exactly.
 */
export function addressKey(address: string): string | undefined {
  let s = address.trim();
  const angle = /<([^>]*)>/.exec(s);
  if (angle) s = angle[1];
  s = s.replace(/^(sips?|im|pres):/i, '').split(/[;?]/)[0];
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return undefined;
  return `sip:${s.slice(0, at)}@${s.slice(at + 1).toLowerCase()}`;
}

/** The contact whose SIP address this is, from the list's contacts keyed by their address. */
export function addressOwner(contacts: ReadonlyMap<string, Contact>, address: string): Contact | undefined {
  const key = addressKey(address);
  return key === undefined ? undefined : contacts.get(key);
}
