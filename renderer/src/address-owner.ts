import type { Contact } from '../../shared/domain';
import { addressKey } from '../../shared/sip-address';

/** The key the contact list is keyed by: the one normaliser shared with the core. */
export { addressKey };

/** The contact whose SIP address this is, from the list's contacts keyed by their address. */
export function addressOwner(contacts: ReadonlyMap<string, Contact>, address: string): Contact | undefined {
  const key = addressKey(address);
  return key === undefined ? undefined : contacts.get(key);
}
